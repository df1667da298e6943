"""Scenario assumptions: what a user states, validated strictly before anything reaches dbt.

A `Scenario` is a base window, optional filters, a currency and a list of drivers. Each
driver is one of four types, told apart by its `type` field:

- `policy`       a carbon price path (per metric or short ton) and optional other $/MWh adders
- `load_growth`  annual load growth for an ISO (or one zone) with a price elasticity
- `fuel_curve`   a natural gas or coal price path, or a multiplier path on observed prices
- `fleet_change` MW added or retired by technology, zone and date

Everything is strict: unknown keys are refused, numbers must be finite numbers (not
strings, not booleans), dates are 'YYYY-MM-DD', codes come from fixed sets. Amounts are
in the scenario's `currency`; `aurum.scenarios.vars.render_vars` converts them to the
canonical units dbt reads (USD, $/metric ton, $/MMBtu, fractions). Errors name the field
path, e.g. `drivers.0.steps.1.end` (see `ScenarioError`).

`ScenarioVar` (at the end) is the contract of the one `scenario` dbt var that
`render_vars` produces: written only here, generated into the dbt project by
`python -m aurum.dbt_vars` and enforced there by `macros/vars/var_contract.sql`.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from aurum.dbt_vars.rules import After, Together, Unique, VarModel, When
from aurum.dbt_vars.schema import COLUMN_KEY
from aurum.sources.core.vocabulary import ISO_CODES, MARKETS

# Must match the technologies in the scenario engine's fleet parameter seed.
TECHNOLOGIES = (
    "gas_cc",
    "gas_ct",
    "gas_steam",
    "coal",
    "nuclear",
    "wind",
    "solar",
    "hydro",
    "storage",
    "oil",
)
DRIVER_TYPES = ("policy", "load_growth", "fuel_curve", "fleet_change")

# 1 short ton = 2,000 lb = 0.90718474 metric ton (exact, NIST SP 811).
METRIC_TON_PER_SHORT_TON = 0.90718474
# Average heat content of coal consumed in the US, 2022: 19.18 MMBtu per short ton
# (EIA FAQ "What is the heat content of U.S. coal?", from Monthly Energy Review
# Appendix A5). Used only to turn a coal price per short ton into $/MMBtu; a fuel_curve
# driver may give its own `heat_content_mmbtu_per_short_ton` for a specific coal rank.
COAL_MMBTU_PER_SHORT_TON = 19.18
# Default price elasticity of the energy price to load (% price change per % load
# change) for load_growth drivers. A modelling assumption, not an estimate: it is the
# conservative flat-part-of-the-supply-stack value; set it per scenario when known.
DEFAULT_PRICE_ELASTICITY = 0.3

# Dates a scenario may talk about at all: guards against typos like 2205-01-01.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """Accept a date or exactly 'YYYY-MM-DD' (no datetimes, no timestamps as numbers)."""
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            value = date.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "date_invalid", "not a calendar date: {value}", {"value": value}
            ) from exc
    if isinstance(value, date):
        if not MIN_DATE <= value <= MAX_DATE:
            raise PydanticCustomError(
                "date_range",
                "must be between {low} and {high}; got {value}",
                {"low": str(MIN_DATE), "high": str(MAX_DATE), "value": str(value)},
            )
        return value
    raise PydanticCustomError(
        "date_format", "must be a date 'YYYY-MM-DD'; got {value!r}", {"value": value}
    )


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    # The pattern documents MIN_DATE..MAX_DATE's years for clients and generators.
    Field(
        json_schema_extra={"format": "date", "pattern": r"^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"}
    ),
]
# Free text that may end up in SQL as data: printable, no control characters and no
# braces. It is escaped as a literal by the dbt macro; control characters are refused
# to keep the generated SQL one line per value, and braces because dbt renders every
# `--vars` value as Jinja before any macro sees it ("{{ 7 * 7 }}" arrives as "49",
# "{{ env_var(...) }}" would leak the environment).
Text = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f{}]+$")
]
# The registry's values (aurum.sources.core.vocabulary), as the enums of the JSON Schema.
IsoCode = Literal[ISO_CODES]  # type: ignore[valid-type]
Market = Literal[MARKETS]  # type: ignore[valid-type]
Technology = Literal[
    "gas_cc", "gas_ct", "gas_steam", "coal", "nuclear", "wind", "solar", "hydro", "storage", "oil"
]


def _path_error(path: str, reason: str) -> PydanticCustomError:
    """An error located below the validator's own field: `path` is appended to its loc."""
    return PydanticCustomError("aurum_field", "{path}: {reason}", {"path": path, "reason": reason})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


