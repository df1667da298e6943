"""Validated assumptions → the `scenario` dbt var (canonical units), and its `--vars` text.

The var's contract is `aurum.scenarios.models.ScenarioVar` (its fields are the var's
keys, in order; docs/scenario-assumptions.md shows the shape). `render_vars` converts a
`Scenario` to it; dbt enforces the same model through the generated var contract
(`macros/vars/`), so a hand-written `--vars` is held to the same rules.
"""

from __future__ import annotations

import json
import re

from aurum.dbt_vars.text import vars_text
from aurum.scenarios.models import (
    BASE_SCENARIO_ID,
    COAL_MMBTU_PER_SHORT_TON,
    ID_REGEX,
    METRIC_TON_PER_SHORT_TON,
    FleetChangeDriver,
    FuelCurveDriver,
    LoadGrowthDriver,
    PolicyDriver,
    Scenario,
    ScenarioVar,
)

ID_PATTERN = re.compile(ID_REGEX.removeprefix("^").removesuffix("$"))
VAR_NAME = "scenario"
__all__ = ["BASE_SCENARIO_ID", "ID_PATTERN", "VAR_NAME", "render_vars", "vars_json"]


def _check_id(kind: str, value: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise ValueError(f"{kind} must match [A-Za-z0-9_-]{{1,64}}; got {value!r}")
    return value


def to_usd(scenario: Scenario, amount: float) -> float:
    """An amount in the scenario currency, in USD (EUR at the scenario's one ECB rate)."""
    if scenario.currency == "USD":
        return float(amount)
    assert scenario.fx is not None  # the model requires fx for EUR
    return float(amount) * scenario.fx.usd_per_eur


def per_metric_ton(price: float, unit: str) -> float:
    """$/short ton ÷ 0.90718474 = $/metric ton (a metric ton is the larger unit)."""
    return price / METRIC_TON_PER_SHORT_TON if unit == "short_ton" else price


def fuel_per_mmbtu(value: float, unit: str, heat_content: float | None) -> float:
    """$/short ton of coal ÷ MMBtu per short ton = $/MMBtu."""
    if unit.endswith("_per_short_ton"):
        return value / (heat_content or COAL_MMBTU_PER_SHORT_TON)
    return value


def render_vars(scenario: Scenario, scenario_id: str, run_id: str | None = None) -> dict:
    """`{"scenario": {...}}` for dbt: a `ScenarioVar`, dumped as JSON-ready values."""
    out = ScenarioVar.base().model_dump(mode="json")
    out["scenario_id"] = _check_id("scenario_id", scenario_id)
    out["run_id"] = None if run_id is None else _check_id("run_id", run_id)
    if scenario.base_window is not None:
        out["base_start"] = scenario.base_window.start.isoformat()
        out["base_end"] = scenario.base_window.end.isoformat()
    out["iso_codes"] = list(scenario.filters.iso_codes)
    out["markets"] = list(scenario.filters.markets)
    out["location_ids"] = list(scenario.filters.location_ids)
    for driver in scenario.drivers:
        if isinstance(driver, PolicyDriver):
            out["carbon"] += [
                {
                    "start": s.start.isoformat(),
                    "end": s.end.isoformat(),
                    "usd_per_metric_ton": per_metric_ton(to_usd(scenario, s.price), s.unit),
                }
                for s in driver.carbon
            ]
            out["adders"] += [
                {
                    "name": a.name,
                    "start": a.start.isoformat(),
                    "end": a.end.isoformat(),
                    "usd_per_mwh": to_usd(scenario, a.price_per_mwh),
                }
                for a in driver.other_adders
            ]
        elif isinstance(driver, LoadGrowthDriver):
            out["load_growth"].append(
                {
                    "iso_code": driver.iso_code,
                    "zone": driver.zone,
                    "annual_fraction": driver.annual_pct / 100.0,
                    "price_elasticity": float(driver.price_elasticity),
                    "base_year": driver.base_year,
                }
            )
        elif isinstance(driver, FuelCurveDriver):
            for s in driver.steps:
                price = multiplier = None
                if driver.mode == "price":
                    assert driver.unit is not None
                    price = fuel_per_mmbtu(
                        to_usd(scenario, s.value),
                        driver.unit,
                        driver.heat_content_mmbtu_per_short_ton,
                    )
                else:
                    multiplier = float(s.value)
                out["fuel"].append(
                    {
                        "fuel": driver.fuel,
                        "start": s.start.isoformat(),
                        "end": s.end.isoformat(),
                        "mode": driver.mode,
                        "usd_per_mmbtu": price,
                        "multiplier": multiplier,
                    }
                )
        elif isinstance(driver, FleetChangeDriver):
            out["fleet"] += [
                {
                    "iso_code": c.iso_code,
                    "zone": c.zone,
                    "technology": c.technology,
                    "mw_delta": float(c.mw if c.action == "add" else -c.mw),
                    "effective": c.effective_date.isoformat(),
                }
                for c in driver.changes
            ]
    # Deterministic order, so the same assumptions always give the same var text.
    for key in ("carbon", "adders", "fuel"):
        out[key].sort(key=lambda row: tuple(str(value) for value in row.values()))
    out["fleet"].sort(
        key=lambda r: (r["effective"], r["iso_code"], str(r["zone"]), r["technology"])
    )
    # Held to the var's contract here too: a conversion bug fails in Python, not in dbt.
    checked = ScenarioVar.model_validate_json(json.dumps(out, allow_nan=False))
    return {VAR_NAME: checked.model_dump(mode="json")}


def vars_json(scenario: Scenario, scenario_id: str, run_id: str | None = None) -> str:
    """The `--vars` argument for `dbt build`: JSON that dbt's YAML reading gives back
    exactly (floats always with a dot, YAML line breaks escaped: aurum.dbt_vars.text)."""
    return vars_text(render_vars(scenario, scenario_id, run_id))
