"""`aurum-land`: decode source files and write them to the DuckDB landing tables.

    aurum-land --database data/aurum.duckdb sample_data/pjm sample_data/caiso/x.zip

Directories are walked; files no format claims are listed and skipped. Exit
status is 0 even when rows were rejected (they are in `landing.rejected_rows`),
and 2 when a path does not exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from aurum.ingest.landing import LandingResult, ensure_landing_tables, land_decoded
from aurum.settings import Settings
from aurum.sources import FORMATS, detect


def land_path(conn: duckdb.DuckDBPyConnection, path: Path) -> LandingResult:
    data = path.read_bytes()
    source_format = detect(data, path.name)
    return land_decoded(conn, source_format, path.name, source_format.decode(data, path.name))


def iter_files(paths: list[Path]):
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurum-land", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories to land")
    parser.add_argument("--database", type=Path, help="DuckDB file (default: AURUM_DUCKDB_PATH)")
    args = parser.parse_args(argv)

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"aurum-land: no such path: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    database = args.database or Settings().duckdb_path
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as conn:
        ensure_landing_tables(conn, FORMATS)
        for path in iter_files(args.paths):
            try:
                detect(path.read_bytes(), path.name)
            except LookupError:
                print(f"  skip      {path} (no LMP source format)")
                continue
            result = land_path(conn, path)
            print(
                f"  {result.source_format:<28} {path.name}: {result.rows} rows, {result.rejected} rejected"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
