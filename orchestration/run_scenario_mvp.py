"""`run_scenario_mvp`: one scenario run, by id, through the worker's own executor — the
roadmap's Airflow alternative to the Kafka worker (`aurum-worker`).

    load_run  ─►  execute_run  ─►  set_watermark

- `load_run` finds the run (tenant-scoped: `tenant_id` and `run_id` are both required),
  loads and validates its assumptions and counts the base prices the warehouse holds
  for them (market.fct_lmp, built by the dbt DAG);
- `execute_run` hands the run's scenario.request.v1 record (`store.request_message`, the
  same record the worker consumes) to `aurum.worker.executor.ScenarioExecutor.handle`:
  claim the run, `dbt build --select scenario_output --vars …` under the warehouse lock,
  store the rows and mark it succeeded in one transaction, OpenLineage START/COMPLETE.
  A run the worker already finished is skipped, exactly as a redelivered message is.
  A run's own problem (invalid assumptions, a failing dbt test) marks it failed with a
  dead letter, and fails the task without retries; an outage (PostgreSQL, Kafka, the
  warehouse) is retried with back-off, and after the last try the run is marked failed
  and dead-lettered;
- `set_watermark` advances the scenario-run watermark (`ingest.watermarks`, source
  `scenario_output`, key `<tenant>/<scenario id>`) to the run's finish time.

Airflow's OpenLineage provider adds task events to the same transport (AURUM_OPENLINEAGE_FILE).
"""

from __future__ import annotations

import uuid

import dag_common as common
from airflow.sdk import DAG, Param, get_current_context, task

WATERMARK_SOURCE = "scenario_output"


def _ids(params) -> tuple[str, uuid.UUID]:
    tenant_id = (params.get("tenant_id") or "").strip()
    if not tenant_id:
        raise common.fail_now("tenant_id is required: a run is only found within its tenant")
    try:
        return tenant_id, uuid.UUID(str(params.get("run_id")))
    except ValueError:
        raise common.fail_now(f"run_id={params.get('run_id')!r} is not a UUID") from None


def _run_record(conn, tenant_id: str, run_id: uuid.UUID):
    from aurum.scenarios import store

    row = conn.execute(
        "select scenario_id from app.scenario_run where tenant_id = %s and id = %s",
        (tenant_id, run_id),
    ).fetchone()
    return None if row is None else store.get_run(conn, tenant_id, row[0], run_id)


@task
def load_run() -> dict:
    from aurum.db import connect
    from aurum.scenarios import store
    from aurum.scenarios.warehouse import read_table
    from aurum.settings import Settings

    tenant_id, run_id = _ids(get_current_context()["params"])
    settings = Settings()
    with connect(settings.pg_dsn) as conn:
        run = _run_record(conn, tenant_id, run_id)
        if run is None:
            raise common.fail_now(f"run {run_id} not found for tenant {tenant_id}")
        print(f"run {run_id}: scenario {run.scenario_id} v{run.assumption_version}, {run.status}")
        if run.status in ("succeeded", "failed"):
            print("already finished; execute_run will skip it (the worker's idempotence)")
            return {"scenario_id": str(run.scenario_id), "status": run.status}
        try:
            scenario = store.load_assumptions(
                conn, tenant_id, run.scenario_id, run.assumption_version
            )
        except (LookupError, ValueError) as exc:  # execute_run fails the run with the reason
            print(f"assumptions do not load ({exc}); execute_run will fail the run")
            return {"scenario_id": str(run.scenario_id), "status": run.status}
    where, args = [], []
    if scenario.filters.iso_codes:
        where.append(f"iso_code in ({', '.join('?' * len(scenario.filters.iso_codes))})")
        args += list(scenario.filters.iso_codes)
    _, rows = read_table(settings, "fct_lmp", ["count(*)"], " and ".join(where), args)
    drivers = ", ".join(d.type for d in scenario.drivers) or "none"
    print(f"assumptions {scenario.name!r}: drivers {drivers}; {rows[0][0]} base price rows")
    return {"scenario_id": str(run.scenario_id), "status": run.status, "base_rows": rows[0][0]}


