"""Incremental fct_lmp: one new day on 6 months of history vs a full rebuild (DuckDB).

The landing table is filled with PJM-shaped day-ahead hourly prices (benchmarks.common's
hub-shape generator) for 13,000 locations over 183 days — 57 M rows — loaded the way a
warehouse receives them: one file per day, loaded the next morning. Then:

  full rebuild   `dbt run --select fct_lmp --full-refresh`: one statement over all 183
                 days, under a memory limit of MEMORY_LIMIT (the revision dedup's DuckDB
                 shape, macros/lmp_latest_revision.sql, keeps it within that; docs/scale.md)
  incremental    one more day is loaded, `dbt run --select fct_lmp` (default lookback of
                 3 hours: it also redoes the day loaded last before it)

Both are one `dbt run` each (same parse cost, partial parsing on). The incremental table
is checked afterwards: every day present once per location-hour, the new day's rows from
the new file. The generated history is kept in .work/…/landing-cache (17 minutes to make
on a loaded 2-core machine) and reused while the generator's parameters are unchanged.
"""

from __future__ import annotations

import os
import resource
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from aurum.dbt_runner import PROJECT_DIR, release_duckdb, run_dbt
from aurum.ingest.land import land_path
from aurum.ingest.landing import ensure_landing_tables
from aurum.sources import FORMATS
from benchmarks.common import PJM_SAMPLE, hub_shape_ctes, timed

WORK = PROJECT_DIR / "benchmarks" / ".work" / "incremental_lmp"
LOCATIONS = 13_000
DAYS = 183
FIRST_DAY = datetime(2025, 1, 1)
TARGET_RATIO = 0.05
MEMORY_LIMIT = "8GB"


def day_sql(day: int, locations: int = LOCATIONS) -> str:
    """One day's file of generated prices, loaded at 06:00 UTC the next day.

    The hub shapes come from `main.hub_sample`, a copy of the real PJM sample."""
    start = FIRST_DAY + timedelta(days=day)
    loaded_at = start + timedelta(days=1, hours=6)
    shapes = hub_shape_ctes(locations, 24).replace(
        "from landing.pjm_dataminer_lmp", "from main.hub_sample"
    )
    price = f"1 + ({day * 24} + h) % len(hubs.energy)"
    return f"""
insert into landing.pjm_dataminer_lmp
with {shapes}
select
    'da_hrl_lmps' as feed,
    timestamp '{start:%Y-%m-%d %H:%M:%S}' + to_hours(h) as datetime_beginning_utc,
    timestamp '{start:%Y-%m-%d %H:%M:%S}' + to_hours(h - 5) as datetime_beginning_ept,
    coalesce(nodes.synthetic_id, hubs.pnode_id) as pnode_id,
    coalesce('NODE ' || nodes.synthetic_id, hubs.pnode_name) as pnode_name,
    null, null,
    case when nodes.synthetic_id is null then 'HUB' else 'GEN' end as type,
    null,
    hubs.energy[{price}] as system_energy_price,
    hubs.energy[{price}] + hubs.congestion[{price}] + basis + hubs.loss[{price}] as total_lmp,
    hubs.congestion[{price}] + basis as congestion_price,
    hubs.loss[{price}] as marginal_loss_price,
    true, 1,
    'generated_da_hrl_lmps_{start:%Y-%m-%d}.csv', nodes.node_index * 24 + h + 1, 0,
    timestamp '{loaded_at:%Y-%m-%d %H:%M:%S}'
from nodes join hubs using (hub_index) cross join hours
"""


CACHE = WORK / "landing-cache" / "aurum.duckdb"
GENERATOR = f"{LOCATIONS} locations, {DAYS} days from {FIRST_DAY:%Y-%m-%d}, v1"


def _cached() -> bool:
    if not CACHE.exists():
        return False
    with duckdb.connect(str(CACHE), read_only=True) as conn:
        try:
            return (
                conn.execute("select generator from main.bench_generator").fetchone()[0]
                == GENERATOR
            )
        except duckdb.Error:
            return False


def _prepare(database: Path) -> int:
    """The generated history in `database`: copied from the cache, made when missing."""
    if not _cached():
        shutil.rmtree(CACHE.parent, ignore_errors=True)
        CACHE.parent.mkdir(parents=True)
        with duckdb.connect(str(CACHE)) as conn:
            ensure_landing_tables(conn, FORMATS)
            land_path(conn, PJM_SAMPLE)
            conn.execute("create table main.hub_sample as select * from landing.pjm_dataminer_lmp")
            conn.execute("delete from landing.pjm_dataminer_lmp")
            for day in range(DAYS):
                conn.execute(day_sql(day))
            conn.execute(f"create table main.bench_generator as select '{GENERATOR}' as generator")
    shutil.copyfile(CACHE, database)
    with duckdb.connect(str(database)) as conn:
        # Formats added since the cache was made get their (empty) landing tables.
        ensure_landing_tables(conn, FORMATS)
        return conn.execute("select count(*) from landing.pjm_dataminer_lmp").fetchone()[0]


def _add_day(database) -> None:
    release_duckdb()
    with duckdb.connect(str(database)) as conn:
        conn.execute(day_sql(DAYS))


def main() -> None:
    for stale in (WORK / "run", WORK / "target"):
        shutil.rmtree(stale, ignore_errors=True)
    (WORK / "run").mkdir(parents=True)
    database = WORK / "run" / "aurum.duckdb"
    rows = 0

    def prepare() -> None:
        nonlocal rows
        rows = _prepare(database)

    timed("generate landing", prepare)
    print(f"  landing rows: {rows:,} ({LOCATIONS:,} locations x {DAYS} days x 24 hours)")

    # A cap well below the machine's 24 GiB (others share it): DuckDB spills beyond it.
    os.environ["AURUM_DUCKDB_MEMORY_LIMIT"] = MEMORY_LIMIT

    def dbt(*args: str) -> None:
        run_dbt([*args, "--quiet"], duckdb_path=database, target_path=WORK / "target")
        release_duckdb()

    dbt("seed", "--select", "iso_nodes")
    dbt("snapshot")
    dbt("run", "--select", "+fct_lmp", "--exclude", "fct_lmp", "tag:test_fixture")

    full = timed(
        f"full rebuild ({DAYS} days, one statement)",
        lambda: dbt("run", "--select", "fct_lmp", "--full-refresh"),
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"  peak RSS so far (dbt and DuckDB run in this process): {peak:.1f} GB")
    _add_day(database)
    incremental = timed("incremental (+1 day)", lambda: dbt("run", "--select", "fct_lmp"))

    with duckdb.connect(str(database)) as conn:
        total, keys, days, new_day = conn.execute(
            f"""
            select
                count(*),
                count(distinct (location_id, interval_start_utc)),
                count(distinct cast(interval_start_utc as date)),
                count(*) filter (where source_file =
                    'generated_da_hrl_lmps_{FIRST_DAY + timedelta(days=DAYS):%Y-%m-%d}.csv')
            from market.fct_lmp
            """
        ).fetchone()
    expected = LOCATIONS * 24 * (DAYS + 1)
    if not (total == keys == expected and days == DAYS + 1 and new_day == LOCATIONS * 24):
        raise SystemExit(
            f"incremental fct_lmp is wrong: {total:,} rows, {keys:,} keys, {days} days, "
            f"{new_day:,} new-day rows; expected {expected:,}"
        )
    print(f"  fct_lmp after the incremental build: {total:,} rows, {days} days, checked")
    ratio = incremental / full
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(
        f"  ratio incremental / full rebuild: {ratio:6.3f}x ({verdict} the {TARGET_RATIO}x target)"
    )
