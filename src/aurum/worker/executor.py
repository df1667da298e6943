"""One scenario run: claim it, build scenario_output with its vars, store the results.

Outcomes are decided by PostgreSQL state, so redelivery is harmless:

- the run is already succeeded or failed → skipped (the message is a duplicate);
- the run's own problem (assumptions no longer valid, dbt failed) → run failed with the
  error, a dead letter (stage `run`) and an OpenLineage FAIL event;
- anything else (PostgreSQL, the warehouse or Kafka unreachable) raises: the consumer
  does not commit and retries the message, and `attempts` caps the retries.

The result rows and the `succeeded` status are written in one transaction, after
deleting any rows of the same run, so a worker killed at any point leaves either no
result set or exactly one.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from aurum.db import connect
from aurum.dbt_runner import DbtFailed, WarmDbt
from aurum.kafka import dead_letters
from aurum.kafka.producer import ConfirmingProducer
from aurum.lineage import LineageEmitter
from aurum.scenarios import store
from aurum.scenarios.models import ScenarioError
from aurum.scenarios.vars import vars_json
from aurum.scenarios.warehouse import read_table, warehouse_lock
from aurum.settings import Settings
from aurum.worker import metrics

log = logging.getLogger(__name__)
# What a request may ask dbt to build; the message never reaches dbt's CLI as free text.
ALLOWED_SELECTS = frozenset({"scenario_output"})


class ScenarioExecutor:
    def __init__(
        self,
        settings: Settings,
        dbt: WarmDbt,
        producer: ConfirmingProducer,
        lineage: LineageEmitter | None = None,
    ):
        self.settings = settings
        self.dbt = dbt
        self.producer = producer
        self.lineage = lineage or LineageEmitter(settings)

    def handle(self, request: dict[str, Any]) -> str:
        """Execute one scenario.request.v1 record; returns the outcome."""
        tenant_id = request["tenant_id"]
        run_id = uuid.UUID(request["run_id"])
        context = {"run_id": str(run_id), "tenant_id": tenant_id}
        with connect(self.settings.pg_dsn) as conn:
            return self._execute(conn, request, tenant_id, run_id, context)

    def _execute(
        self,
        conn,
        request: dict[str, Any],
        tenant_id: str,
        run_id: uuid.UUID,
        context: dict[str, str],
    ) -> str:
        run = store.claim_run(conn, tenant_id, run_id)
        if run is None:
            log.info("run already finished; duplicate request skipped", extra=context)
            metrics.RUNS.labels("skipped").inc()
            return "skipped"
        if run.attempts > self.settings.worker_max_attempts:
            error = f"gave up after {run.attempts - 1} interrupted attempts"
            return self._fail(conn, run, request, error, "RetriesExhausted", time.monotonic())

        started = time.monotonic()
        log.info("run started", extra={**context, "attempt": run.attempts})
        self.lineage.start(str(run_id))
        metrics.RUNS_IN_PROGRESS.inc()
        try:
            selected = request.get("dbt_select") or "scenario_output"
            if selected not in ALLOWED_SELECTS:
                raise ValueError(f"dbt_select {selected!r} is not one of {sorted(ALLOWED_SELECTS)}")
            scenario = store.load_assumptions(
                conn, tenant_id, run.scenario_id, run.assumption_version
            )
            dbt_vars = vars_json(scenario, str(run.scenario_id), str(run_id))
            with warehouse_lock(self.settings):
                # Unit tests do not depend on the vars (make test runs them); data tests do.
                self.dbt.invoke(
                    ["build", "--select", selected, "--exclude-resource-type", "unit_test",
                     "--vars", dbt_vars]
                )  # fmt: skip
                _, rows = read_table(
                    self.settings, "scenario_output", store.OUTPUT_COLUMNS, "run_id = ?",
                    [str(run_id)],
                )  # fmt: skip
            count = store.complete_run(conn, tenant_id, run_id, rows)
        except (DbtFailed, ScenarioError, LookupError, ValueError) as exc:
            return self._fail(conn, run, request, str(exc), type(exc).__name__, started)
        finally:
            metrics.RUNS_IN_PROGRESS.dec()

        duration = time.monotonic() - started
        metrics.RUNS.labels("succeeded").inc()
        metrics.RUN_DURATION.labels("succeeded").observe(duration)
        self.lineage.complete(str(run_id))
        log.info(
            "run succeeded",
            extra={**context, "status": "succeeded", "duration_s": round(duration, 3),
                   "outcome": f"{count} rows"},
        )  # fmt: skip
        return "succeeded"

    def _fail(
        self,
        conn,
        run: store.RunRecord,
        request: dict[str, Any],
        error: str,
        error_class: str,
        started: float,
    ) -> str:
        store.fail_run(conn, run.tenant_id, run.id, error)
        self.dead_letter(request, "run", error_class, error, attempt=run.attempts)
        duration = time.monotonic() - started
        metrics.RUNS.labels("failed").inc()
        metrics.RUN_DURATION.labels("failed").observe(duration)
        self.lineage.fail(str(run.id), error)
        log.warning(
            "run failed: %s",
            error[:500],
            extra={"run_id": str(run.id), "tenant_id": run.tenant_id, "status": "failed"},
        )
        return "failed"

    def dead_letter(
        self,
        request: dict[str, Any] | None,
        stage: str,
        error_class: str,
        error: str,
        *,
        payload: bytes | None = None,
        attempt: int = 1,
    ) -> None:
        if payload is None and request is not None:
            payload = json.dumps(request, default=str, sort_keys=True).encode()
        dead_letters.publish(
            self.producer,
            dead_letters.DeadLetter(
                source="scenario_worker",
                stage=stage,
                error_class=error_class,
                error_message=error[:4000],
                payload=payload,
                source_format=store.SCENARIO_REQUEST_SUBJECT,
                attempt=attempt,
                run_id=(request or {}).get("run_id"),
            ),
        )
        self.producer.flush()
        metrics.DEAD_LETTERS.labels(stage).inc()