class Period(_Strict):
    """A half-open date range [start, end)."""

    start: IsoDate = Field(description="First day, inclusive (UTC date).")
    end: IsoDate = Field(description="Day after the last day: exclusive.")

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end <= self.start:
            raise _path_error("end", f"must be after start ({self.start}); got {self.end}")
        return self


def _check_steps(steps: list[Period], name: str = "steps") -> None:
    """Steps in ascending order, none overlapping another (touching is fine: ends are exclusive)."""
    for i in range(1, len(steps)):
        if steps[i].start < steps[i - 1].end:
            raise _path_error(
                f"{name}.{i}.start",
                f"must be on or after {name}.{i - 1}.end ({steps[i - 1].end}): steps are "
                f"in ascending order and must not overlap; got {steps[i].start}",
            )


class BaseWindow(Period):
    """The historical window whose normalised prices are the base."""


# A location filter's size (docs/api.md, limits): each id is a literal in the run's SQL.
MAX_LOCATION_IDS = 1_000


class Filters(_Strict):
    iso_codes: list[IsoCode] = Field(default_factory=list, description="[] = all ISOs.")
    markets: list[Market] = Field(default_factory=list, description="[] = all markets.")
    location_ids: list[Text] = Field(
        default_factory=list, max_length=MAX_LOCATION_IDS, description="[] = all locations."
    )

    @model_validator(mode="after")
    def _unique(self) -> Filters:
        for name in ("iso_codes", "markets", "location_ids"):
            seen: set[str] = set()
            for i, value in enumerate(getattr(self, name)):
                if value in seen:
                    raise _path_error(f"{name}.{i}", f"duplicate value {value!r}")
                seen.add(value)
        return self


class FxRate(_Strict):
    """The EUR→USD rate EUR amounts are converted with (one rate for the whole scenario)."""

    usd_per_eur: float = Field(gt=0.5, lt=3.0, description="USD per 1 EUR (ECB reference rate).")
    ecb_date: IsoDate = Field(description="The ECB publication day the rate is taken from.")


class CarbonStep(Period):
    price: float = Field(ge=0, le=10_000, description="Carbon price in scenario currency per ton.")
    unit: Literal["metric_ton", "short_ton"] = Field(description="The ton the price is per.")


class Adder(Period):
    name: Text = Field(max_length=64, description="Label, e.g. 'rec_price' or 'capacity_adder'.")
    price_per_mwh: float = Field(
        ge=-1_000, le=1_000, description="Scenario currency per MWh; negative is a credit."
    )


class PolicyDriver(_Strict):
    type: Literal["policy"]
    carbon: list[CarbonStep] = Field(default_factory=list, max_length=100)
    other_adders: list[Adder] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _steps(self) -> PolicyDriver:
        if not self.carbon and not self.other_adders:
            raise _path_error("carbon", "a policy driver needs carbon steps or other_adders")
        _check_steps(self.carbon, "carbon")
        by_name: dict[str, list[tuple[int, Adder]]] = {}
        for i, adder in enumerate(self.other_adders):
            for j, other in by_name.get(adder.name, []):
                if adder.start < other.end and other.start < adder.end:
                    raise _path_error(
                        f"other_adders.{i}",
                        f"overlaps other_adders.{j} with the same name {adder.name!r}",
                    )
            by_name.setdefault(adder.name, []).append((i, adder))
        return self


