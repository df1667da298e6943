"""`aurum-land`: recognise source files by their content and land them in DuckDB.

    aurum-land --database data/aurum.duckdb sample_data my_downloads/prices.csv

Directories are walked (hidden files and `--exclude` patterns, by default `*.md`, are
skipped and listed). Every file succeeds or fails on its own: it is landed, unchanged
(the same bytes were landed before), rejected (nothing in it could be decoded), not
recognised (no format claims it) or ambiguous (two do); a file that breaks the decoder
fails with the error as its reason and the files after it are still landed. Rows a
decoder refuses go to `landing.rejected_rows` and do not fail their file.

Exit status: 0 when every file was landed or unchanged; 1 when any file was not
(listed at the end with its reason); 2 when a path does not exist. With
`--allow-unrecognised`, files no format claims (or two formats claim) are listed but do
not make the exit status 1.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb

from aurum.ingest.landing import (
    REASON_CHARS,
    FileOutcome,
    LandingResult,
    bounded,
    ensure_landing_tables,
    land_decoded,
    land_file,
)
from aurum.settings import Settings
from aurum.sources import FORMATS, detect

DEFAULT_EXCLUDES = ("*.md",)
NOT_RECOGNISED = ("unrecognised", "ambiguous")


def land_path(conn: duckdb.DuckDBPyConnection, path: Path) -> LandingResult:
    """Land one file whatever came before (for benchmarks and tests); raises on no format."""
    data = path.read_bytes()
    source_format = detect(data, path.name)
    return land_decoded(conn, source_format, path.name, source_format.decode(data, path.name))


def iter_files(paths: list[Path], excludes: tuple[str, ...]) -> Iterator[tuple[Path, str | None]]:
    """(file, None) to land, or (file, why it is skipped), in a stable order."""
    for path in paths:
        if not path.is_dir():
            yield path, None
            continue
        for found in sorted(p for p in path.rglob("*") if p.is_file()):
            relative = found.relative_to(path)
            if any(part.startswith(".") for part in relative.parts):
                yield found, "hidden"
            elif any(fnmatch.fnmatch(found.name, pattern) for pattern in excludes):
                yield found, "excluded"
            else:
                yield found, None


def source_name(path: Path) -> str:
    """The name a file is landed under: its path as given, normalised."""
    return Path(os.path.normpath(path)).as_posix()


def land_one(conn: duckdb.DuckDBPyConnection, path: Path) -> FileOutcome:
    name = source_name(path)
    try:
        return land_file(conn, path.read_bytes(), name)
    except Exception as exc:  # one file's failure is reported, never the batch's end
        reason = f"{type(exc).__name__}: {exc}"
        return FileOutcome(name, "failed", reason=bounded(reason, REASON_CHARS, name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurum-land", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories to land")
    parser.add_argument("--database", type=Path, help="DuckDB file (default: AURUM_DUCKDB_PATH)")
    parser.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        help=f"skip files whose name matches (repeatable; default {', '.join(DEFAULT_EXCLUDES)})",
    )
    parser.add_argument(
        "--allow-unrecognised",
        action="store_true",
        help="list files no format claims (or two claim) without failing the run",
    )
    args = parser.parse_args(argv)

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"aurum-land: no such path: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    excludes = tuple(args.exclude) if args.exclude else DEFAULT_EXCLUDES
    database = args.database or Settings().duckdb_path
    database.parent.mkdir(parents=True, exist_ok=True)
    outcomes: list[FileOutcome] = []
    with duckdb.connect(str(database)) as conn:
        ensure_landing_tables(conn, FORMATS)
        for path, skipped in iter_files(args.paths, excludes):
            if skipped:
                print(f"  {'skipped':<30} {source_name(path)} ({skipped})")
                continue
            outcome = land_one(conn, path)
            outcomes.append(outcome)
            label = outcome.source_format or outcome.status
            detail = (
                f"{outcome.rows} rows, {outcome.rejected} rejected"
                if outcome.status == "landed"
                else f"{outcome.status}: {outcome.reason}"
            )
            print(f"  {label:<30} {outcome.source_file}: {detail}")

    failed = [
        o
        for o in outcomes
        if not o.landed and not (args.allow_unrecognised and o.status in NOT_RECOGNISED)
    ]
    listed = [o for o in outcomes if not o.landed]
    landed = [o for o in outcomes if o.landed]
    print(
        f"aurum-land: {len(landed)} of {len(outcomes)} files landed "
        f"({sum(o.rows for o in landed):,} rows); {len(listed)} not landed"
    )
    for outcome in listed:
        print(
            f"  not landed: {outcome.source_file}: {outcome.status}: {outcome.reason}",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
