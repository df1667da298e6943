"""What the benchmarks share: `timed`, and synthetic PJM locations with real price shapes.

`hub_shape_ctes(locations, hours)` is the body of a `with` clause over the landed PJM
sample (`landing.pjm_dataminer_lmp`): `hubs` (the 12 real hubs and their hourly energy,
congestion and loss lists), `nodes` (the 12 hubs, then synthetic locations 900000012…,
each assigned a hub, a zone Z0..Z19 and a fixed basis of -2..+2 $/MWh) and `hours`.
A generated row takes its hub's price at `1 + h % len(hubs.energy)`.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Callable
from pathlib import Path

from aurum.dbt_runner import PROJECT_DIR, release_duckdb, run_dbt

PJM_SAMPLE: Path = PROJECT_DIR / "sample_data" / "pjm" / "da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"


def hub_shape_ctes(locations: int, hours: int) -> str:
    return f"""
hubs as (
    select
        pnode_id, pnode_name,
        row_number() over (order by pnode_id) - 1 as hub_index,
        list(system_energy_price order by datetime_beginning_utc) as energy,
        list(congestion_price order by datetime_beginning_utc) as congestion,
        list(marginal_loss_price order by datetime_beginning_utc) as loss
    from landing.pjm_dataminer_lmp
    group by pnode_id, pnode_name
),
nodes as (
    select
        n as node_index,
        case when n < 12 then null else 900000000 + n end as synthetic_id,
        n % 12 as hub_index,
        'Z' || (n % 20) as zone,
        ((n * 7919) % 400) / 100.0 - 2.0 as basis
    from range({locations}) as t(n)
),
hours as (select h from range({hours}) as t(h))"""


def timed(label: str, action: Callable[[], object]) -> float:
    """Run `action`, print and return its wall time in seconds."""
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:8.2f} s")
    return seconds


SAMPLE_SOURCES = [PROJECT_DIR / "sample_data", PROJECT_DIR / "tests" / "fixtures" / "isone"]


def build_scenario_warehouse(workdir: Path) -> Path:
    """Land the bundled samples (and the ISO-NE fixtures) into `workdir/aurum.duckdb` and
    build `+scenario_output`: what the scenario worker needs. Returns the file."""
    from aurum.ingest.land import main as land_main

    database = workdir / "aurum.duckdb"  # the views name the catalog after the file stem
    landing_log = io.StringIO()  # one line per file: shown only if landing fails
    with contextlib.redirect_stdout(landing_log):
        landed = land_main(["--database", str(database), *map(str, SAMPLE_SOURCES)])
    if landed != 0:
        raise SystemExit(f"landing the samples failed:\n{landing_log.getvalue()}")
    run_dbt(
        [
            *["build", "--quiet"],
            *["--select", "+scenario_output", "--exclude", "tag:test_fixture"],
            # a test between a selected and an unselected parent (weather stations) stays out
            *["--indirect-selection", "cautious"],
        ],
        duckdb_path=database,
        target_path=workdir / "target",
    )
    release_duckdb()  # the worker and the copy need the file closed
    return database
