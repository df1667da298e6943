"""Script entry points under the paths the spec names (`scripts/ingest/backfill.py`)."""
