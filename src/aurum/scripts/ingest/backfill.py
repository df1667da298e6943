"""`python -m aurum.scripts.ingest.backfill`: the spec's `scripts/ingest/backfill.py` role.

A thin alias of `aurum.ingest.backfill` (the `aurum-backfill` console script).
"""

from __future__ import annotations

from aurum.ingest.backfill import main

if __name__ == "__main__":
    raise SystemExit(main())
