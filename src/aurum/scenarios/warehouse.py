"""The warehouse the scenario service builds into and reads from: DuckDB or Trino.

scenario_output and the PPA marts hold every run's rows by run id, and a build replaces
only its own run's rows (macros/runs/replace_run.sql), so builds of different runs do
not clobber each other. Whether two may run at the same time is the engine's matter:

- DuckDB admits one writing process: `warehouse_lock` serialises builds with a
  PostgreSQL advisory lock named after the warehouse file, across processes and
  machines (workers and the API's valuations); the run queue decides, fairly between
  tenants, which run a free worker takes next (aurum.scenarios.run_queue).
- Trino/Iceberg takes concurrent builds: each run writes its own partition (the tables
  are partitioned by run_id) through a temporary table named after the run, and
  Iceberg commits are optimistic. `warehouse_lock` takes no lock there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from aurum.db import connect
from aurum.settings import Settings
from aurum.trino_landing import TrinoTarget

MARKET_SCHEMA = "market"


def warehouse_identity(settings: Settings) -> str:
    if settings.dbt_target == "duckdb":
        return f"duckdb:{Path(settings.duckdb_path).resolve()}"
    target = TrinoTarget.from_settings(settings.trino)
    return f"trino:{target.host}:{target.port}/{target.catalog}"


def needs_build_lock(settings: Settings) -> bool:
    """Only DuckDB needs builds serialised (a single writer)."""
    return settings.dbt_target == "duckdb"


@contextmanager
def warehouse_lock(settings: Settings) -> Iterator[None]:
    """On DuckDB hold the warehouse's build lock (blocks until the current holder is
    done); on Trino/Iceberg, which takes concurrent per-run builds, nothing."""
    if not needs_build_lock(settings):
        yield
        return
    with connect(settings.pg_dsn) as conn:
        key = "aurum.warehouse:" + warehouse_identity(settings)
        conn.execute("select pg_advisory_lock(hashtext(%s))", (key,))
        try:
            yield
        finally:
            conn.execute("select pg_advisory_unlock(hashtext(%s))", (key,))


def _utc(value: Any) -> Any:
    # Both engines return the UTC columns as naive timestamps; PostgreSQL's timestamptz
    # would read a naive value in the session's zone.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def read_table(
    settings: Settings,
    table: str,
    columns: Sequence[str] = ("*",),
    where: str = "",
    params: Sequence = (),
) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of `market.<table>`; `where` uses `?` placeholders.

    Timestamps come back UTC-aware. Callers pass trusted SQL only (column names and
    placeholders); values always travel as parameters.
    """
    select = f"select {', '.join(columns)} from {MARKET_SCHEMA}.{table}"
    if where:
        select += f" where {where}"
    return query(settings, select, params)


def query(settings: Settings, sql: str, params: Sequence = ()) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of trusted SQL with `?` placeholders, on DuckDB or Trino."""
    if settings.dbt_target == "duckdb":
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
            cursor = conn.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
    else:
        with TrinoTarget.from_settings(settings.trino).connect() as conn:
            cursor = conn.cursor()
            cursor.execute(sql, list(params))
            rows = cursor.fetchall()
            names = [d[0] for d in cursor.description]
    return names, [tuple(_utc(v) for v in row) for row in rows]
