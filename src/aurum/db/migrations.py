"""A small ordered SQL migration runner for PostgreSQL.

    apply_migrations(dsn)  ->  ["0001_ingest_watermarks", ...]   (the ones applied now)

Every `*.sql` file in the directory is applied once, in file-name order, each in its own
transaction together with its row in `public.schema_migrations(version, applied_at)`;
the version is the file name without `.sql`. A session-level advisory lock serialises
concurrent runners (two test workers, two jobs starting at once), so a migration is
never applied twice. Rerunning applies nothing and returns [].

    python -m aurum.db.migrations [--dsn DSN] [--directory DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aurum.db import connect, pg_dsn
from aurum.paths import project_root

MIGRATIONS_DIR = project_root() / "postgres" / "migrations"
# Arbitrary constant naming "aurum schema migrations" for pg_advisory_lock.
ADVISORY_LOCK_KEY = 0x6175_7275_6D00


def pending(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.sql"), key=lambda path: path.name)


def apply_migrations(dsn: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    files = pending(directory)
    if not files and not directory.is_dir():
        raise FileNotFoundError(f"migration directory {directory} does not exist")
    applied_now: list[str] = []
    with connect(dsn, autocommit=True) as conn:
        conn.execute("select pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        try:
            conn.execute(
                """
                create table if not exists public.schema_migrations (
                    version text primary key,
                    applied_at timestamptz not null default now()
                )
                """
            )
            done = {row[0] for row in conn.execute("select version from public.schema_migrations")}
            for path in files:
                version = path.stem
                if version in done:
                    continue
                with conn.transaction():
                    conn.execute(path.read_text())
                    conn.execute(
                        "insert into public.schema_migrations (version) values (%s)", (version,)
                    )
                applied_now.append(version)
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
    return applied_now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aurum.db.migrations")
    parser.add_argument("--dsn", default=None, help="default: AURUM_PG_DSN or the local service")
    parser.add_argument("--directory", type=Path, default=MIGRATIONS_DIR)
    args = parser.parse_args(argv)
    try:
        applied = apply_migrations(args.dsn or pg_dsn(), args.directory)
    except ConnectionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("applied: " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
