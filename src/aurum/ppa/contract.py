"""PPA contract terms as data: the Pydantic model, the dbt var rendering, the JSON Schema.

One contract becomes one dbt var, `ppa`, holding canonical JSON (sorted keys, no
whitespace). `PpaContract` is that var's contract, written only here: `python -m
aurum.dbt_vars` generates it into the dbt project, where the generic var macro
(`macros/vars/var_contract.sql`) validates the var against it, so `dbt build --vars
'{"ppa": ...}'` typed by hand fails before SQL the same way this model does. Cross-field
rules are declared as data (`var_rules`) for that reason. See docs/ppa.md for what every
field means.

    python -m aurum.ppa.contract --schema   # rewrite docs/ppa-contract.schema.json
    python -m aurum.ppa.contract FILE.json  # validate a contract, print the --vars JSON
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from aurum.dbt_vars.rules import After, Differ, FirstOfMonth, VarModel, When
from aurum.dbt_vars.schema import json_schema as var_json_schema
from aurum.dbt_vars.text import vars_text
from aurum.paths import project_root
from aurum.scenarios.models import IsoCode, Market  # one list of ISOs and markets

PROJECT_DIR = project_root()  # the checkout: docs/ and the dbt project's seeds
SCHEMA_PATH = PROJECT_DIR / "docs" / "ppa-contract.schema.json"
PROFILES_SEED = PROJECT_DIR / "seeds" / "ppa" / "ppa_generation_profiles.csv"

# Location ids are the ISO's own (PJM pnode ids, NYISO PTIDs, CAISO/MISO/SPP names with
# dots, dashes and spaces): printable text, rendered into SQL only as an escaped literal.
# Braces are refused: dbt renders --vars values as Jinja before any macro sees them, so
# "{{ env_var('...') }}" inside a string would be evaluated (tests/ppa/test_ppa_sql_safety.py).
LocationId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f{}]+$")]
# Contract dates: 2000-01-01..2100-12-31 (0001..9999 was accepted and valued at NPV 0).
# Standard JSON Schema has no bounds for dates: the pattern shows the range to OpenAPI
# clients and schemathesis (the dbt var layer reads ge/le itself, and the pattern too).
ContractDate = Annotated[
    dt.date,
    Field(
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        json_schema_extra={"pattern": r"^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"},
    ),
]


# Every model below is a VarModel: strict, extra="forbid", frozen, finite numbers. (Named
# directly, not through an alias, which hides the models from the pydantic mypy plugin.)


class FixedShape(VarModel):
    """A flat block: `mw` in every interval of the term."""

    kind: Literal["fixed"]
    mw: float = Field(gt=0, le=100_000, description="Block size, MW.")


class UnitContingentShape(VarModel):
    """As generated: capacity x the profile's capacity factor for the local month and hour."""

    kind: Literal["unit_contingent"]
    capacity_mw: float = Field(gt=0, le=100_000, description="Nameplate capacity, MW.")
    profile: str = Field(
        pattern=r"^[a-z0-9_]{1,40}$",
        description="A profile name in seeds/ppa/ppa_generation_profiles.csv.",
    )


class NoEscalation(VarModel):
    kind: Literal["none"]


class FixedEscalation(VarModel):
    """Strike x (1 + annual_pct/100)^(whole contract years completed)."""

    kind: Literal["fixed"]
    annual_pct: float = Field(ge=-10, le=25, description="Percent per contract year, 2.5 = 2.5 %.")


class CpiEscalation(VarModel):
    """Strike x CPI(month - lag) / CPI(base_month - lag), monthly."""

    kind: Literal["cpi"]
    series_id: str = Field(default="CPIAUCSL", pattern=r"^[A-Z0-9_]{1,30}$")
    lag_months: int = Field(default=0, ge=0, le=24)
    base_month: ContractDate = Field(description="First of the month the strike is quoted in.")

    var_rules = (
        FirstOfMonth(
            "base_month", message="escalation.base_month must be the first of a month (YYYY-MM-01)"
        ),
    )


class Curtailment(VarModel):
    """Volume is zero in an interval whose settlement-point price is below this price."""

    below_price_usd_per_mwh: float = Field(ge=-10_000, le=10_000)


class Term(VarModel):
    """Delivery term in local dates of the node's time zone, both ends inclusive."""

    start: ContractDate
    end: ContractDate

    var_rules = (
        After("end", than="start", strict=False, message="term.end must not be before term.start"),
    )


