"""The scenario service's PostgreSQL storage, split by responsibility:

- `aurum.scenarios.scenario_store`: scenarios and their assumption versions;
- `aurum.scenarios.run_store`: runs and their state machine (create within the quota,
  claim, complete, fail, interruption);
- `aurum.scenarios.outbox`: the request message committed with its run, and the relay;
- `aurum.scenarios.result_store`: a run's result rows, replaced and paged.

This module only re-exports them under one name for the callers written before the
split (API routers, worker, tools, tests); new code imports the module it needs.
"""

from __future__ import annotations

from aurum.scenarios.outbox import SCENARIO_REQUEST_SUBJECT, request_message
from aurum.scenarios.result_store import OUTPUT_COLUMNS, result_page
from aurum.scenarios.run_store import (
    ClaimLost,
    QuotaExceeded,
    RunRecord,
    claim_run,
    complete_run,
    create_run,
    fail_run,
    get_run,
    list_runs,
    record_interruption,
    typical_run_seconds,
)
from aurum.scenarios.scenario_store import (
    DRIVER_IDS,
    ScenarioRecord,
    add_version,
    create_scenario,
    get_scenario,
    list_scenarios,
    load_assumptions,
)

__all__ = [
    "DRIVER_IDS",
    "OUTPUT_COLUMNS",
    "SCENARIO_REQUEST_SUBJECT",
    "ClaimLost",
    "QuotaExceeded",
    "RunRecord",
    "ScenarioRecord",
    "add_version",
    "claim_run",
    "complete_run",
    "create_run",
    "create_scenario",
    "fail_run",
    "get_run",
    "get_scenario",
    "list_runs",
    "list_scenarios",
    "load_assumptions",
    "record_interruption",
    "request_message",
    "result_page",
    "typical_run_seconds",
]
