"""`--vars` text survives dbt's YAML reading: every value the var models accept comes back
exactly (issue 10: fleet `mw: 0.00001` was rendered `-1e-05`, which YAML reads as a
string, and the run failed "must be a number").

The reader is dbt's own (`dbt.config.utils.parse_cli_vars`, what `--vars` goes through);
tests/dbt_vars/test_var_layer_dbt.py passes a sample through a real dbt invocation.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from typing import Any

import pytest
from contract_strategies import root, values
from dbt.config.utils import parse_cli_vars
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aurum.dbt_vars.text import number_text, vars_text
from aurum.ppa.contract import PpaContract, parse_contract
from aurum.scenarios import Scenario, ScenarioError, ScenarioVar, parse_scenario
from aurum.scenarios.vars import render_vars, vars_json

FAST = settings(max_examples=300, deadline=None, database=None)
MODELS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def same(a: Any, b: Any) -> bool:
    """Equal, with the same JSON types, floats bit for bit (so -0.0 != 0.0, 1 != 1.0)."""
    if isinstance(a, float) or isinstance(b, float):
        return type(a) is type(b) and a.hex() == b.hex()
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def through_dbt_yaml(text: str) -> dict[str, Any]:
    return parse_cli_vars(text)


# --- the renderer --------------------------------------------------------------------


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_round_trips(x: float) -> None:
    text = vars_text({"x": x})
    assert same(through_dbt_yaml(text)["x"], x), text
    assert same(json.loads(text)["x"], x), text  # still JSON


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.00001, "1.0e-05"),
        (-1e-05, "-1.0e-05"),
        (5e-324, "5.0e-324"),
        (1e16, "1.0e+16"),
        (1.5e300, "1.5e+300"),
        (0.1, "0.1"),
        (600.0, "600.0"),
    ],
)
def test_floats_always_have_a_dot(value: float, text: str) -> None:
    assert number_text(value) == text
    assert same(through_dbt_yaml(vars_text({"x": value}))["x"], value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        vars_text({"x": bad})


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@FAST
@given(JSON)
def test_any_json_value_round_trips(value: Any) -> None:
    # Strings over all of Unicode: U+0085, U+2028 and U+2029 are YAML line breaks, C1
    # controls must be escaped for YAML, emoji must not become surrogate-pair escapes.
    assert same(through_dbt_yaml(vars_text({"v": value}))["v"], value)


def test_yaml_line_breaks_and_c1_controls_are_escaped() -> None:
    value = "a\x85b\u2028c\u2029d\x9fe\U0001f600"
    text = vars_text({"v": value})
    assert "\\u0085" in text and "\\u2028" in text and "\U0001f600" in text
    assert through_dbt_yaml(text)["v"] == value


# --- the scenario var: issue 10's numbers, and every number the models accept ---------


@functools.cache
def _scenario_schema() -> dict[str, Any]:
    return Scenario.model_json_schema()


def _bounds(model: str, field: str) -> dict[str, Any]:
    """A numeric field's bounds, from the user model's own JSON Schema."""
    prop = _scenario_schema()["$defs"][model]["properties"][field]
    prop = next((p for p in prop.get("anyOf", []) if p.get("type") == "number"), prop)
    names = {"minimum": "ge", "exclusiveMinimum": "gt", "maximum": "le", "exclusiveMaximum": "lt"}
    return {"type": "number", **{names[k]: v for k, v in prop.items() if k in names}}


def _user_number(model: str, field: str) -> st.SearchStrategy[Any]:
    node = _bounds(model, field)
    return values(node)


@st.composite
def user_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario using every numeric field of the assumption model, anywhere in range."""
    eur = draw(st.booleans())
    prefix = "eur" if eur else "usd"
    price_mode = draw(st.booleans())
    data: dict[str, Any] = {
        "name": "numbers",
        "currency": "EUR" if eur else "USD",
        "drivers": [
            {
                "type": "policy",
                "carbon": [
                    {
                        "start": "2026-01-01",
                        "end": "2027-01-01",
                        "price": draw(_user_number("CarbonStep", "price")),
                        "unit": draw(st.sampled_from(["metric_ton", "short_ton"])),
                    }
                ],
                "other_adders": [
                    {
                        "name": "a",
                        "start": "2026-01-01",
                        "end": "2027-01-01",
                        "price_per_mwh": draw(_user_number("Adder", "price_per_mwh")),
                    }
                ],
            },
            {
                "type": "load_growth",
                "iso_code": "PJM",
                "annual_pct": draw(_user_number("LoadGrowthDriver", "annual_pct")),
                "price_elasticity": draw(_user_number("LoadGrowthDriver", "price_elasticity")),
                "base_year": draw(st.integers(2000, 2100)),
            },
            {
                "type": "fuel_curve",
                "fuel": "coal",
                "mode": "price" if price_mode else "multiplier",
                **({"unit": f"{prefix}_per_short_ton"} if price_mode else {}),
                **(
                    {
                        "heat_content_mmbtu_per_short_ton": draw(
                            _user_number("FuelCurveDriver", "heat_content_mmbtu_per_short_ton")
                        )
                    }
                    if price_mode
                    else {}
                ),
                # The step value's range lives in the driver's validator, by mode
                # (price (0, 1000], multiplier (0, 10]), not in the schema.
                "steps": [
                    {
                        "start": "2026-01-01",
                        "end": "2027-01-01",
                        "value": draw(
                            values({"type": "number", "gt": 0, "le": 1000 if price_mode else 10})
                        ),
                    }
                ],
            },
            {
                "type": "fleet_change",
                "changes": [
                    {
                        "iso_code": "MISO",
                        "technology": "wind",
                        "mw": draw(_user_number("FleetItem", "mw")),
                        "action": draw(st.sampled_from(["add", "retire"])),
                        "effective_date": "2026-06-01",
                    }
                ],
            },
        ],
    }
    if eur:
        data["fx"] = {
            "usd_per_eur": draw(_user_number("FxRate", "usd_per_eur")),
            "ecb_date": "2025-05-09",
        }
    return data


@MODELS
@given(user_scenarios())
def test_every_number_the_assumption_model_accepts_reaches_dbt_unchanged(data: dict) -> None:
    try:
        scenario = parse_scenario(copy.deepcopy(data))
    except ScenarioError:
        assume(False)  # e.g. a fuel multiplier above 10: the model refuses it first
        raise
    expected = render_vars(scenario, "s", "r")
    assert same(through_dbt_yaml(vars_json(scenario, "s", "r")), expected)


@MODELS
@given(values(root("scenario")))
def test_every_scenario_var_round_trips(raw: dict) -> None:
    var = ScenarioVar.model_validate_json(json.dumps(raw))  # the draw is a valid var
    dumped = var.model_dump(mode="json")
    assert same(through_dbt_yaml(vars_text({"scenario": dumped}))["scenario"], dumped)


@MODELS
@given(values(root("ppa")))
def test_every_ppa_contract_round_trips(raw: dict) -> None:
    contract = PpaContract.model_validate_json(json.dumps(raw))
    read = through_dbt_yaml(contract.dbt_vars())["ppa"]
    assert read == contract.to_var_json()
    assert parse_contract(read) == contract
