"""Response and request bodies that appear in the OpenAPI schema.

The scenario assumptions themselves are `aurum.scenarios.models.Scenario` and the PPA
terms `aurum.ppa.contract.PpaContract`; both are validated from the raw JSON body (the
same strict JSON validation as the CLI), and their JSON Schemas are put into the OpenAPI
document by `aurum.api.app.custom_openapi`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from aurum.scenarios.output_contract import result_row_model

T = TypeVar("T")
# PostgreSQL's integer: a larger version number could only be an error (500 before).
MAX_VERSION = 2_147_483_647


class _StrictBody(BaseModel):
    """A request body: exact JSON types ("1" is not a number) and no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the query, over all pages.")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, null on the last one.")


class ScenarioLinks(BaseModel):
    self: str
    runs: str


class ScenarioOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    version: int = Field(description="Current assumption version (1 on creation).")
    assumptions: dict[str, Any] = Field(description="The validated assumptions of `version`.")
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    links: ScenarioLinks


class RunRequest(_StrictBody):
    version: int | None = Field(
        default=None,
        ge=1,
        le=MAX_VERSION,
        description="Assumption version to run; default the current one.",
    )


class RunLinks(BaseModel):
    self: str
    scenario: str
    results: str | None = Field(description="Present once the run has succeeded.")


class RunOut(BaseModel):
    id: uuid.UUID
    scenario_id: uuid.UUID
    assumption_version: int
    status: Literal["queued", "running", "succeeded", "failed"]
    attempts: int
    dbt_target: str | None
    requested_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None = Field(
        description="finished_at - started_at of the last attempt."
    )
    error: str | None
    result_rows: int | None
    links: RunLinks


# One field per column of scenario_output's dbt contract (aurum.scenarios.output_contract).
ResultRow = result_row_model()


class ValuationRequest(_StrictBody):
    contract: dict[str, Any] = Field(description="PPA terms (schema PpaContract).")
    scenario_id: uuid.UUID | None = Field(
        default=None,
        description="Value under this scenario's assumptions; default base prices.",
        # Strict mode would refuse a UUID given as JSON text, the only way JSON has.
        strict=False,
    )
    version: int | None = Field(
        default=None, ge=1, le=MAX_VERSION, description="Assumption version; default current."
    )


class ValuationOut(BaseModel):
    contract_id: str
    scenario_id: uuid.UUID | None
    assumption_version: int | None
    summary: dict[str, Any] = Field(description="One row of market.ppa_summary.")
    annual: list[dict[str, Any]] = Field(description="Rows of market.ppa_cashflows_annual.")


class Health(BaseModel):
    status: Literal["ok", "degraded", "down"]
    checks: dict[str, str]
