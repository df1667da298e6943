"""dbt scenario_output vs one hand-written DuckDB query, on 8.76 M hourly rows.

One year (2023, 8,760 hours) of day-ahead prices for 1,000 PJM locations is written
straight into `market.fct_lmp` in its contract shape: the 12 real hub ids and their
real hourly energy/congestion/loss shape from the PJM sample export (repeated over
the year), and synthetic locations in 20 zones, each a real hub's prices plus a fixed
basis. The real Henry Hub series (EIA RNGWHHD workbook) is landed and modelled
untimed, and the scenario seeds are loaded. Then, with one multi-driver scenario:

  dbt run    `dbt run` of the scenario models (driver views, base prices, scenario_output)
  baseline   one `create table as` query computing the same table

Both outputs are compared row for row before the ratio is printed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from aurum.dbt_runner import PROJECT_DIR, run_dbt
from aurum.ingest.land import land_path
from aurum.ingest.landing import ensure_landing_tables
from aurum.sources import FORMATS
from benchmarks.common import PJM_SAMPLE, hub_shape_ctes, timed

WORK = PROJECT_DIR / "benchmarks" / ".work" / "scenario_output"
LOCATIONS = 1_000
HOURS = 8_760
GAS_SAMPLE = PROJECT_DIR / "sample_data" / "eia" / "RNGWHHDd.xls"

SCENARIO = {
    "scenario_id": "bench",
    "run_id": "bench-run",
    "carbon": [
        {"start": "2023-01-01", "end": "2023-07-01", "usd_per_metric_ton": 30.0},
        {"start": "2023-07-01", "end": "2024-01-01", "usd_per_metric_ton": 60.0},
    ],
    "adders": [{"name": "rec", "start": "2023-01-01", "end": "2024-01-01", "usd_per_mwh": 1.5}],
    "fuel": [
        {"fuel": "natural_gas", "start": "2023-01-01", "end": "2023-04-01", "mode": "price",
         "usd_per_mmbtu": 4.0, "multiplier": None},
        {"fuel": "natural_gas", "start": "2023-04-01", "end": "2024-01-01",
         "mode": "multiplier", "usd_per_mmbtu": None, "multiplier": 1.25},
        {"fuel": "coal", "start": "2023-01-01", "end": "2024-01-01", "mode": "multiplier",
         "usd_per_mmbtu": None, "multiplier": 1.1},
    ],
    "load_growth": [
        {"iso_code": "PJM", "zone": None, "annual_fraction": 0.02, "price_elasticity": 0.5,
         "base_year": 2021},
        {"iso_code": "PJM", "zone": "Z3", "annual_fraction": 0.05, "price_elasticity": 1.0,
         "base_year": 2022},
    ],
    "fleet": [
        {"iso_code": "PJM", "zone": None, "technology": "gas_cc", "mw_delta": 1500.0,
         "effective": "2023-03-01"},
        {"iso_code": "PJM", "zone": "Z5", "technology": "coal", "mw_delta": -800.0,
         "effective": "2023-06-01"},
    ],
}  # fmt: skip


def generate_sql(locations: int = LOCATIONS, hours: int = HOURS) -> str:
    """The generator statement(s); tests run it at a small scale against the real landing shape."""
    return f"""
create schema if not exists market;
create or replace table market.fct_lmp as
with {hub_shape_ctes(locations, hours)},
shaped as (
    select
        nodes.*, hubs.pnode_id, hubs.pnode_name, h,
        hubs.energy[1 + h % len(hubs.energy)] as energy,
        hubs.congestion[1 + h % len(hubs.energy)] + basis as congestion,
        hubs.loss[1 + h % len(hubs.energy)] as loss
    from nodes join hubs using (hub_index) cross join hours
)
select
    'PJM' as iso_code,
    'day_ahead_hourly' as market,
    cast(coalesce(synthetic_id, pnode_id) as varchar) as location_id,
    coalesce('NODE ' || synthetic_id, pnode_name) as location_name,
    'NODE' as location_type,
    'GEN' as published_location_type,
    zone,
    cast(null as varchar) as hub,
    'America/New_York' as timezone,
    true as is_registered,
    timestamp '2023-01-01 00:00:00' + to_hours(h) as interval_start_utc,
    timestamp '2023-01-01 01:00:00' + to_hours(h) as interval_end_utc,
    cast(3600 as integer) as interval_seconds,
    cast(energy + congestion + loss as double) as lmp,
    cast(energy as double) as energy,
    cast(congestion as double) as congestion,
    cast(loss as double) as loss,
    'USD' as currency,
    'MWh' as uom,
    cast(1 as integer) as published_version,
    cast(1 as integer) as revision_count,
    'pjm_dataminer_lmp' as source_format,
    'generated' as source_file,
    cast(node_index * {hours} + h as bigint) as source_row,
    timestamp '2024-01-02 00:00:00' as loaded_at
