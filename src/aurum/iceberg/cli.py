"""`aurum-iceberg`: land Kafka into Iceberg, or maintain the Iceberg tables.

    aurum-iceberg land [--group G] [--max-batch-messages N] [--max-batch-seconds S] [--idle-seconds S]
    aurum-iceberg maintain [--schema landing] [--file-size-threshold 100MB] [--retention 7d]

`land` prints one line per table commit and per batch (after Kafka's offsets commit).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from aurum.settings import Settings


def _land(argv: Sequence[str]) -> int:
    from aurum.iceberg.lander import IcebergLander

    parser = argparse.ArgumentParser(prog="aurum-iceberg land")
    parser.add_argument("--group", default="aurum-iceberg-landing")
    parser.add_argument(
        "--topic", action="append", help="topic (repeatable; default: all landing topics)"
    )
    parser.add_argument("--max-batch-messages", type=int, default=50_000)
    parser.add_argument("--max-batch-seconds", type=float, default=10.0)
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--max-messages", type=int)
    args = parser.parse_args(argv)

    def table_commit(table: str, rows: int) -> None:
        print(f"committed {table} +{rows}", flush=True)

    def batch(stats: Any) -> None:
        print(
            f"batch {stats.batches}: {stats.messages} messages, {sum(stats.rows.values())} rows, "
            f"{stats.replayed} replayed",
            flush=True,
        )

    lander = IcebergLander(
        bootstrap_servers=Settings().kafka_bootstrap,
        group_id=args.group,
        topics=args.topic,
        max_batch_messages=args.max_batch_messages,
        max_batch_seconds=args.max_batch_seconds,
        on_table_commit=table_commit,
        on_batch=batch,
    )
    stats = lander.run(max_messages=args.max_messages, idle_seconds=args.idle_seconds)
    for table, rows in sorted(stats.rows.items()):
        print(f"  landing.{table}: {rows} rows")
    print(
        f"{stats.messages} messages in {stats.batches} batches, {stats.files} files, "
        f"{stats.replayed} replayed (already landed), {stats.undecodable} not ours"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {"land", "maintain"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "land":
        return _land(argv[1:])
    from aurum.iceberg.maintenance import main as maintain_main

    return maintain_main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
