"""Iceberg table maintenance through Trino: compaction and snapshot expiry (docs/scale.md).

Each landing commit adds one Parquet file per table, and each incremental dbt build adds
files to the partitions it rewrites plus position-delete files for the rows it replaced.
Scheduled (hourly for landing, daily for marts, docs/scale.md), `maintain` runs per table:

1. `optimize(file_size_threshold => …)`: rewrites files below the threshold, and files
   with deletes, into target-size files (Trino's iceberg.target-max-file-size, 1 GB);
2. `expire_snapshots(retention_threshold => …)`: forgets snapshots older than the
   retention (time travel and readers in flight need the recent ones);
3. `remove_orphan_files(retention_threshold => …)`: deletes files no snapshot references
   (left by failed writes), older than the retention.

Table properties (the lander's Kafka offsets) are carried over by every step.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aurum.settings import Settings
from aurum.trino_landing import TrinoTarget, execute, quote

MAINTAINED_SCHEMAS = ("landing", "market")
_DURATION = re.compile(r"^\d+(\.\d+)?(ms|s|m|h|d)$")
_SIZE = re.compile(r"^\d+(\.\d+)?(B|kB|MB|GB)$")


@dataclass
class TableFiles:
    files: int
    bytes: int


def table_files(cursor: Any, catalog: str, schema: str, table: str) -> TableFiles:
    """Data files and bytes of the table's current snapshot (the `$files` metadata table)."""
    rows = execute(
        cursor,
        f'select count(*), coalesce(sum(file_size_in_bytes), 0) from {catalog}.{schema}."{table}$files" '
        "where content = 0",
    )
    return TableFiles(int(rows[0][0]), int(rows[0][1]))


def maintain_table(
    cursor: Any,
    catalog: str,
    schema: str,
    table: str,
    *,
    file_size_threshold: str = "100MB",
    retention: str = "7d",
) -> tuple[TableFiles, TableFiles]:
    if not _SIZE.match(file_size_threshold) or not _DURATION.match(retention):
        raise ValueError(f"bad threshold {file_size_threshold!r} or retention {retention!r}")
    qualified = f"{catalog}.{schema}.{quote(table)}"
    before = table_files(cursor, catalog, schema, table)
    execute(
        cursor,
        f"alter table {qualified} execute optimize(file_size_threshold => '{file_size_threshold}')",
    )
    execute(
        cursor,
        f"alter table {qualified} execute expire_snapshots(retention_threshold => '{retention}')",
    )
    execute(
        cursor,
        f"alter table {qualified} execute remove_orphan_files(retention_threshold => '{retention}')",
    )
    return before, table_files(cursor, catalog, schema, table)


def maintain(
    target: TrinoTarget,
    schemas: Sequence[str] = MAINTAINED_SCHEMAS,
    *,
    file_size_threshold: str = "100MB",
    retention: str = "7d",
) -> dict[str, tuple[TableFiles, TableFiles]]:
    """Compact and expire every Iceberg table of `schemas`; (files before, after) per table."""
    conn = target.connect()
    cursor = conn.cursor()
    # Trino refuses retentions below iceberg.expire-snapshots.min-retention (7d) unless
    # the session lowers the floor; the caller's retention is the policy.
    for prop in ("expire_snapshots_min_retention", "remove_orphan_files_min_retention"):
        execute(cursor, f"set session {target.catalog}.{prop} = '{retention}'")
    result = {}
    for schema in schemas:
        tables = execute(
            cursor,
            f"select table_name from {target.catalog}.information_schema.tables "
            f"where table_schema = '{schema}' and table_type = 'BASE TABLE' order by 1",
        )
        for (table,) in tables:
            result[f"{schema}.{table}"] = maintain_table(
                cursor,
                target.catalog,
                schema,
                table,
                file_size_threshold=file_size_threshold,
                retention=retention,
            )
    conn.close()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aurum-iceberg maintain", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--schema", action="append", help="schema to maintain (repeatable)")
    parser.add_argument("--file-size-threshold", default="100MB")
    parser.add_argument("--retention", default="7d")
    args = parser.parse_args(argv)
    start = time.monotonic()
    result = maintain(
        TrinoTarget.from_settings(Settings().trino),
        args.schema or MAINTAINED_SCHEMAS,
        file_size_threshold=args.file_size_threshold,
        retention=args.retention,
    )
    for name, (before, after) in result.items():
        print(f"{name}: {before.files} → {after.files} data files ({after.bytes:,} bytes)")
    print(f"{len(result)} tables in {time.monotonic() - start:.1f}s")
    return 0
