"""dbt LMP normalisation vs one hand-written DuckDB query, on ~9.5 M PJM-shaped rows.

One month (731 hours) of day-ahead hourly prices for 13,000 locations is generated
in the landing table with the exact shape the PJM decoder writes: the 12 real hub
ids and their real hourly price shape from the sample export, and synthetic pnode
ids for the rest, each a real hub's prices plus a fixed node basis. Then:

  baseline  one `create table as` query doing what the dbt models do (market mapping,
            UTC interval end, revision dedup, registry join)
  dbt run   `dbt run` of the LMP models (staging and intermediate views, fct_lmp)
  dbt build the same plus every data test and unit test on those models

Both outputs are compared row for row before the ratios are printed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from aurum.dbt_runner import PROJECT_DIR, run_dbt
from aurum.ingest.land import land_path
from aurum.ingest.landing import ensure_landing_tables
from aurum.sources import FORMATS
from benchmarks.common import PJM_SAMPLE, hub_shape_ctes, timed

WORK = PROJECT_DIR / "benchmarks" / ".work" / "lmp_normalisation"
LOCATIONS = 13_000
HOURS = 731


def generate_sql(locations: int = LOCATIONS, hours: int = HOURS) -> str:
    """The generator statement(s); tests run it at a small scale against the real landing shape."""
    return f"""
insert into landing.pjm_dataminer_lmp
with {hub_shape_ctes(locations, hours)}
select
    'da_hrl_lmps' as feed,
    timestamp '2025-05-01 04:00:00' + to_hours(h) as datetime_beginning_utc,
    timestamp '2025-05-01 00:00:00' + to_hours(h) as datetime_beginning_ept,
    coalesce(nodes.synthetic_id, hubs.pnode_id) as pnode_id,
    coalesce('NODE ' || nodes.synthetic_id, hubs.pnode_name) as pnode_name,
    null, null,
    case when nodes.synthetic_id is null then 'HUB' else 'GEN' end as type,
    null,
    hubs.energy[1 + h % len(hubs.energy)] as system_energy_price,
    hubs.energy[1 + h % len(hubs.energy)] + hubs.congestion[1 + h % len(hubs.energy)]
        + basis + hubs.loss[1 + h % len(hubs.energy)] as total_lmp,
    hubs.congestion[1 + h % len(hubs.energy)] + basis as congestion_price,
    hubs.loss[1 + h % len(hubs.energy)] as marginal_loss_price,
    true, 1,
    'generated_da_hrl_lmps.csv', nodes.node_index * {hours} + h + 1, 0, timestamp '2025-06-01 00:00:00'
from nodes join hubs using (hub_index) cross join hours
"""


HAND_WRITTEN = """
create or replace table baseline.fct_lmp_hand as
with ranked as (
    select
        l.*,
        row_number() over (
            partition by pnode_id, feed, datetime_beginning_utc
            order by version_nbr desc, _loaded_at desc, _source_file desc, _source_row desc
        ) as rn,
        count(*) over (partition by pnode_id, feed, datetime_beginning_utc) as revisions
    from landing.pjm_dataminer_lmp as l
)
select
    'PJM' as iso_code,
    case feed when 'da_hrl_lmps' then 'day_ahead_hourly' when 'rt_hrl_lmps' then 'real_time_hourly'
        else 'real_time_5min' end as market,
    cast(r.pnode_id as varchar) as location_id,
    coalesce(d.location_name, r.pnode_name) as location_name,
    coalesce(d.location_type, upper(r.type)) as location_type,
    r.type as published_location_type,
    d.zone, d.hub, d.timezone,
    d.location_key is not null as is_registered,
    r.datetime_beginning_utc as interval_start_utc,
    r.datetime_beginning_utc
        + to_seconds(case when feed = 'rt_fivemin_hrl_lmps' then 300 else 3600 end) as interval_end_utc,
    cast(case when feed = 'rt_fivemin_hrl_lmps' then 300 else 3600 end as integer) as interval_seconds,
    r.total_lmp as lmp, r.system_energy_price as energy, r.congestion_price as congestion,
    r.marginal_loss_price as loss, 'USD' as currency, 'MWh' as uom,
    r.version_nbr as published_version, cast(r.revisions as integer) as revision_count,
    'pjm_dataminer_lmp' as source_format, r._source_file as source_file,
    r._source_row as source_row, r._loaded_at as loaded_at
from ranked as r
left join market.dim_location as d on d.iso_code = 'PJM' and d.location_id = cast(r.pnode_id as varchar)
where r.rn = 1
"""


def _prepare(database: Path) -> int:
    with duckdb.connect(str(database)) as conn:
        ensure_landing_tables(conn, FORMATS)
        land_path(conn, PJM_SAMPLE)
        conn.execute(generate_sql())
        conn.execute(
            "delete from landing.pjm_dataminer_lmp where _source_file <> 'generated_da_hrl_lmps.csv'"
        )
        return conn.execute("select count(*) from landing.pjm_dataminer_lmp").fetchone()[0]


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    database = WORK / "bench.duckdb"
    target = WORK / "target"
    rows = _prepare(database)
    print(f"  landing rows: {rows:,} ({LOCATIONS:,} locations x {HOURS} hours)")

    # The registry (seed + snapshot) is set-up, not normalisation: built untimed first,
    # which also gives the baseline its dim_location to join.
    run_dbt(["seed", "--select", "iso_nodes"], duckdb_path=database, target_path=target)
    run_dbt(["snapshot"], duckdb_path=database, target_path=target)
    run_dbt(["run", "--select", "dim_location"], duckdb_path=database, target_path=target)
    lmp_models = [
        "--select",
        "+fct_lmp",
        "--exclude",
        "tag:test_fixture",
        "resource_type:seed",
        "resource_type:snapshot",
    ]
    dbt_run = timed(
        "dbt run (LMP models)",
        lambda: run_dbt(["run", "--quiet", *lmp_models], duckdb_path=database, target_path=target),
    )
    dbt_build = timed(
        "dbt build (LMP models + tests)",
        # fct_lmp is incremental: without --full-refresh this build would find nothing new.
        lambda: run_dbt(
            ["build", "--quiet", "--full-refresh", *lmp_models],
            duckdb_path=database,
            target_path=target,
        ),
    )

    # dbt-duckdb keeps its instance open in-process; connect with the same configuration.
    with duckdb.connect(str(database)) as conn:
        conn.execute("create schema if not exists baseline")
        baseline = timed("hand-written DuckDB query", lambda: conn.execute(HAND_WRITTEN))
        differing = conn.execute(
            """
            select count(*) from (
                (select * exclude (loaded_at) from market.fct_lmp
                 except all select * exclude (loaded_at) from baseline.fct_lmp_hand)
                union all
                (select * exclude (loaded_at) from baseline.fct_lmp_hand
                 except all select * exclude (loaded_at) from market.fct_lmp)
            )
            """
        ).fetchone()[0]
        produced = conn.execute("select count(*) from market.fct_lmp").fetchone()[0]
    if differing:
        raise SystemExit(f"dbt and the hand-written query disagree on {differing} rows")
    print(f"  both produce the same {produced:,} rows")
    print(f"  ratio dbt run / hand-written:   {dbt_run / baseline:6.2f}x")
    print(f"  ratio dbt build / hand-written: {dbt_build / baseline:6.2f}x")
