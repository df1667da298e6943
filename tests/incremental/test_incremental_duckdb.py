"""Incremental marts on DuckDB: builds after new loads and revisions equal a full refresh.

Three loads a day apart (tests/incremental/revisions.py), an incremental build of
fct_lmp and the incremental reference marts after each, then `--full-refresh`: every
table must be the same, row for row. The builds must also really be incremental: the
revision's build rebuilds only the revised day (FX: from the revised day on).
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


# The incremental reference marts: (model path under models/, window column).
REFERENCE_MARTS = {
    "int_fx__daily_rates": "rate_date",
    "int_fuel__daily_prices": "price_date",
    "int_carbon__allowance_prices": "auction_year",
}
INCREMENTAL = ["fct_lmp", *REFERENCE_MARTS]


def _window(target: Path, model: str = "fct_lmp", column: str = "interval_start_utc") -> str:
    """The rebuild window of a model's last build, from dbt's compiled SQL."""
    folder = "marts/market" if model == "fct_lmp" else "intermediate/reference"
    sql = (target / "compiled" / "aurum" / "models" / folder / f"{model}.sql").read_text()
    match = re.search(rf"^\s*where ({column} (?:between|>=) .*|1 = [01])$", sql, re.M)
    assert match, sql[-2000:]
    return match.group(1)


def _windows(target: Path) -> dict[str, str]:
    return {
        "fct_lmp": _window(target),
        **{model: _window(target, model, column) for model, column in REFERENCE_MARTS.items()},
    }


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
            ["run", "--select", *INCREMENTAL, *NO_LOOKBACK, *extra],
            duckdb_path=database,
            target_path=target,
        )

    _land(database, revisions.first_load(), LOAD_TIMES[0])
    for command in (
        ["seed", "--select", "iso_nodes"],
        ["snapshot"],
        ["run", "--select", *(f"+{model}" for model in INCREMENTAL)],
    ):
        run_dbt(command, duckdb_path=database, target_path=target)
    windows = {"first": _windows(target)}

    _land(database, revisions.second_load(), LOAD_TIMES[1])
    build()
    windows["second"] = _windows(target)

    _land(
        database,
        [revisions.revision(work), *revisions.reference_revisions(work)],
        LOAD_TIMES[2],
    )
    build()
    windows["revision"] = _windows(target)
    incremental = _tables(database)

    build()  # nothing new since the last build
    windows["idle"] = _windows(target)
    after_idle = _tables(database)

    build("--full-refresh")
    windows["full_refresh"] = _windows(target)
    return {
        "windows": windows,
        "incremental": incremental,
        "after_idle": after_idle,
        "full_refresh": _tables(database),
        "database": database,
    }


def _tables(database: Path) -> dict[str, list[tuple]]:
    return {
        "fct_lmp": _rows(database, "market.fct_lmp"),
        **{model: _rows(database, f"intermediate.{model}") for model in REFERENCE_MARTS},
    }


@pytest.mark.parametrize("table", INCREMENTAL)
def test_incremental_builds_equal_full_refresh(incremental_history: dict, table: str) -> None:
    incremental = incremental_history["incremental"][table]
    full = incremental_history["full_refresh"][table]
    assert len(incremental) == len(full) > (10_000 if table == "fct_lmp" else 10)
    assert incremental == full


def test_builds_rebuild_only_what_loads_touched(incremental_history: dict) -> None:
    windows = {step: w["fct_lmp"] for step, w in incremental_history["windows"].items()}
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


def test_reference_builds_rebuild_only_what_revisions_touched(incremental_history: dict) -> None:
    windows = incremental_history["windows"]
    for model in REFERENCE_MARTS:
        assert windows["first"][model] == windows["full_refresh"][model] == "1 = 1"
        # PJM's second load carries no reference rows: nothing to rebuild.
        assert windows["second"][model] == windows["idle"][model] == "1 = 0"
    # Key-local marts rebuild the revised keys' dates; FX, filled forward, from the
    # revised day to the end.
    assert windows["revision"] == {
        "fct_lmp": windows["revision"]["fct_lmp"],
        "int_fx__daily_rates": f"rate_date >= date '{revisions.FX_REVISED_DATE}'",
        "int_fuel__daily_prices": "price_date between date '1993-12-24' and date '1993-12-24'",
        "int_carbon__allowance_prices": "auction_year between 2020 and 2020",
    }
    assert incremental_history["after_idle"] == incremental_history["incremental"]


def test_reference_revisions_replaced_the_earlier_values(incremental_history: dict) -> None:
    release_duckdb()
    with duckdb.connect(str(incremental_history["database"])) as conn:
        # Friday's revised USD rate fills Saturday and Sunday, and is every currency's
        # USD cross those days (JPY per USD = JPY per EUR / USD per EUR).
        usd = conn.execute(
            """
            select rate_date, units_per_eur, is_filled from intermediate.int_fx__daily_rates
            where currency = 'USD' and rate_date between '2025-03-07' and '2025-03-09'
            order by rate_date
            """
        ).fetchall()
        jpy = conn.execute(
            """
            select units_per_usd from intermediate.int_fx__daily_rates
            where currency = 'JPY' and rate_date = '2025-03-08'
            """
        ).fetchone()
        carbon = conn.execute(
            """
            select published_price from intermediate.int_carbon__allowance_prices
            where program = 'CARB' and auction_year = 2020 and auction_quarter = 1
            """
        ).fetchall()
        fuel = conn.execute(
            """
            select price from intermediate.int_fuel__daily_prices
            where series_id = 'RNGC4' and price_date = '1993-12-24'
            """
        ).fetchall()
    revised = float(revisions.FX_REVISED_USD)
    assert [(str(d), round(r, 6), f) for d, r, f in usd] == [
        ("2025-03-07", revised, False),
        ("2025-03-08", revised, True),
        ("2025-03-09", revised, True),
    ]
    assert jpy is not None and abs(jpy[0] - 160.35 / revised) < 1e-9
    assert carbon == [(float(revisions.CARBON_REVISED_PRICE),)]
    assert fuel == [(float(revisions.FUEL_REVISED_PRICE),)]
