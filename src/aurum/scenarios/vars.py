"""The one var contract: validated assumptions → the `scenario` dbt var.

dbt reads scenarios through exactly one var, `scenario`, whose shape is fixed here and
re-validated by `macros/scenario_vars.sql`. Every amount is canonical: USD, $/metric
ton, $/MMBtu, $/MWh, fractions, ISO dates 'YYYY-MM-DD' (end dates exclusive):

    scenario:
      scenario_id: str                 # [A-Za-z0-9_-]{1,64}
      run_id: str | null               # [A-Za-z0-9_-]{1,64}
      base_start: date | null          # inclusive, UTC date
      base_end: date | null            # exclusive
      iso_codes: [str]                 # [] = all
      markets: [str]                   # [] = all
      location_ids: [str]              # [] = all
      carbon: [{start, end, usd_per_metric_ton}]
      adders: [{name, start, end, usd_per_mwh}]
      load_growth: [{iso_code, zone, annual_fraction, price_elasticity, base_year}]
      fuel: [{fuel, start, end, mode, usd_per_mmbtu, multiplier}]
      fleet: [{iso_code, zone, technology, mw_delta, effective}]   # retire → negative
"""

from __future__ import annotations

import json
import re
from typing import Any

from aurum.scenarios.models import (
    COAL_MMBTU_PER_SHORT_TON,
    METRIC_TON_PER_SHORT_TON,
    FleetChangeDriver,
    FuelCurveDriver,
    LoadGrowthDriver,
    PolicyDriver,
    Scenario,
)

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
VAR_NAME = "scenario"
BASE_SCENARIO_ID = "base"

# The keys of the var and of each list's rows, in order. The macro checks the same sets.
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "carbon": ("start", "end", "usd_per_metric_ton"),
    "adders": ("name", "start", "end", "usd_per_mwh"),
    "load_growth": ("iso_code", "zone", "annual_fraction", "price_elasticity", "base_year"),
    "fuel": ("fuel", "start", "end", "mode", "usd_per_mmbtu", "multiplier"),
    "fleet": ("iso_code", "zone", "technology", "mw_delta", "effective"),
}
TOP_KEYS: tuple[str, ...] = (
    "scenario_id",
    "run_id",
    "base_start",
    "base_end",
    "iso_codes",
    "markets",
    "location_ids",
    *LIST_COLUMNS,
)


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


def base_vars() -> dict[str, Any]:
    """The var dbt uses when none is given: the base scenario, no filters, no drivers."""
    return {
        "scenario_id": BASE_SCENARIO_ID,
        "run_id": None,
        "base_start": None,
        "base_end": None,
        "iso_codes": [],
        "markets": [],
        "location_ids": [],
        **{key: [] for key in LIST_COLUMNS},
    }


def render_vars(scenario: Scenario, scenario_id: str, run_id: str | None = None) -> dict:
    """`{"scenario": {...}}` for dbt, canonical units, exactly the documented shape."""
    out = base_vars()
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
        out[key].sort(key=lambda row: tuple(str(row[c]) for c in LIST_COLUMNS[key]))
    out["fleet"].sort(
        key=lambda r: (r["effective"], r["iso_code"], str(r["zone"]), r["technology"])
    )
    return {VAR_NAME: out}


def vars_json(scenario: Scenario, scenario_id: str, run_id: str | None = None) -> str:
    """The `--vars` argument for `dbt build`: compact JSON, no NaN, stable key order.

    Non-ASCII stays as UTF-8 (ensure_ascii=False): dbt parses `--vars` as YAML, which
    does not join JSON surrogate-pair escapes (an emoji as \\ud83d\\ude00 is invalid YAML).
    """
    return json.dumps(
        render_vars(scenario, scenario_id, run_id), allow_nan=False, ensure_ascii=False
    )
