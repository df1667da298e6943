"""One scenario run: build scenario_output with its vars, store the results.

The worker claims a run from PostgreSQL (`aurum.scenarios.run_queue`) and hands it
here with the connection that holds its lock. Outcomes (`aurum.worker.errors`):

- succeeded → the rows and the status in one transaction;
- the run's own problem (assumptions no longer valid, a dbt error, a constraint or data
  error while storing) → failed at once with the real cause, a dead letter (stage
  `run`) and an OpenLineage FAIL event;
- an interruption (PostgreSQL, the warehouse or Kafka unreachable) → the reason is noted
  in `last_interruption` and the error raised: the run stays `running`, its lock is
  released with the connection, and the queue hands it out again; past
  AURUM_WORKER_MAX_ATTEMPTS the run fails naming the last interruption.

The result rows and the `succeeded` status are written in one transaction, after
deleting any rows of the same run, and only by the attempt that holds the claim, so a
worker killed at any point leaves either no result set or exactly one.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

import psycopg

from aurum.db import connect
from aurum.dbt_runner import WarmDbt
from aurum.kafka import dead_letters
from aurum.kafka.producer import ConfirmingProducer
from aurum.lineage import LineageEmitter
from aurum.scenarios import run_queue, store
from aurum.scenarios.vars import vars_json
from aurum.scenarios.warehouse import read_table, warehouse_lock
from aurum.settings import Settings
from aurum.worker import errors, metrics

log = logging.getLogger(__name__)
# The one model a run builds; nothing from a message reaches dbt's CLI.
SELECT = "scenario_output"


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
        """Claim and execute the run one scenario.request.v1 record names (tools, tests)."""
        tenant_id = request["tenant_id"]
        run_id = uuid.UUID(request["run_id"])
        with connect(self.settings.pg_dsn) as conn:
            run = store.claim_run(conn, tenant_id, run_id)
            if run is None:
                log.info("run already finished; duplicate request skipped",
                         extra={"run_id": str(run_id), "tenant_id": tenant_id})  # fmt: skip
                metrics.RUNS.labels("skipped").inc()
                return "skipped"
            run_queue.hold(conn, run.id)
            return self.execute(conn, run)

    def execute(self, conn: psycopg.Connection, run: store.RunRecord) -> str:
        """Execute a claimed run; returns the outcome or raises on an interruption."""
        context = {"run_id": str(run.id), "tenant_id": run.tenant_id}
        if run.attempts > self.settings.worker_max_attempts:
            error = f"gave up after {run.attempts - 1} interrupted attempts"
            if run.last_interruption:
                error += f"; the last: {run.last_interruption}"
            return self._fail(conn, run, error, "RetriesExhausted", time.monotonic())

        started = time.monotonic()
        log.info("run started", extra={**context, "attempt": run.attempts})
        self.lineage.start(str(run.id))
        metrics.RUNS_IN_PROGRESS.inc()
        try:
            scenario = store.load_assumptions(
                conn, run.tenant_id, run.scenario_id, run.assumption_version
            )
            dbt_vars = vars_json(scenario, str(run.scenario_id), str(run.id))
            with warehouse_lock(self.settings):
                # Unit tests do not depend on the vars (make test runs them); data tests do.
                self.dbt.invoke(
                    ["build", "--select", SELECT, "--exclude-resource-type", "unit_test",
                     "--vars", dbt_vars]
                )  # fmt: skip
                _, rows = read_table(
                    self.settings, SELECT, store.OUTPUT_COLUMNS, "run_id = ?", [str(run.id)]
                )
            count = store.complete_run(conn, run.tenant_id, run.id, rows, attempt=run.attempts)
        except store.ClaimLost:
            log.warning("claim lost; another attempt owns the run", extra=context)
            return "lost"
        except Exception as exc:
            if errors.is_interruption(exc):
                self._note_interruption(run, exc)
                raise
            log.warning("run failed", exc_info=True, extra=context)
            return self._fail(conn, run, errors.public_message(exc), type(exc).__name__, started)
        finally:
            metrics.RUNS_IN_PROGRESS.dec()

        duration = time.monotonic() - started
        metrics.RUNS.labels("succeeded").inc()
        metrics.RUN_DURATION.labels("succeeded").observe(duration)
        self.lineage.complete(str(run.id))
        log.info(
            "run succeeded",
            extra={**context, "status": "succeeded", "duration_s": round(duration, 3),
                   "outcome": f"{count} rows"},
        )  # fmt: skip
        return "succeeded"

    def _note_interruption(self, run: store.RunRecord, exc: BaseException) -> None:
        """Best effort, on a fresh connection: the run's own may be what broke."""
        reason = errors.scrub(f"{type(exc).__name__}: {exc}".splitlines()[0])
        try:
            with connect(self.settings.pg_dsn) as conn:
                store.record_interruption(conn, run.tenant_id, run.id, reason)
        except (ConnectionError, psycopg.Error) as note_error:
            log.warning("could not note the interruption: %s", note_error)

    def _fail(
        self, conn, run: store.RunRecord, error: str, error_class: str, started: float
    ) -> str:
        store.fail_run(conn, run.tenant_id, run.id, error, attempt=run.attempts)
        self.dead_letter(
            store.request_message(run), "run", error_class, error, attempt=run.attempts
        )
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
