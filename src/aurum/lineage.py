"""OpenLineage run events for scenario runs (START, then COMPLETE or FAIL).

The transport comes from Settings: `AURUM_OPENLINEAGE_FILE` appends one JSON event per
line to a local file (what tests and local tools read), `AURUM_OPENLINEAGE_URL` posts to
a lineage server (e.g. Marquez); both may be set; neither means no events. The
OpenLineage run id is the scenario run's UUID, so a run's events join up with its row
in app.scenario_run.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.generated.error_message_run import ErrorMessageRunFacet
from openlineage.client.generated.job_type_job import JobTypeJobFacet

from aurum.settings import Settings

log = logging.getLogger(__name__)
PRODUCER = "https://github.com/aurum/aurum/tree/main/src/aurum/lineage.py"
JOB_NAME = "scenario_run.scenario_output"
# What dbt reads for scenario_output and what the run writes (warehouse, then PostgreSQL).
INPUTS = (
    "market.fct_lmp",
    "market.dim_location",
    "reference.scenario_technology_parameters",
    "reference.scenario_implied_heat_rate_buckets",
    "reference.scenario_supply_curve_slopes",
    "reference.scenario_fuel_reference_prices",
    "reference.market_price_limits",
)
OUTPUTS_WAREHOUSE = ("market.scenario_output",)
OUTPUTS_APP = ("app.scenario_run_output",)


def _client(settings: Settings) -> OpenLineageClient | None:
    transports: dict[str, dict[str, Any]] = {}
    if settings.openlineage_file is not None:
        transports["file"] = {
            "type": "file",
            "log_file_path": str(settings.openlineage_file),
            "append": True,
        }
    if settings.openlineage_url:
        transports["http"] = {"type": "http", "url": settings.openlineage_url}
    if not transports:
        return None
    return OpenLineageClient(config={"transport": {"type": "composite", "transports": transports}})


class LineageEmitter:
    def __init__(self, settings: Settings):
        self._client = _client(settings)
        self._namespace = settings.openlineage_namespace
        self._warehouse_ns = (
            f"duckdb://{settings.duckdb_path}" if settings.dbt_target == "duckdb" else "trino://"
        )
        self._pg_ns = "postgres://" + settings.pg_dsn.rsplit("@", 1)[-1]

    def _event(self, state: RunState, run_id: str, facets: dict[str, Any]) -> RunEvent:
        return RunEvent(
            eventType=state,
            eventTime=datetime.now(UTC).isoformat(),
            run=Run(runId=run_id, facets=facets),
            job=Job(
                namespace=self._namespace,
                name=JOB_NAME,
                facets={
                    "jobType": JobTypeJobFacet(
                        processingType="BATCH", integration="DBT", jobType="JOB"
                    )
                },
            ),
            inputs=[InputDataset(namespace=self._warehouse_ns, name=n) for n in INPUTS],
            outputs=(
                [OutputDataset(namespace=self._warehouse_ns, name=n) for n in OUTPUTS_WAREHOUSE]
                + [OutputDataset(namespace=self._pg_ns, name=n) for n in OUTPUTS_APP]
            )
            if state != RunState.START
            else [],
            producer=PRODUCER,
        )

    def emit(self, state: RunState, run_id: str, error: str | None = None) -> None:
        if self._client is None:
            return
        facets: dict[str, Any] = {}
        if error is not None:
            facets["errorMessage"] = ErrorMessageRunFacet(
                message=error[:4000], programmingLanguage="PYTHON"
            )
        try:
            self._client.emit(self._event(state, run_id, facets))
        except Exception as exc:  # lineage must never fail a run
            log.warning("openlineage emit failed for run %s: %s", run_id, exc)

    def start(self, run_id: str) -> None:
        self.emit(RunState.START, run_id)

    def complete(self, run_id: str) -> None:
        self.emit(RunState.COMPLETE, run_id)

    def fail(self, run_id: str, error: str) -> None:
        self.emit(RunState.FAIL, run_id, error)
