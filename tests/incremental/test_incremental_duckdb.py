"""Incremental fct_lmp on DuckDB: builds after new loads and a revision equal a full refresh.

Three loads a day apart (tests/incremental/revisions.py), an incremental build after
each, then `--full-refresh`: the table must be the same, row for row. The builds must
also really be incremental: the revision's build rebuilds only the revised day.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from aurum.dbt_runner import release_duckdb, run_dbt
from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import FORMATS, DetectError, detect
from incremental import revisions

pytestmark = pytest.mark.integration

LOAD_TIMES = [datetime(2026, 1, d, 6, 0) for d in (1, 2, 3)]
# Each load commits before the next build, so nothing arrives late: no lookback, and
# each build's window is exactly what its load touched (with the default of 3 hours a
# build would also redo the load before it, which is correct but hides the window).
NO_LOOKBACK = ["--vars", "{incremental_lookback_hours: 0}"]


def _land(database: Path, paths: list[Path], loaded_at: datetime) -> None:
    release_duckdb()
    with duckdb.connect(str(database)) as conn:
        ensure_landing_tables(conn, FORMATS)
        for path in paths:
            try:
                source_format = detect(path.read_bytes(), path.name)
            except DetectError:
                continue
            data = path.read_bytes()
            land_decoded(
                conn, source_format, path.name, source_format.decode(data, path.name), loaded_at
            )


def _window(target: Path) -> str:
    """The rebuild window of the last fct_lmp build, from dbt's executed SQL."""
    sql = (
        target / "compiled" / "aurum" / "models" / "marts" / "market" / "fct_lmp.sql"
    ).read_text()
    match = re.search(r"^where (.*)$", sql, re.M)
    assert match, sql[-2000:]
    return match.group(1)


def _rows(database: Path, table: str) -> list[tuple]:
    release_duckdb()
    with duckdb.connect(str(database)) as conn:
        return conn.execute(f"select * from {table} order by all").fetchall()


@pytest.fixture(scope="module")
def incremental_history(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("incremental_duckdb")
    database, target = work / "aurum.duckdb", work / "target"

    def build(*extra: str) -> None:
        run_dbt(
            ["run", "--select", "fct_lmp", *NO_LOOKBACK, *extra],
            duckdb_path=database,
            target_path=target,
        )

    _land(database, revisions.first_load(), LOAD_TIMES[0])
    for command in (
        ["seed", "--select", "iso_nodes"],
        ["snapshot"],
        ["run", "--select", "+fct_lmp"],
    ):
        run_dbt(command, duckdb_path=database, target_path=target)
    windows = {"first": _window(target)}

    _land(database, revisions.second_load(), LOAD_TIMES[1])
    build()
    windows["second"] = _window(target)

    _land(database, [revisions.revision(work)], LOAD_TIMES[2])
    build()
    windows["revision"] = _window(target)
    incremental = _rows(database, "market.fct_lmp")

    build()  # nothing new since the last build
    windows["idle"] = _window(target)
    after_idle = _rows(database, "market.fct_lmp")

    build("--full-refresh")
    windows["full_refresh"] = _window(target)
    return {
        "windows": windows,
        "incremental": incremental,
        "after_idle": after_idle,
        "full_refresh": _rows(database, "market.fct_lmp"),
        "database": database,
    }


def test_incremental_builds_equal_full_refresh(incremental_history: dict) -> None:
    incremental, full = incremental_history["incremental"], incremental_history["full_refresh"]
    assert len(incremental) == len(full) > 10_000
    assert incremental == full


def test_builds_rebuild_only_what_loads_touched(incremental_history: dict) -> None:
    windows = incremental_history["windows"]
    assert windows["first"] == windows["full_refresh"] == "1 = 1"
    # The second load (PJM 1-10 May 2025; MISO 26 Sep 2026 re-landed, hour ending 24 CDT
    # = 04:00 UTC) spans its intervals;
    # the revision of 3 May 2025, loaded last and older than newer intervals, only its day.
    assert windows["second"] == (
        "interval_start_utc between cast('2025-05-01 04:00:00.000000' as timestamp) "
        "and cast('2026-09-27 04:00:00.000000' as timestamp)"
    )
    assert windows["revision"] == (
        "interval_start_utc between cast('2025-05-03 00:00:00.000000' as timestamp) "
        "and cast('2025-05-03 23:00:00.000000' as timestamp)"
    )
    assert windows["idle"] == "1 = 0"
    assert incremental_history["after_idle"] == incremental_history["incremental"]


def test_revision_replaced_the_earlier_version(incremental_history: dict) -> None:
    release_duckdb()
    with duckdb.connect(str(incremental_history["database"])) as conn:
        revised = conn.execute(
            """
            select published_version, revision_count, source_file, count(*)
            from market.fct_lmp
            where market = 'real_time_hourly' and iso_code = 'PJM'
              and interval_start_utc between '2025-05-03 00:00:00' and '2025-05-03 23:00:00'
            group by all
            """
        ).fetchall()
    assert revised == [(2, 2, revisions.REVISED_NAME, 288)]
