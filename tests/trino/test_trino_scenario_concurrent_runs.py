"""Issue 15 item 2 on Trino/Iceberg: scenario runs built at the same time each keep
exactly their own rows. scenario_output is partitioned by run_id, a build replaces only
its run's partition (macros/runs/replace_run.sql) through a temporary table named after
the run, and the service takes no warehouse lock on Trino (aurum.scenarios.warehouse).
Runs after test_trino_cross_engine.py (file order), which compares the base scenario_output.

Two `dbt build` processes run concurrently here, as two workers would; a third build of
the first run then replaces that run's rows and leaves the other's as they were.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aurum.dbt_runner import PROJECT_DIR
from aurum.scenarios.warehouse import needs_build_lock
from aurum.settings import Settings
from aurum.trino_landing import TrinoTarget

pytestmark = pytest.mark.integration

CARBON = [{"start": "2000-01-01", "end": "2030-01-01", "usd_per_metric_ton": 50.0}]
RUN_A = {"scenario_id": "a", "run_id": "conc-a", "iso_codes": ["PJM"], "carbon": CARBON}
RUN_B = {"scenario_id": "b", "run_id": "conc-b", "iso_codes": ["NYISO"]}


def _dbt_build(trino: TrinoTarget, scenario: dict, workdir: Path) -> subprocess.Popen:
    from aurum.dbt_vars.text import vars_text

    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "AURUM_TRINO_PORT": str(trino.port), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    return subprocess.Popen(
        [str(dbt), "run", "--target", "trino", "--select", "scenario_output",
         "--project-dir", str(PROJECT_DIR), "--target-path", str(workdir / "target"),
         "--log-path", str(workdir / "logs"), "--vars", vars_text({"scenario": scenario})],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _run_together(trino: TrinoTarget, scenarios: list[dict], tmp_path: Path) -> None:
    procs = [_dbt_build(trino, s, tmp_path / s["run_id"] / str(i)) for i, s in enumerate(scenarios)]
    for proc in procs:
        out, _ = proc.communicate(timeout=900)
        assert proc.returncode == 0, out[-3000:]


def _runs(trino: TrinoTarget) -> dict[str, tuple]:
    with trino.connect() as conn:
        cursor = conn.cursor()
        cursor.execute(
            "select run_id, count(*), array_join(array_agg(distinct scenario_id), ','),"
            " array_join(array_agg(distinct iso_code), ','), sum(carbon_adjustment)"
            " from market.scenario_output where run_id like 'conc-%' group by run_id"
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def test_no_build_lock_on_trino() -> None:
    assert not needs_build_lock(Settings(dbt_target="trino"))
    assert needs_build_lock(Settings(dbt_target="duckdb"))


def test_two_runs_built_concurrently_keep_exactly_their_own_rows(
    trino_build: TrinoTarget, tmp_path: Path
) -> None:
    _run_together(trino_build, [RUN_A, RUN_B], tmp_path)
    runs = _runs(trino_build)
    (rows_a, ids_a, isos_a, carbon_a), (rows_b, ids_b, isos_b, carbon_b) = (
        runs["conc-a"],
        runs["conc-b"],
    )
    assert (ids_a, isos_a, ids_b, isos_b) == ("a", "PJM", "b", "NYISO")
    assert rows_a > 1000 and rows_b > 1000 and carbon_a > 0 and carbon_b == 0

    # Run A again with one market and no carbon, concurrently with B again: A's rows
    # are replaced (none left over), B's are the same.
    smaller_a = {**RUN_A, "markets": ["day_ahead_hourly"], "carbon": []}
    _run_together(trino_build, [smaller_a, RUN_B], tmp_path / "again")
    after = _runs(trino_build)
    assert after["conc-b"] == runs["conc-b"]
    assert 0 < after["conc-a"][0] < rows_a and after["conc-a"][3] == 0
