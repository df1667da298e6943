"""The cost of copying a large run's results into PostgreSQL, at 1,000 locations x 1 year.

A run's rows are copied from the warehouse into `app.scenario_run_output` so the API
pages them from PostgreSQL (docs/api.md). At 1,000 hourly locations over a year a run
has 8.76 M rows. This measures, on rows of the contract's shape (synthetic values):

  warehouse write  the warehouse writing the same rows once more (DuckDB `create table
                   as`), the baseline: what the build itself pays to store them
  copy             what the worker pays on top: read the run's rows from DuckDB in
                   batches and COPY them into app.scenario_run_output (with its primary
                   key), in one transaction, as `store.complete_run` does (rolled back
                   here, so nothing is left behind)

and prints the ratio, PostgreSQL's bytes for the rows, and the latency of one results
page (5,000 rows of one location) from PostgreSQL and from the warehouse by run id.
"""

from __future__ import annotations

import shutil
import time
import uuid

import duckdb

from aurum.db import connect
from aurum.db.migrations import apply_migrations
from aurum.dbt_runner import PROJECT_DIR
from aurum.scenarios import store
from aurum.scenarios.models import Scenario
from aurum.scenarios.output_contract import RESULT_COLUMN_NAMES
from aurum.settings import Settings
from benchmarks.common import timed

WORK = PROJECT_DIR / "benchmarks" / ".work" / "result_copy"
LOCATIONS = 1_000
HOURS = 8_760
BATCH = 50_000

# One row per (location, hour) in scenario_output's result columns (values synthetic).
ROWS_SQL = """
select
    'PJM' as iso_code, 'day_ahead_hourly' as market, cast(l as varchar) as location_id,
    'Z' || (l % 20) as zone, cast(null as varchar) as hub,
    timestamp '2023-01-01' + to_hours(h) as interval_start_utc,
    timestamp '2023-01-01 01:00:00' + to_hours(h) as interval_end_utc,
    cast(3600 as integer) as interval_seconds,
    30.0 + (l * 7 + h) % 50 as base_lmp, 29.0 + (l * 7 + h) % 50 as base_energy,
    0.5 as congestion, 0.5 as loss, 1.0 * (h % 3) as fuel_adjustment,
    12.5 as carbon_adjustment, 0.25 as load_adjustment, -1.5 as fleet_adjustment,
    1.5 as adder_adjustment, 0.0 as clamp_adjustment,
    29.0 + (l * 7 + h) % 50 + 1.0 * (h % 3) + 12.75 as energy,
    30.0 + (l * 7 + h) % 50 + 1.0 * (h % 3) + 12.75 as lmp,
    'gas_cc' as marginal_technology, 'USD' as currency
from range({locations}) as a(l) cross join range({hours}) as b(h)
"""

PAGE_WHERE = "location_id = '7' and interval_start_utc >= timestamp '2023-06-01'"


def _page_seconds(run, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run()
        best = min(best, time.perf_counter() - start)
    assert len(rows) == 5_000, len(rows)
    return best


def main(locations: int = LOCATIONS, hours: int = HOURS) -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    settings = Settings()
    apply_migrations(settings.pg_dsn)
    columns = ", ".join(RESULT_COLUMN_NAMES)
    warehouse = duckdb.connect(str(WORK / "warehouse.duckdb"))
    warehouse.execute("set enable_progress_bar = false")
    warehouse.execute(
        f"create table run_rows as {ROWS_SQL.format(locations=locations, hours=hours)}"
    )
    rows = warehouse.execute("select count(*) from run_rows").fetchone()[0]
    print(f"  run rows: {rows:,} ({locations:,} locations x {hours:,} hours)")
    write = timed(
        "warehouse write (baseline)",
        lambda: warehouse.execute(f"create table again as select {columns} from run_rows"),
    )

    tenant = f"bench-copy-{uuid.uuid4().hex[:8]}"
    with connect(settings.pg_dsn) as conn:
        scenario = store.create_scenario(conn, tenant, Scenario(name="copy bench"), "bench")
        run = store.create_run(
            conn, tenant, scenario.id, version=None, requested_by="bench", dbt_target="duckdb"
        )
        assert run is not None
        size_before = conn.execute(
            "select pg_total_relation_size('app.scenario_run_output')"
        ).fetchone()[0]

        def copy() -> None:
            cursor = warehouse.execute(
                f"select {columns} from run_rows"
                " order by iso_code, market, location_id, interval_start_utc"
            )
            with (
                conn.cursor() as cur,
                cur.copy(
                    f"copy app.scenario_run_output (tenant_id, run_id, {columns}) from stdin"
                ) as out,
            ):
                while batch := cursor.fetchmany(BATCH):
                    for row in batch:
                        out.write_row((tenant, run.id, *row))

        conn.execute("begin")
        try:
            copied = timed("copy into PostgreSQL", copy)
            size = conn.execute(
                "select pg_total_relation_size('app.scenario_run_output')"
            ).fetchone()[0]
            pg_page = _page_seconds(
                lambda: conn.execute(
                    f"select {columns} from app.scenario_run_output"
                    f" where tenant_id = %s and run_id = %s and {PAGE_WHERE}"
                    " order by iso_code, market, location_id, interval_start_utc limit 5000",
                    (tenant, run.id),
                ).fetchall()
            )
        finally:
            conn.execute("rollback")
    warehouse_page = _page_seconds(
        lambda: warehouse.execute(
            f"select {columns} from run_rows where {PAGE_WHERE}"
            " order by iso_code, market, location_id, interval_start_utc limit 5000"
        ).fetchall()
    )
    warehouse.close()
    print(f"  PostgreSQL bytes for the run:      {(size - size_before) / 1e9:8.2f} GB")
    print(f"  copy rate:                         {rows / copied:10,.0f} rows/s")
    print(f"  one page (5,000 rows): PostgreSQL {pg_page * 1000:7.1f} ms,"
          f" warehouse by run id {warehouse_page * 1000:7.1f} ms")  # fmt: skip
    print(f"  ratio copy / warehouse write:      {copied / write:8.2f}x")


if __name__ == "__main__":
    main()
