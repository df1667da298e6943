"""/v1/scenarios: create, list, read and version scenarios; request and follow runs; results."""

from __future__ import annotations

import math
import uuid
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import AwareDatetime

from aurum.api.auth import CurrentPrincipal
from aurum.api.deps import Db, Services, connection
from aurum.api.metrics import RUNS_REQUESTED
from aurum.api.problems import Problem, ProblemError, not_found, validation_error
from aurum.api.ratelimit import LIMITED as RATE_LIMITED
from aurum.api.schemas import (
    Page,
    ResultRow,
    RunLinks,
    RunOut,
    RunRequest,
    ScenarioLinks,
    ScenarioOut,
)
from aurum.scenarios import store
from aurum.scenarios.models import Scenario, ScenarioError, parse_scenario

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"])
PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or invalid bearer token"},
    404: {"model": Problem, "description": "Not found (or another tenant's)"},
    422: {"model": Problem, "description": "Invalid input; `errors` lists field paths"},
}
Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
# Bounded: 2^63 used to reach PostgreSQL and fail there (NumericValueOutOfRange, a 500).
MAX_OFFSET = 1_000_000_000
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
LocationIds = Annotated[
    list[Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]]
    | None,
    Query(max_length=100, description="Repeat to select several (up to 100)."),
]


# Its OpenAPI example is added when the document is built (aurum.api.app.custom_openapi).
SCENARIO_BODY = Body(description="Scenario assumptions (schema ScenarioAssumptions).")


def scenario_items(scenario: Scenario) -> int:
    """Dated items over all drivers: what makes a run slow (each is a literal row in SQL)."""
    items = 0
    for driver in scenario.drivers:
        for name in ("carbon", "other_adders", "steps", "changes"):
            items += len(getattr(driver, name, ()))
        items += driver.type == "load_growth"
    return items


def _validated(payload: Annotated[Any, SCENARIO_BODY], services: Services) -> Scenario:
    """The body as validated assumptions (a dependency: 422 with field paths otherwise)."""
    if not isinstance(payload, dict):
        raise validation_error([("", "expected a JSON object")], "body must be a JSON object")
    try:
        scenario = parse_scenario(payload)
    except ScenarioError as exc:
        raise validation_error(
            exc.errors, f"{len(exc.errors)} invalid assumption field(s)"
        ) from exc
    limit = services.settings.api_max_scenario_items
    if (items := scenario_items(scenario)) > limit:
        raise validation_error(
            [("drivers", f"{items} steps, adders, load drivers and fleet changes in all; "
                         f"a scenario may have at most {limit}")],
            "the scenario is too large to run",
        )  # fmt: skip
    return scenario


Assumptions = Annotated[Scenario, Depends(_validated)]


def _public(record: store.ScenarioRecord | store.RunRecord) -> dict:
    """The record's fields minus the tenant (the caller's own, implied by the token) and
    the worker's notes on interruptions (they name infrastructure)."""
    fields = asdict(record)
    fields.pop("tenant_id")
    fields.pop("last_interruption", None)
    fields.pop("queue", None)
    return fields


def _scenario_out(request: Request, record: store.ScenarioRecord) -> ScenarioOut:
    base = str(request.url_for("get_scenario", scenario_id=str(record.id)).path)
    return ScenarioOut(**_public(record), links=ScenarioLinks(self=base, runs=base + "/runs"))


def _run_out(request: Request, run: store.RunRecord) -> RunOut:
    scenario = str(request.url_for("get_scenario", scenario_id=str(run.scenario_id)).path)
    this = f"{scenario}/runs/{run.id}"
    duration = None
    if run.started_at is not None and run.finished_at is not None:
        duration = (run.finished_at - run.started_at).total_seconds()
    links = RunLinks(
        self=this,
        scenario=scenario,
        results=this + "/results" if run.status == "succeeded" else None,
    )
    return RunOut(**_public(run), duration_seconds=duration, links=links)


def _page(model: type, request: Request, items: list, total: int, limit: int, offset: int):
    """One page of `model` (a Page[…]) with the URL of the next page, if any."""
    next_url = None
    if offset + limit < total:
        next_url = str(request.url.include_query_params(limit=limit, offset=offset + limit))
    return model(items=items, total=total, limit=limit, offset=offset, next=next_url)


@router.post("", status_code=201, response_model=ScenarioOut, responses=PROBLEMS)
def create_scenario(
    request: Request,
    response: Response,
    principal: CurrentPrincipal,
    db: Db,
    scenario: Assumptions,
) -> ScenarioOut:
    """Create a scenario with its assumptions (version 1).

    Besides each list's own bound (in the schema), a scenario may have at most
    AURUM_API_MAX_SCENARIO_ITEMS (500) steps, adders, load drivers and fleet changes in
    all: each is a row of SQL in every run (422 on `drivers` past it).
    """
    record = store.create_scenario(db, principal.tenant_id, scenario, principal.subject)
    out = _scenario_out(request, record)
    response.headers["Location"] = out.links.self
    return out


@router.get("", response_model=Page[ScenarioOut], responses=PROBLEMS)
def list_scenarios(
    request: Request, principal: CurrentPrincipal, db: Db, limit: Limit = 50, offset: Offset = 0
) -> Page[ScenarioOut]:
    """The tenant's scenarios, newest first."""
    records, total = store.list_scenarios(db, principal.tenant_id, limit=limit, offset=offset)
    return _page(
        Page[ScenarioOut],
        request,
        [_scenario_out(request, r) for r in records],
        total,
        limit,
        offset,
    )