class LoadGrowthDriver(_Strict):
    type: Literal["load_growth"]
    iso_code: IsoCode
    zone: Text | None = Field(default=None, description="A zone of the ISO; null = whole ISO.")
    annual_pct: float = Field(ge=-50, le=50, description="Load growth per year, percent.")
    price_elasticity: float = Field(
        default=DEFAULT_PRICE_ELASTICITY,
        ge=0,
        le=5,
        description="% energy price change per % load change (default 0.3, an assumption).",
    )
    base_year: int = Field(ge=2000, le=2100, description="Year whose load growth is zero.")


FuelUnit = Literal["usd_per_mmbtu", "usd_per_short_ton", "eur_per_mmbtu", "eur_per_short_ton"]


class FuelStep(Period):
    value: float = Field(
        description="A price in `unit` (mode price) or a factor (mode multiplier)."
    )


class FuelCurveDriver(_Strict):
    type: Literal["fuel_curve"]
    fuel: Literal["natural_gas", "coal"]
    mode: Literal["price", "multiplier"]
    unit: FuelUnit | None = Field(
        default=None, description="Price mode only; its currency must be the scenario's."
    )
    heat_content_mmbtu_per_short_ton: float | None = Field(
        default=None,
        ge=8,
        le=30,
        description="Coal per short ton only; default 19.18 (EIA, 2022 US average consumed).",
    )
    steps: list[FuelStep] = Field(min_length=1, max_length=240)

    @model_validator(mode="after")
    def _consistent(self) -> FuelCurveDriver:
        if self.mode == "price":
            if self.unit is None:
                raise _path_error("unit", "required when mode is 'price'")
            if self.fuel == "natural_gas" and self.unit.endswith("short_ton"):
                raise _path_error("unit", "natural gas prices are per MMBtu")
        elif self.unit is not None:
            raise _path_error("unit", "only for mode 'price'; a multiplier has no unit")
        if self.heat_content_mmbtu_per_short_ton is not None and not (self.unit or "").endswith(
            "short_ton"
        ):
            raise _path_error(
                "heat_content_mmbtu_per_short_ton", "only for coal prices per short ton"
            )
        low, high = (0.0, 1_000.0) if self.mode == "price" else (0.0, 10.0)
        for i, step in enumerate(self.steps):
            if not low < step.value <= high:
                raise _path_error(
                    f"steps.{i}.value",
                    f"a {self.mode} must be > {low:g} and <= {high:g}; got {step.value}",
                )
        _check_steps(self.steps)
        return self


class FleetItem(_Strict):
    iso_code: IsoCode
    zone: Text | None = Field(default=None, description="null = the whole ISO.")
    technology: Technology
    mw: float = Field(gt=0, le=100_000, description="Nameplate MW added or retired (> 0).")
    action: Literal["add", "retire"]
    effective_date: IsoDate


class FleetChangeDriver(_Strict):
    type: Literal["fleet_change"]
    changes: list[FleetItem] = Field(min_length=1, max_length=200)


Driver = Annotated[
    PolicyDriver | LoadGrowthDriver | FuelCurveDriver | FleetChangeDriver,
    Field(discriminator="type"),
]