from shaped
"""


# The same result in one query: the scenario's drivers written in as constants (typed
# as doubles like the var literals, so the arithmetic is the same bit for bit).
HAND_WRITTEN = """
create or replace table baseline.scenario_output_hand as
with
p as (
    select
        cast(4.0 as double) as gas_price, cast(1.25 as double) as gas_mult,
        cast(1.1 as double) as coal_mult,
        cast(30.0 as double) as carbon_h1, cast(60.0 as double) as carbon_h2,
        cast(0.02 as double) as g_pjm, cast(0.5 as double) as e_pjm,
        cast(0.05 as double) as g_z3, cast(1.0 as double) as e_z3,
        cast(1500.0 as double) as mw_all, cast(-800.0 as double) as mw_z5,
        cast(1.5 as double) as adder
),
gas as (
    select price_date, price from intermediate.int_fuel__daily_prices
    where series_id = 'RNGWHHD' and unit = 'MMBtu' and currency = 'USD' and price is not null
),
days as (select distinct cast(interval_start_utc as date) as d from market.fct_lmp),
gas_day as (
    select d, arg_max(price, price_date) as g0 from days join gas on price_date <= d group by d
),
buckets as (
    select b.lower_mmbtu_per_mwh as lo, b.upper_mmbtu_per_mwh as hi, b.marginal_technology,
        sum(case when t.fuel = 'natural_gas' then b.share * t.heat_rate_mmbtu_per_mwh else 0.0 end) as ghr,
        sum(case when t.fuel = 'coal' then b.share * t.heat_rate_mmbtu_per_mwh else 0.0 end) as chr,
        sum(b.share * t.heat_rate_mmbtu_per_mwh * t.co2_metric_ton_per_mmbtu) as er
    from reference.scenario_implied_heat_rate_buckets as b
    join reference.scenario_technology_parameters as t using (technology)
    group by all
),
c0 as (select usd_per_mmbtu as c0 from reference.scenario_fuel_reference_prices where fuel = 'coal'),
slope as (select usd_per_mwh_per_gw as k from reference.scenario_supply_curve_slopes where iso_code = 'PJM' and zone is null),
lim as (select floor_usd_per_mwh as fl, cap_usd_per_mwh as cp from market_price_limits_pjm),
x as (
    select
        f.*, cast(f.interval_start_utc as date) as d, coalesce(f.energy, f.lmp) as basis,
        gas_day.g0, c0.c0,
        coalesce(b.ghr, 0.0) as ghr, coalesce(b.chr, 0.0) as chr, coalesce(b.er, 0.0) as er,
        b.marginal_technology
    from market.fct_lmp as f
    join gas_day on gas_day.d = cast(f.interval_start_utc as date)
    cross join c0
    left join buckets as b
        on (b.lo is null or coalesce(f.energy, f.lmp) / gas_day.g0 >= b.lo)
        and (b.hi is null or coalesce(f.energy, f.lmp) / gas_day.g0 < b.hi)
),
a as (
    select
        x.*,
        case when d < date '2023-04-01' then ghr * (p.gas_price - g0) else ghr * (g0 * (p.gas_mult - 1.0)) end
            + chr * (c0 * (p.coal_mult - 1.0)) as fuel,
        er * case when d < date '2023-07-01' then p.carbon_h1 else p.carbon_h2 end as carbon,
        case when zone = 'Z3'
            then basis * p.e_z3 * (power(1.0 + p.g_z3, extract(year from d) - 2022) - 1.0)
            else basis * p.e_pjm * (power(1.0 + p.g_pjm, extract(year from d) - 2021) - 1.0)
        end as load,
        case
            when d < date '2023-03-01' then 0.0
            when zone = 'Z5' and d >= date '2023-06-01' then -(slope.k * (p.mw_all + p.mw_z5)) / 1000.0
            else -(slope.k * p.mw_all) / 1000.0
        end as fleet,
        p.adder,
        case when lmp < lim.fl then lmp else lim.fl end as fl,
        case when lmp > lim.cp then lmp else lim.cp end as cp
    from x cross join p cross join slope cross join lim
),
u as (select a.*, lmp + fuel + carbon + load + fleet + adder as unclamped from a),
c as (
    select u.*,
        case when unclamped > cp then cp - unclamped when unclamped < fl then fl - unclamped else 0.0 end as clamp
    from u
)
select
    'bench' as scenario_id, 'bench-run' as run_id, iso_code, market, location_id, zone, hub,
    interval_start_utc, interval_end_utc, interval_seconds, lmp as base_lmp, energy as base_energy,
    congestion, loss, fuel as fuel_adjustment, carbon as carbon_adjustment, load as load_adjustment,
    fleet as fleet_adjustment, adder as adder_adjustment, clamp as clamp_adjustment,
    energy + fuel + carbon + load + fleet + adder + clamp as energy,
    lmp + fuel + carbon + load + fleet + adder + clamp as lmp,
    marginal_technology, currency, uom
