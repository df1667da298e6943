"""The DAGs folder as Airflow's DAG processor loads it: no import errors, no cycles, the
expected DAG ids, tasks, parameters, schedules and limits."""

from __future__ import annotations

import json
from graphlib import TopologicalSorter

import pytest

from aurum.sources import SOURCES

pytestmark = pytest.mark.integration

DESCRIBE = r"""
import json, os
from pathlib import Path
from airflow.dag_processing.dagbag import BundleDagBag

folder = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
bag = BundleDagBag(folder, bundle_path=folder)
dags = {}
for dag_id, dag in bag.dags.items():
    dags[dag_id] = {
        "fileloc": Path(dag.fileloc).name,
        "tasks": {t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks},
        "retries": {t.task_id: t.retries for t in dag.tasks},
        "params": {k: dag.params.get_param(k).dump() for k in dag.params},
        "schedule": dag.schedule if dag.schedule is None or isinstance(dag.schedule, str)
        else type(dag.schedule).__name__,
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "max_active_tasks": dag.max_active_tasks,
        "tags": sorted(dag.tags),
    }
print("DAGBAG" + json.dumps({"errors": bag.import_errors, "dags": dags}, default=str))
"""


@pytest.fixture(scope="module")
def dagbag(airflow) -> dict:
    proc = airflow.python(DESCRIBE, env={"AURUM_AIRFLOW_RETRIES": "2"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("DAGBAG"))
    return json.loads(line.removeprefix("DAGBAG"))


def test_every_dag_imports_without_errors_or_cycles(dagbag):
    assert dagbag["errors"] == {}
    for dag_id, dag in dagbag["dags"].items():
        order = list(TopologicalSorter(dag["tasks"]).static_order())  # raises on a cycle
        assert sorted(order) == sorted(dag["tasks"]), dag_id


def test_the_expected_dags_and_nothing_else(dagbag):
    expected = {f"ingest_{name}" for name in SOURCES} | {
        "aurum_backfill_scenarios",
        "run_scenario_mvp",
        "aurum_dbt_marts",
        "iso_lmp_kafka_to_timescale",
    }
    assert set(dagbag["dags"]) == expected


def test_ingestion_dags_are_generated_from_the_catalog(dagbag):
    for name in SOURCES:
        dag = dagbag["dags"][f"ingest_{name}"]
        assert dag["fileloc"] == "ingest_sources.py"
        assert dag["tasks"] == {"plan_window": [], "ingest_window": ["plan_window"]}
        assert dag["schedule"] == "@daily" and dag["catchup"] is False
        assert dag["max_active_runs"] == 1
        assert dag["retries"] == {"plan_window": 2, "ingest_window": 2}
        assert set(dag["params"]) == {"backfill_days", "end_date", "watermark_key"}
        days = dag["params"]["backfill_days"]
        assert days["value"] is None  # None: AURUM_BACKFILL_DAYS, resolved when the run starts
        assert days["schema"]["type"] == ["null", "integer"] and days["schema"]["minimum"] == 1
        assert dag["params"]["watermark_key"]["value"] == "default"
        assert "ingest" in dag["tags"]
    assert "lmp" in dagbag["dags"]["ingest_pjm_da_hrl_lmps"]["tags"]
    assert "reference" in dagbag["dags"]["ingest_fred_cpiaucsl_csv"]["tags"]


def test_backfill_dag_exposes_every_backfill_variable(dagbag):
    dag = dagbag["dags"]["aurum_backfill_scenarios"]
    assert dag["tasks"] == {"check_config": [], "run_backfill": ["check_config"]}
    assert dag["schedule"] is None and dag["max_active_runs"] == 1
    assert set(dag["params"]) == {
        "source", "days", "command_template", "command_shell", "watermark_key", "end_date",
    }  # fmt: skip
    assert dag["retries"]["run_backfill"] == 0  # a failed day is reported, not replayed


def test_run_scenario_mvp(dagbag):
    dag = dagbag["dags"]["run_scenario_mvp"]
    assert dag["tasks"] == {
        "load_run": [],
        "execute_run": ["load_run"],
        "set_watermark": ["execute_run", "load_run"],
    }
    assert dag["schedule"] is None
    assert set(dag["params"]) == {"tenant_id", "run_id"}


def test_dbt_dag_is_asset_triggered_and_renders_the_marts_graph(dagbag):
    dag = dagbag["dags"]["aurum_dbt_marts"]
    assert dag["schedule"] == "AssetAny" and dag["catchup"] is False
    assert dag["max_active_tasks"] == 1  # DuckDB: one writing process at a time
    tasks = dag["tasks"]
    assert tasks["land_from_kafka"] == []
    assert "dbt.iso_nodes_seed_build" in tasks
    # fct_lmp also reads int_lmp__unioned: its incremental window starts at the newest landed row
    assert sorted(tasks["dbt.fct_lmp_model_build"]) == [
        "dbt.int_lmp__enriched_model_build",
        "dbt.int_lmp__unioned_model_build",
    ]
    assert "dbt.int_lmp__unioned_model_build" in tasks["dbt.int_lmp__deduplicated_model_build"]
    assert "dbt.stg_pjm__lmp_model_build" in tasks["dbt.int_lmp__unioned_model_build"]
    assert "land_from_kafka" in tasks["dbt.stg_pjm__lmp_model_build"]
    for reference in ("int_fx__daily_rates", "int_cpi__monthly_index", "int_fuel__daily_prices"):
        assert f"dbt.{reference}_model_build" in tasks
    assert not any("scenario" in t or "ppa" in t or "testing" in t for t in tasks)


def test_timescale_sync_dag(dagbag):
    dag = dagbag["dags"]["iso_lmp_kafka_to_timescale"]
    assert dag["tasks"] == {
        "sync_registry": [],
        "run_seatunnel_job": ["sync_registry"],
        "check_rows": ["run_seatunnel_job"],
    }
    assert dag["schedule"] == "@hourly"
    assert dag["max_active_runs"] == 1 and dag["catchup"] is False