class Scenario(_Strict):
    """A named set of assumptions applied to base prices."""

    model_config = ConfigDict(title="Scenario assumptions")

    name: Annotated[
        str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f{}]+$")
    ]
    description: (
        Annotated[str, StringConstraints(max_length=4_000, pattern=r"^[^\x00]*$")] | None
    ) = None
    base_window: BaseWindow | None = Field(
        default=None, description="null = every interval the warehouse has."
    )
    filters: Filters = Field(default_factory=Filters)
    currency: Literal["USD", "EUR"] = Field(
        default="USD", description="Currency of every amount in the drivers."
    )
    fx: FxRate | None = Field(
        default=None, description="Required when currency is EUR; refused for USD."
    )
    drivers: list[Driver] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _cross_driver(self) -> Scenario:
        if self.currency == "EUR" and self.fx is None:
            raise _path_error("fx", "required when currency is EUR (USD per EUR from ECB)")
        if self.currency == "USD" and self.fx is not None:
            raise _path_error("fx", "only for currency EUR")
        prefix = self.currency.lower() + "_"
        carbon: list[tuple[str, Period]] = []
        fuel: dict[str, list[tuple[str, Period]]] = {}
        load: dict[tuple[str, str | None], int] = {}
        for i, driver in enumerate(self.drivers):
            if isinstance(driver, PolicyDriver):
                carbon += [(f"drivers.{i}.carbon.{j}", s) for j, s in enumerate(driver.carbon)]
            elif isinstance(driver, FuelCurveDriver):
                if driver.unit is not None and not driver.unit.startswith(prefix):
                    raise _path_error(
                        f"drivers.{i}.unit",
                        f"must be in the scenario currency {self.currency}; got {driver.unit}",
                    )
                fuel.setdefault(driver.fuel, []).extend(
                    (f"drivers.{i}.steps.{j}", s) for j, s in enumerate(driver.steps)
                )
            elif isinstance(driver, LoadGrowthDriver):
                key = (driver.iso_code, driver.zone)
                if key in load:
                    raise _path_error(
                        f"drivers.{i}",
                        f"a second load_growth for {key[0]} zone {key[1]!r} "
                        f"(first is drivers.{load[key]})",
                    )
                load[key] = i
        for steps in [carbon, *fuel.values()]:
            ordered = sorted(steps, key=lambda item: item[1].start)
            for (prev_path, prev), (path, step) in itertools.pairwise(ordered):
                if step.start < prev.end:
                    raise _path_error(
                        f"{path}.start", f"overlaps {prev_path} ({prev.start}..{prev.end})"
                    )
        return self