def _give_up(context) -> None:
    """After the last try of execute_run: mark the run failed and dead-letter it, unless
    the executor already finished it."""
    from aurum.db import connect
    from aurum.kafka.dead_letters import DeadLetter, publish
    from aurum.kafka.producer import ConfirmingProducer
    from aurum.scenarios import store
    from aurum.settings import Settings

    tenant_id, run_id = _ids(context["params"])
    settings = Settings()
    error = f"run_scenario_mvp gave up: {context.get('exception')}"
    with connect(settings.pg_dsn) as conn:
        run = _run_record(conn, tenant_id, run_id)
        if run is None or run.status in ("succeeded", "failed"):
            return
        store.fail_run(conn, tenant_id, run_id, error)
    producer = ConfirmingProducer(settings.kafka_bootstrap, client_id="airflow-run-scenario")
    try:
        publish(
            producer,
            DeadLetter(
                source="run_scenario_mvp",
                stage="run",
                error_class="RetriesExhausted",
                error_message=error[:4000],
                payload=str(run_id).encode(),
                source_format=store.SCENARIO_REQUEST_SUBJECT,
                attempt=run.attempts,
                run_id=str(run_id),
            ),
        )
        producer.flush()
    finally:
        producer.close()


@task(on_failure_callback=_give_up)
def execute_run(loaded: dict) -> dict:
    from aurum.db import connect
    from aurum.dbt_runner import WarmDbt
    from aurum.kafka.producer import ConfirmingProducer
    from aurum.scenarios import store
    from aurum.settings import Settings
    from aurum.worker.executor import ScenarioExecutor

    tenant_id, run_id = _ids(get_current_context()["params"])
    settings = Settings()
    with connect(settings.pg_dsn) as conn:
        run = store.get_run(conn, tenant_id, uuid.UUID(loaded["scenario_id"]), run_id)
    dbt = WarmDbt(
        target=settings.dbt_target,
        duckdb_path=settings.duckdb_path,
        work_dir=settings.dbt_work_dir / "airflow",
    )
    producer = ConfirmingProducer(settings.kafka_bootstrap, client_id="airflow-run-scenario")
    try:
        outcome = ScenarioExecutor(settings, dbt, producer).handle(store.request_message(run))
    finally:
        producer.close()
    with connect(settings.pg_dsn) as conn:
        run = store.get_run(conn, tenant_id, run.scenario_id, run_id)
    print(f"run {run_id}: {outcome}; status {run.status}, {run.result_rows} rows")
    if run.status == "failed":
        raise common.fail_now(f"run {run_id} failed: {run.error}")
    return {"outcome": outcome, "status": run.status, "rows": run.result_rows}


@task
def set_watermark(loaded: dict, executed: dict) -> str:
    from aurum.db import connect
    from aurum.ingest.watermarks import update_watermark
    from aurum.scenarios import store
    from aurum.settings import Settings

    tenant_id, run_id = _ids(get_current_context()["params"])
    with connect(Settings().pg_dsn) as conn:
        run = store.get_run(conn, tenant_id, uuid.UUID(loaded["scenario_id"]), run_id)
        key = f"{tenant_id}/{run.scenario_id}"
        stored = update_watermark(conn, WATERMARK_SOURCE, run.finished_at, key=key)
    print(f"watermark {WATERMARK_SOURCE} [{key}] = {stored.isoformat()}")
    return stored.isoformat()


with DAG(
    dag_id="run_scenario_mvp",
    description="Run one queued scenario run through the worker's executor",
    doc_md=__doc__,
    schedule=None,
    start_date=common.START_DATE,
    catchup=False,
    # Runs of different scenarios may overlap; builds serialise on the warehouse lock.
    max_active_runs=4,
    default_args=common.default_args(),
    tags=["aurum", "scenarios"],
    params={
        "tenant_id": Param("", type="string", description="the run's tenant"),
        "run_id": Param(
            "", type="string", description="the run id POST /v1/scenarios/{id}/run returned"
        ),
    },
) as dag:
    loaded = load_run()
    set_watermark(loaded, execute_run(loaded))
