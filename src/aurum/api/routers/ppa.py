"""/v1/ppa/valuate: a PPA's cashflow summary from scenario outputs and reference curves."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from aurum.api.auth import CurrentPrincipal
from aurum.api.deps import Db, Services
from aurum.api.problems import Problem, ProblemError, not_found, validation_error
from aurum.api.schemas import ValuationOut, ValuationRequest
from aurum.dbt_runner import DbtFailed
from aurum.ppa.contract import PROJECT_DIR, check_profile_exists, parse_contract
from aurum.scenarios import store

router = APIRouter(prefix="/v1/ppa", tags=["ppa"])
EXAMPLE = json.loads(
    (PROJECT_DIR / "examples" / "ppa" / "pjm_western_hub_solar_vppa.json").read_text()
)


VALUATION_BODY = Body(
    openapi_examples={
        "pjm_solar_vppa": {
            "summary": "100 MW solar VPPA at PJM AEP-Dayton",
            "value": {"contract": EXAMPLE},
        }
    }
)


def _path(loc: tuple[Any, ...]) -> str:
    return ".".join(["contract", *map(str, loc)])


@router.post(
    "/valuate",
    response_model=ValuationOut,
    responses={
        401: {"model": Problem}, 404: {"model": Problem}, 422: {"model": Problem},
        502: {"model": Problem, "description": "dbt failed to value the contract"},
    },
)  # fmt: skip
async def valuate(
    principal: CurrentPrincipal,
    db: Db,
    services: Services,
    request: Annotated[ValuationRequest, VALUATION_BODY],
) -> ValuationOut:
    """Value a PPA over base prices or one of the tenant's scenarios (synchronous; seconds)."""
    try:
        contract = parse_contract(request.contract)
    except ValidationError as exc:
        errors = [(_path(tuple(e["loc"])), e["msg"]) for e in exc.errors()]
        raise validation_error(errors, f"{len(errors)} invalid contract field(s)") from exc
    try:
        check_profile_exists(contract)
    except ValueError as exc:
        raise validation_error([("contract.shape.profile", str(exc))], "unknown profile") from exc

    scenario = None
    version = None
    if request.scenario_id is not None:
        record = store.get_scenario(db, principal.tenant_id, request.scenario_id)
        if record is None:
            raise not_found(f"scenario {request.scenario_id}")
        version = request.version or record.version
        try:
            scenario = store.load_assumptions(db, principal.tenant_id, request.scenario_id, version)
        except LookupError as exc:
            raise not_found(f"scenario {request.scenario_id} version {version}") from exc
    scenario_id = str(request.scenario_id) if request.scenario_id else None
    try:
        summary, annual = await run_in_threadpool(
            services.valuation.value, contract, scenario, scenario_id
        )
    except (DbtFailed, LookupError) as exc:
        raise ProblemError(502, "Valuation failed", str(exc)[:2000]) from exc
    return ValuationOut(
        contract_id=contract.contract_id,
        scenario_id=request.scenario_id,
        assumption_version=version,
        summary=summary,
        annual=annual,
    )