class ScenarioError(ValueError):
    """Invalid assumptions: `errors` holds (field path, message) pairs, e.g. ('drivers.0.end', ...)."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__(
            "invalid scenario: " + "; ".join(f"{p or '<root>'}: {m}" for p, m in errors)
        )


def _error_path(error: dict[str, Any]) -> str:
    parts: list[str] = []
    loc = list(error["loc"])
    for k, part in enumerate(loc):
        # The discriminated union adds the driver type after the list index; the path a
        # user reads is drivers.0.steps…, not drivers.0.fuel_curve.steps….
        if k > 0 and isinstance(loc[k - 1], int) and part in DRIVER_TYPES and loc[0] == "drivers":
            continue
        parts.append(str(part))
    ctx = error.get("ctx") or {}
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        parts.append(ctx.get("discriminator", "'type'").strip("'"))
    if error["type"] == "aurum_field" and ctx["path"]:  # "" = the model itself
        parts.append(ctx["path"])
    return ".".join(parts)


def _error_message(error: dict[str, Any]) -> str:
    if error["type"] == "aurum_field":
        return error["ctx"]["reason"]
    return error["msg"]


def format_errors(exc: ValidationError) -> list[tuple[str, str]]:
    return [(_error_path(e), _error_message(e)) for e in exc.errors()]


def parse_scenario(data: str | bytes | dict[str, Any]) -> Scenario:
    """Validate JSON text or a JSON-like dict; raise ScenarioError naming every bad field.

    A dict is validated as JSON (dumped first) so both paths accept exactly the same
    input: dates as 'YYYY-MM-DD' strings, no Python-only values.
    """
    if isinstance(data, dict):
        try:
            data = json.dumps(data, allow_nan=False)
        except ValueError as exc:
            raise ScenarioError([("", f"not representable as JSON: {exc}")]) from exc
    try:
        return Scenario.model_validate_json(data)
    except ValidationError as exc:
        raise ScenarioError(format_errors(exc)) from exc


def json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://aurum.invalid/schemas/scenario-assumptions.schema.json"
    return schema


# --- The `scenario` dbt var ----------------------------------------------------------
# The canonical form of a scenario that dbt reads: amounts in USD, $/metric ton, $/MMBtu,
# $/MWh and fractions; dates 'YYYY-MM-DD' (ends exclusive). Field order is the var's key
# order. Constraints are declarative only (see aurum.dbt_vars.rules): dbt enforces this
# model through the generated macros/vars/var_contracts_generated.sql.

BASE_SCENARIO_ID = "base"
ID_REGEX = r"^[A-Za-z0-9_-]{1,64}$"
ScenarioId = Annotated[str, StringConstraints(pattern=ID_REGEX)]
VarDate = Annotated[date, Field(ge=MIN_DATE, le=MAX_DATE)]
# Finite, with the same guard the var had before it was generated: |x| <= 1e300.
Amount = Annotated[float, Field(ge=-1e300, le=1e300)]
Year = Annotated[
    int, Field(ge=MIN_DATE.year, le=MAX_DATE.year, json_schema_extra={"format": "year"})
]


class CarbonRow(VarModel):
    start: VarDate
    end: VarDate
    usd_per_metric_ton: Amount

    var_rules = (After("end", than="start"),)


class AdderRow(VarModel):
    name: Text
    start: VarDate
    end: VarDate
    usd_per_mwh: Amount

    var_rules = (After("end", than="start"),)


class LoadGrowthRow(VarModel):
    iso_code: IsoCode
    zone: Text | None = None
    annual_fraction: Amount
    price_elasticity: Amount
    base_year: Year


class FuelRow(VarModel):
    fuel: Literal["natural_gas", "coal"]
    start: VarDate
    end: VarDate
    mode: Literal["price", "multiplier"]
    usd_per_mmbtu: Amount | None = None
    multiplier: Amount | None = None

    var_rules = (
        After("end", than="start"),
        When("", field="mode", equals="price", present=("usd_per_mmbtu",), absent=("multiplier",)),
        When(
            "",
            field="mode",
            equals="multiplier",
            present=("multiplier",),
            absent=("usd_per_mmbtu",),
        ),
    )


class FleetRow(VarModel):
    iso_code: IsoCode
    zone: Text | None = None
    technology: Technology
    mw_delta: Amount = Field(description="MW added; retirements are negative.")
    effective: VarDate


class ScenarioVar(VarModel):
    """The `scenario` dbt var. Absent (dbt_project.yml: null) means `ScenarioVar.base()`."""

    scenario_id: ScenarioId
    run_id: ScenarioId | None = None
    base_start: VarDate | None = Field(default=None, description="Inclusive UTC date.")
    base_end: VarDate | None = Field(default=None, description="Exclusive UTC date.")
    iso_codes: list[IsoCode] = Field(
        default_factory=list, description="[] = all", json_schema_extra={COLUMN_KEY: "iso_code"}
    )
    markets: list[Market] = Field(
        default_factory=list, description="[] = all", json_schema_extra={COLUMN_KEY: "market"}
    )
    location_ids: list[Text] = Field(
        default_factory=list,
        max_length=MAX_LOCATION_IDS,
        description="[] = all",
        json_schema_extra={COLUMN_KEY: "location_id"},
    )
    carbon: list[CarbonRow] = Field(default_factory=list)
    adders: list[AdderRow] = Field(default_factory=list)
    load_growth: list[LoadGrowthRow] = Field(default_factory=list)
    fuel: list[FuelRow] = Field(default_factory=list)
    fleet: list[FleetRow] = Field(default_factory=list)

    var_rules = (
        Together("base_end", first="base_start"),
        After("base_end", than="base_start"),
        Unique("iso_codes"),
        Unique("markets"),
        Unique("location_ids"),
    )

    @classmethod
    def base(cls) -> ScenarioVar:
        """The base scenario: no filters, no drivers."""
        return cls(scenario_id=BASE_SCENARIO_ID)
