"""/v1/ppa/valuate: a PPA's cashflow summary from scenario outputs and reference curves."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import ValidationError

from aurum.api.auth import CurrentPrincipal
from aurum.api.deps import Services, connection
from aurum.api.problems import Problem, ProblemError, not_found, validation_error
from aurum.api.schemas import ValuationOut, ValuationRequest
from aurum.api.valuation import ContractInvalid, ValuationBusy
from aurum.dbt_runner import DbtFailed
from aurum.ppa.contract import check_profile_exists, parse_contract
from aurum.scenarios import store

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/ppa", tags=["ppa"])
BUSY_RETRY_AFTER_SECONDS = 5


# Its OpenAPI example is added when the document is built (aurum.api.app.custom_openapi).
VALUATION_BODY = Body()


def _path(loc: tuple[Any, ...]) -> str:
    return ".".join(["contract", *map(str, loc)])


def _invalid(exc: ContractInvalid) -> ProblemError:
    return validation_error(exc.errors, f"{len(exc.errors)} invalid contract field(s)")


@router.post(
    "/valuate",
    response_model=ValuationOut,
    responses={
        401: {"model": Problem}, 404: {"model": Problem}, 422: {"model": Problem},
        502: {"model": Problem, "description": "dbt failed to value the contract"},
    },
)  # fmt: skip
def valuate(
    principal: CurrentPrincipal,
    services: Services,
    request: Annotated[ValuationRequest, VALUATION_BODY],
) -> ValuationOut:
    """Value a PPA over base prices or one of the tenant's scenarios (synchronous; seconds).

    The node, hub and CPI series must exist (location registry, warehouse) and the term
    must have prices: otherwise 422 naming the field. At most
    AURUM_API_MAX_PENDING_VALUATIONS valuations wait per API process; more get 503.
    """
    try:
        contract = parse_contract(request.contract)
    except ValidationError as exc:
        errors = [(_path(tuple(e["loc"])), e["msg"]) for e in exc.errors()]
        raise validation_error(errors, f"{len(errors)} invalid contract field(s)") from exc
    try:
        check_profile_exists(contract)
    except ValueError as exc:
        raise validation_error([("contract.shape.profile", str(exc))], "unknown profile") from exc
    try:
        services.valuation.check_registry(contract)
    except ContractInvalid as exc:
        raise _invalid(exc) from exc

    scenario = None
    version = None
    if request.scenario_id is not None:
        # A pooled connection for these two reads only, never across the build-lock wait.
        with connection(services) as db:
            record = store.get_scenario(db, principal.tenant_id, request.scenario_id)
            if record is None:
                raise not_found(f"scenario {request.scenario_id}")
            version = request.version or record.version
            try:
                scenario = store.load_assumptions(
                    db, principal.tenant_id, request.scenario_id, version
                )
            except LookupError as exc:
                raise not_found(f"scenario {request.scenario_id} version {version}") from exc
    scenario_id = str(request.scenario_id) if request.scenario_id else None
    try:
        summary, annual = services.valuation.value(contract, scenario, scenario_id)
    except ContractInvalid as exc:
        raise _invalid(exc) from exc
    except ValuationBusy as exc:
        raise ProblemError(
            503, "Service Unavailable", f"{exc}; retry shortly",
            headers={"Retry-After": str(BUSY_RETRY_AFTER_SECONDS)},
        ) from exc  # fmt: skip
    except DbtFailed as exc:
        # The detail (dbt's command line, paths) stays in the log, under a reference.
        reference = uuid.uuid4().hex[:12]
        log.error("valuation %s failed: %s", reference, exc,
                  extra={"tenant_id": principal.tenant_id})  # fmt: skip
        raise ProblemError(
            502, "Valuation failed",
            f"dbt could not value the contract; the server log has the details under "
            f"reference {reference}",
        ) from exc  # fmt: skip
    return ValuationOut(
        contract_id=contract.contract_id,
        scenario_id=request.scenario_id,
        assumption_version=version,
        summary=summary,
        annual=annual,
    )
