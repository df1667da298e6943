"""`airflow dags test run_scenario_mvp` on runs created through the real API: it finishes a
queued run with the same results the worker produced for the same assumptions, sets the
scenario-run watermark, emits lineage, and skips a run the worker already finished."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from aurum.db import connect
from aurum.dbt_runner import PROJECT_DIR
from aurum.devstack import LocalStack
from aurum.ingest.watermarks import get_watermark
from aurum.scenarios import store
from warehouse_helpers import copy_warehouse

pytestmark = pytest.mark.integration

DAG_ID = "run_scenario_mvp"
DEMO = json.loads((PROJECT_DIR / "examples" / "scenarios" / "demo_pjm_carbon_gas.json").read_text())


@pytest.fixture(scope="module")
def stack(demo_warehouse_path, tmp_path_factory, pg_settings):
    workdir = tmp_path_factory.mktemp("airflow_scenario_stack")
    local = LocalStack(workdir, warehouse=copy_warehouse(demo_warehouse_path, workdir / "wh"))
    try:
        local.start()
        yield local
    finally:
        local.stop()


def _outputs(pg_dsn: str, tenant_id: str, run_id: str) -> list[tuple]:
    """The run's stored rows without its run id, in a stable order."""
    columns = ", ".join(store.OUTPUT_COLUMNS)
    with connect(pg_dsn) as conn:
        return conn.execute(
            f"select {columns} from app.scenario_run_output where tenant_id = %s and run_id = %s "
            "order by iso_code, market, location_id, interval_start_utc",
            (tenant_id, run_id),
        ).fetchall()


def _events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_finishes_an_api_run_like_the_worker_and_skips_a_finished_one(
    airflow, stack, pg_settings, tmp_path
):
    tenant = f"t-{uuid.uuid4().hex[:10]}"
    with stack.client(tenant) as client:
        scenario_id = client.post("/v1/scenarios", json=DEMO).json()["id"]
        by_worker = client.post(f"/v1/scenarios/{scenario_id}/run").json()["id"]
        assert stack.wait_for_run(client, scenario_id, by_worker)["status"] == "succeeded"
        stack.kill_worker()  # from here on, only Airflow runs this stack's requests
        queued = client.post(f"/v1/scenarios/{scenario_id}/run").json()["id"]
        assert client.get(f"/v1/scenarios/{scenario_id}/runs/{queued}").json()["status"] == "queued"

    lineage = tmp_path / "openlineage.jsonl"
    env = {
        "AURUM_DUCKDB_PATH": str(stack.settings.duckdb_path),
        "AURUM_OPENLINEAGE_FILE": str(lineage),
        "AURUM_DBT_WORK_DIR": str(tmp_path / "dbt"),
    }
    run = airflow.dags_test(
        DAG_ID, {"tenant_id": tenant, "run_id": queued}, env=env, dag_file="run_scenario_mvp.py"
    )
    assert run.state == "success", run.explain()
    assert set(run.tasks.values()) == {"success"} and len(run.tasks) == 3

    with stack.client(tenant) as client:
        finished = client.get(f"/v1/scenarios/{scenario_id}/runs/{queued}").json()
    assert finished["status"] == "succeeded"
    worker_rows = _outputs(pg_settings.pg_dsn, tenant, by_worker)
    assert len(worker_rows) == 2_832  # PJM day-ahead hubs 2025-05-01..10 (docs/scenarios.md)
    assert _outputs(pg_settings.pg_dsn, tenant, queued) == worker_rows

    with connect(pg_settings.pg_dsn) as conn:
        record = store.get_run(conn, tenant, uuid.UUID(scenario_id), uuid.UUID(queued))
        watermark = get_watermark(conn, "scenario_output", f"{tenant}/{scenario_id}")
    assert watermark == record.finished_at

    events = _events(lineage)
    run_states = [e["eventType"] for e in events if e["run"]["runId"] == queued]
    assert run_states == ["START", "COMPLETE"]  # the executor's own scenario-run events
    task_jobs = {e["job"]["name"] for e in events if e["job"]["namespace"] == "aurum"}
    assert {f"{DAG_ID}.load_run", f"{DAG_ID}.execute_run", f"{DAG_ID}.set_watermark"} <= task_jobs

    # The worker's run again, through Airflow: skipped, its results untouched.
    again = airflow.dags_test(
        DAG_ID, {"tenant_id": tenant, "run_id": by_worker}, env=env, dag_file="run_scenario_mvp.py"
    )
    assert again.state == "success", again.explain()
    assert "skipped" in again.output
    assert _outputs(pg_settings.pg_dsn, tenant, by_worker) == worker_rows
    with connect(pg_settings.pg_dsn) as conn:
        rerun = store.get_run(conn, tenant, uuid.UUID(scenario_id), uuid.UUID(by_worker))
    assert rerun.status == "succeeded" and rerun.attempts == 1


def test_an_unknown_run_fails_before_any_work(airflow):
    run = airflow.dags_test(
        DAG_ID,
        {"tenant_id": "nobody", "run_id": str(uuid.uuid4())},
        dag_file="run_scenario_mvp.py",
    )
    assert run.state == "failed", run.explain()
    assert run.tasks == {
        "load_run": "failed",
        "execute_run": "upstream_failed",
        "set_watermark": "upstream_failed",
    }
    assert "not found for tenant nobody" in run.output