class Discount(VarModel):
    annual_rate: float = Field(
        gt=-0.5, lt=1, description="Annual discount rate as a fraction, 0.07 = 7 %."
    )
    basis: Literal["nominal", "real"]
    valuation_date: ContractDate


Shape = Annotated[FixedShape | UnitContingentShape, Field(discriminator="kind")]
Escalation = Annotated[NoEscalation | FixedEscalation | CpiEscalation, Field(discriminator="kind")]


class PpaContract(VarModel):
    """One power purchase agreement, valued from the buyer's side."""

    contract_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    settlement: Literal["virtual", "physical"]
    iso_code: IsoCode
    node_location_id: LocationId
    hub_location_id: LocationId | None = None
    settle_at: Literal["hub", "node"]
    market: Market
    shape: Shape
    buyer_share: float = Field(default=1.0, gt=0, le=1)
    strike_usd_per_mwh: float = Field(ge=-1_000, le=10_000)
    escalation: Escalation = NoEscalation(kind="none")
    negative_price_rule: Literal["no_floor", "settle_at_zero", "no_settlement_below_zero"]
    curtailment: Curtailment | None = None
    term: Term
    discount: Discount

    var_rules = (
        When(
            "hub_location_id",
            field="settle_at",
            equals="hub",
            present=("hub_location_id",),
            message="hub_location_id is required when settle_at is 'hub'",
        ),
        Differ(
            "hub_location_id",
            other="node_location_id",
            message="hub_location_id must differ from node_location_id",
        ),
    )

    # -- rendering ---------------------------------------------------------------------

    def to_var_json(self) -> str:
        """Canonical JSON for the dbt var `ppa`: sorted keys, no whitespace, dates ISO."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), allow_nan=False
        )

    def dbt_vars(self) -> str:
        """The `--vars` argument: {"ppa": "<canonical JSON>"}."""
        return vars_text({"ppa": self.to_var_json()}, separators=(",", ":"))


def placeholder() -> PpaContract:
    """What the PPA models compile with when the `ppa` var is absent (they return no rows)."""
    return PpaContract(
        contract_id="none",
        settlement="virtual",
        iso_code="PJM",
        node_location_id="51288",
        settle_at="node",
        market="day_ahead_hourly",
        shape=FixedShape(kind="fixed", mw=1.0),
        strike_usd_per_mwh=0.0,
        negative_price_rule="no_floor",
        term=Term(start=dt.date(2000, 1, 1), end=dt.date(2000, 1, 1)),
        discount=Discount(annual_rate=0.0, basis="nominal", valuation_date=dt.date(2000, 1, 1)),
    )


def parse_contract(data: str | bytes | dict) -> PpaContract:
    """Validate JSON text or a JSON-shaped dict (dates as ISO strings), strictly."""
    text = data if isinstance(data, str | bytes) else json.dumps(data)
    return PpaContract.model_validate_json(text)


def known_profiles(seed: Path = PROFILES_SEED) -> set[str]:
    with seed.open(newline="") as handle:
        return {row["profile"] for row in csv.DictReader(handle)}


def check_profile_exists(contract: PpaContract, seed: Path = PROFILES_SEED) -> None:
    """The profile must be in the seed (dbt's not_null test on volume would catch it later)."""
    if isinstance(contract.shape, UnitContingentShape):
        profiles = known_profiles(seed)
        if contract.shape.profile not in profiles:
            raise ValueError(
                f"shape.profile: {contract.shape.profile!r} is not in {seed.name} "
                f"(known: {', '.join(sorted(profiles))})"
            )


def error_messages(error: ValidationError) -> list[str]:
    """`field.path: message` per error, the form the API and the CLI print."""
    return [
        ".".join(str(part) for part in err["loc"]) + ": " + err["msg"] for err in error.errors()
    ]


def json_schema() -> dict:
    schema = var_json_schema(PpaContract)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://aurum.example/schemas/ppa-contract.schema.json"
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--schema"]:
        SCHEMA_PATH.write_text(json_schema_text())
        print(f"wrote {SCHEMA_PATH}")
        return 0
    if len(args) != 1:
        print("usage: python -m aurum.ppa.contract (--schema | CONTRACT.json)", file=sys.stderr)
        return 2
    try:
        contract = parse_contract(Path(args[0]).read_text())
        check_profile_exists(contract)
    except ValidationError as error:
        print("\n".join(error_messages(error)), file=sys.stderr)
        return 1
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    print(contract.dbt_vars())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