@router.get("/{scenario_id}", response_model=ScenarioOut, responses=PROBLEMS)
def get_scenario(
    request: Request,
    scenario_id: uuid.UUID,
    principal: CurrentPrincipal,
    services: Services,
) -> Response:
    """One scenario with its current assumptions (served from Redis when cached)."""
    cached = services.cache.get(principal.tenant_id, scenario_id)
    if cached is not None:
        return Response(cached, media_type="application/json", headers={"X-Cache": "hit"})
    # A database connection only on a miss: a hit touches Redis alone.
    with connection(services) as db:
        record = store.get_scenario(db, principal.tenant_id, scenario_id)
    if record is None:
        raise not_found(f"scenario {scenario_id}")
    body = _scenario_out(request, record).model_dump_json().encode()
    services.cache.put(principal.tenant_id, scenario_id, body)
    return Response(body, media_type="application/json", headers={"X-Cache": "miss"})


@router.put("/{scenario_id}", response_model=ScenarioOut, responses=PROBLEMS)
def replace_assumptions(
    request: Request,
    scenario_id: uuid.UUID,
    principal: CurrentPrincipal,
    db: Db,
    services: Services,
    scenario: Assumptions,
) -> ScenarioOut:
    """New assumptions become the next version; earlier versions (and their runs) stay.

    The same bounds as for creation apply.
    """
    record = store.add_version(db, principal.tenant_id, scenario_id, scenario, principal.subject)
    services.cache.invalidate(principal.tenant_id, scenario_id)
    if record is None:
        raise not_found(f"scenario {scenario_id}")
    return _scenario_out(request, record)


@router.post("/{scenario_id}/run", status_code=202, response_model=RunOut, responses=PROBLEMS)
def run_scenario(
    request: Request,
    response: Response,
    scenario_id: uuid.UUID,
    principal: CurrentPrincipal,
    db: Db,
    services: Services,
    body: RunRequest | None = None,
) -> RunOut:
    """Queue a run: the run row and its scenario.request.v1 message commit together.

    A tenant may have AURUM_API_MAX_ACTIVE_RUNS_PER_TENANT runs queued or running at
    once; past that the answer is 429 with `Retry-After` (about one run's duration).
    """
    try:
        run = store.create_run(
            db,
            principal.tenant_id,
            scenario_id,
            version=body.version if body else None,
            requested_by=principal.subject,
            dbt_target=services.settings.dbt_target,
            topic=services.settings.scenario_request_topic,
            max_active=services.settings.api_max_active_runs_per_tenant,
        )
    except store.QuotaExceeded as exc:
        RATE_LIMITED.labels("active_runs").inc()
        seconds = store.typical_run_seconds(db, principal.tenant_id)
        retry_after = str(min(300, max(1, math.ceil(seconds))))
        raise ProblemError(
            429, "Too Many Requests",
            f"{exc}: wait for one to finish (GET …/runs shows them)",
            headers={"Retry-After": retry_after},
        ) from exc  # fmt: skip
    if run is None:
        raise not_found(
            f"scenario {scenario_id}"
            + (f" version {body.version}" if body and body.version else "")
        )
    services.wake_relay()
    RUNS_REQUESTED.inc()
    out = _run_out(request, run)
    response.headers["Location"] = out.links.self
    return out


@router.get("/{scenario_id}/runs", response_model=Page[RunOut], responses=PROBLEMS)
def list_runs(
    request: Request,
    scenario_id: uuid.UUID,
    principal: CurrentPrincipal,
    db: Db,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[RunOut]:
    """Runs of one scenario, newest first."""
    if store.get_scenario(db, principal.tenant_id, scenario_id) is None:
        raise not_found(f"scenario {scenario_id}")
    runs, total = store.list_runs(db, principal.tenant_id, scenario_id, limit=limit, offset=offset)
    return _page(Page[RunOut], request, [_run_out(request, r) for r in runs], total, limit, offset)


@router.get("/{scenario_id}/runs/{run_id}", response_model=RunOut, responses=PROBLEMS)
def get_run(
    request: Request, scenario_id: uuid.UUID, run_id: uuid.UUID, principal: CurrentPrincipal, db: Db
) -> RunOut:
    """Status, timings, error and links to the results of one run."""
    run = store.get_run(db, principal.tenant_id, scenario_id, run_id)
    if run is None:
        raise not_found(f"run {run_id}")
    return _run_out(request, run)


@router.get(
    "/{scenario_id}/runs/{run_id}/results",
    response_model=Page[ResultRow],
    responses={**PROBLEMS, 409: {"model": Problem, "description": "The run has not succeeded"}},
)
def get_results(
    request: Request,
    scenario_id: uuid.UUID,
    run_id: uuid.UUID,
    principal: CurrentPrincipal,
    db: Db,
    location_id: LocationIds = None,
    start: Annotated[
        AwareDatetime | None, Query(description="Intervals starting at or after (with offset).")
    ] = None,
    end: Annotated[
        AwareDatetime | None, Query(description="Intervals starting before (with offset).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Offset = 0,
) -> Page[ResultRow]:
    """scenario_output rows of a succeeded run, ordered by ISO, market, location, interval."""
    run = store.get_run(db, principal.tenant_id, scenario_id, run_id)
    if run is None:
        raise not_found(f"run {run_id}")
    if run.status != "succeeded":
        raise ProblemError(
            409, "Conflict", f"run {run_id} is {run.status}; results exist once it succeeded"
        )
    rows, total = store.result_page(
        db, principal.tenant_id, run_id, location_ids=location_id or [], start=start, end=end,
        limit=limit, offset=offset,
    )  # fmt: skip
    return _page(Page[ResultRow], request, [ResultRow(**r) for r in rows], total, limit, offset)