from c
"""


def _prepare(database: Path) -> int:
    with duckdb.connect(str(database)) as conn:
        ensure_landing_tables(conn, FORMATS)
        land_path(conn, PJM_SAMPLE)
        land_path(conn, GAS_SAMPLE)
        conn.execute(generate_sql())
        return conn.execute("select count(*) from market.fct_lmp").fetchone()[0]


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    database = WORK / "scenario.duckdb"
    target = WORK / "target"
    rows = _prepare(database)
    print(f"  fct_lmp rows: {rows:,} ({LOCATIONS:,} locations x {HOURS:,} hours)")

    # Set-up, untimed: the scenario seeds and the daily fuel prices from the landed workbook.
    run_dbt(["seed", "--select", "path:seeds/scenario"], duckdb_path=database, target_path=target)
    run_dbt(
        ["run", "--select", "+int_fuel__daily_prices"], duckdb_path=database, target_path=target
    )
    variables = json.dumps({"scenario": SCENARIO})
    dbt_run = timed(
        "dbt run (scenario models)",
        lambda: run_dbt(
            [
                *["run", "--quiet", "--select", "path:models/intermediate/scenario"],
                *["scenario_output", "--vars", variables],
            ],
            duckdb_path=database,
            target_path=target,
        ),
    )

    with duckdb.connect(str(database)) as conn:
        conn.execute("set enable_progress_bar = false")
        conn.execute("create schema if not exists baseline")
        conn.execute(
            "create or replace temp view market_price_limits_pjm as select * from"
            " reference.market_price_limits where iso_code = 'PJM' and market is null"
        )
        baseline = timed("hand-written DuckDB query", lambda: conn.execute(HAND_WRITTEN))
        differing = conn.execute(
            """
            select count(*) from (
                (select * from market.scenario_output
                 except all select * from baseline.scenario_output_hand)
                union all
                (select * from baseline.scenario_output_hand
                 except all select * from market.scenario_output)
            )
            """
        ).fetchone()[0]
        produced, adjusted = conn.execute(
            "select count(*), count(*) filter (where lmp <> base_lmp) from market.scenario_output"
        ).fetchone()
    if differing:
        raise SystemExit(f"dbt and the hand-written query disagree on {differing} rows")
    print(f"  both produce the same {produced:,} rows ({adjusted:,} with a changed price)")
    print(f"  ratio dbt run / hand-written:   {dbt_run / baseline:6.2f}x")


if __name__ == "__main__":
    main()
