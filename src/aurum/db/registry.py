"""The location registry in PostgreSQL: `ref.iso_nodes`, loaded from `seeds/iso_nodes.csv`.

The warehouse reads the seed through dbt; services and the SeaTunnel Kafka -> Timescale
job join against this copy. `sync_registry` makes the table equal to the seed in one
transaction: every seed row is upserted and rows no longer in the seed are deleted.
The table is created by `postgres/migrations/0002_registry_and_lmp_timescale.sql`.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import psycopg

from aurum.paths import project_root

SEED_PATH = project_root() / "seeds" / "iso_nodes.csv"  # the dbt project's seed
COLUMNS = (
    "iso_code",
    "location_id",
    "location_name",
    "location_type",
    "zone",
    "hub",
    "timezone",
)
KEY = ("iso_code", "location_id")


class RegistryError(ValueError):
    """A seed file that cannot be loaded (wrong header, duplicate or empty key)."""


def read_seed(csv_path: Path = SEED_PATH) -> list[tuple[str | None, ...]]:
    """Seed rows as tuples in COLUMNS order; empty strings become NULL."""
    with Path(csv_path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise RegistryError(f"{csv_path}: header {reader.fieldnames} != {list(COLUMNS)}")
        rows, seen = [], set()
        for line, row in enumerate(reader, start=2):
            values = tuple((row[c] or "").strip() or None for c in COLUMNS)
            key = values[:2]
            if None in key:
                raise RegistryError(f"{csv_path}:{line}: empty iso_code or location_id")
            if key in seen:
                raise RegistryError(f"{csv_path}:{line}: duplicate key {key}")
            seen.add(key)
            rows.append(values)
    return rows


_UPSERT = (
    f"insert into ref.iso_nodes ({', '.join(COLUMNS)}) "
    f"values ({', '.join(['%s'] * len(COLUMNS))}) "
    f"on conflict ({', '.join(KEY)}) do update set "
    + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in KEY)
    + " where ("
    + ", ".join(f"ref.iso_nodes.{c}" for c in COLUMNS if c not in KEY)
    + ") is distinct from ("
    + ", ".join(f"excluded.{c}" for c in COLUMNS if c not in KEY)
    + ")"
)


def sync_registry(dsn: str, csv_path: Path = SEED_PATH) -> int:
    """Make `ref.iso_nodes` equal to the seed; returns the number of seed rows."""
    rows = read_seed(csv_path)
    with psycopg.connect(dsn) as conn, conn.transaction(), conn.cursor() as cur:
        cur.execute(
            "create temporary table _seed_keys (iso_code text, location_id text) on commit drop"
        )
        with cur.copy("copy _seed_keys (iso_code, location_id) from stdin") as copy:
            for row in rows:
                copy.write_row(row[:2])
        cur.executemany(_UPSERT, rows)
        cur.execute(
            "delete from ref.iso_nodes n where not exists (select 1 from _seed_keys s "
            "where s.iso_code = n.iso_code and s.location_id = n.location_id)"
        )
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    from aurum.settings import Settings

    parser = argparse.ArgumentParser(description="Load seeds/iso_nodes.csv into ref.iso_nodes.")
    parser.add_argument("--csv", type=Path, default=SEED_PATH)
    parser.add_argument("--dsn", default=None, help="default: AURUM_PG_DSN")
    args = parser.parse_args(argv)
    count = sync_registry(args.dsn or Settings().pg_dsn, args.csv)
    print(f"ref.iso_nodes: {count} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
