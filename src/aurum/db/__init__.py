"""PostgreSQL access shared by ingestion jobs: connection and schema migrations."""

from __future__ import annotations

from typing import TypeVar

import psycopg

from aurum.settings import Settings

Row = TypeVar("Row")


def pg_dsn() -> str:
    """`AURUM_PG_DSN`, defaulting to the local service (scripts/services/up.sh)."""
    return Settings().pg_dsn


def connect(dsn: str | None = None, *, autocommit: bool = True) -> psycopg.Connection:
    """Connect, turning 'nothing is listening' into an error that says what to run."""
    dsn = dsn or pg_dsn()
    try:
        return psycopg.connect(dsn, autocommit=autocommit, connect_timeout=5)
    except psycopg.OperationalError as exc:
        raise ConnectionError(
            f"PostgreSQL is unreachable at {dsn} ({exc}). Start the local services with "
            "scripts/services/up.sh (or point AURUM_PG_DSN at a running server)."
        ) from exc


def one_row(cur: psycopg.Cursor[Row]) -> Row:
    """The row a statement that always returns one (count(*), insert … returning) gave;
    psycopg types fetchone() as Optional, and a missing row here is a bug, not a case."""
    row = cur.fetchone()
    if row is None:
        raise RuntimeError(f"expected one row; the statement returned none ({cur.statusmessage})")
    return row
