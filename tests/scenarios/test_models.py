"""Assumption models: each driver valid and invalid, messages naming the field path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scenario_helpers import EXAMPLES, FLEET, FUEL, LOAD, POLICY, scenario

from aurum.scenarios import ScenarioError, parse_scenario
from aurum.scenarios.cli import SCHEMA_PATH, main, schema_text


def errors_of(data: dict) -> dict[str, str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    return dict(info.value.errors)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_valid(path: Path) -> None:
    assert parse_scenario(path.read_text()).drivers


def test_each_driver_valid_and_defaults() -> None:
    s = parse_scenario(scenario(POLICY, LOAD, FUEL, FLEET))
    assert [d.type for d in s.drivers] == ["policy", "load_growth", "fuel_curve", "fleet_change"]
    assert s.currency == "USD"
    assert s.drivers[1].price_elasticity == 0.3
    assert s.filters.iso_codes == []
    assert parse_scenario({"name": "empty"}).drivers == []


def test_json_text_and_dict_agree() -> None:
    data = scenario(POLICY, FUEL)
    assert parse_scenario(json.dumps(data)) == parse_scenario(data)


@pytest.mark.parametrize(
    ("mutate", "path", "needle"),
    [
        # policy
        (
            lambda s: s["drivers"][0]["carbon"][0].update(unit="long_ton"),
            "drivers.0.carbon.0.unit",
            "metric_ton",
        ),
        (
            lambda s: s["drivers"][0]["carbon"][0].update(end="2025-06-01"),
            "drivers.0.carbon.0.end",
            "after start",
        ),
        (
            lambda s: s["drivers"][0]["carbon"][0].update(price=-1),
            "drivers.0.carbon.0.price",
            "greater than or equal",
        ),
        (
            lambda s: s["drivers"][0]["carbon"][0].update(price="50"),
            "drivers.0.carbon.0.price",
            "valid number",
        ),
        (
            lambda s: s["drivers"][0]["carbon"][0].update(price=True),
            "drivers.0.carbon.0.price",
            "valid number",
        ),
        (
            lambda s: s["drivers"][0]["other_adders"][0].update(name=""),
            "drivers.0.other_adders.0.name",
            "at least 1",
        ),
        (
            lambda s: s["drivers"][0]["other_adders"][0].update(colour="red"),
            "drivers.0.other_adders.0.colour",
            "Extra inputs",
        ),
        (
            lambda s: s["drivers"][0].update(carbon=[], other_adders=[]),
            "drivers.0.carbon",
            "needs carbon",
        ),
        (
            lambda s: s["drivers"][0]["carbon"].append(
                {"start": "2026-06-01", "end": "2028-01-01", "price": 60, "unit": "metric_ton"}
            ),
            "drivers.0.carbon.1.start",
            "must not overlap",
        ),
    ],
)
def test_policy_invalid(mutate, path: str, needle: str) -> None:
    data = scenario(POLICY)
    mutate(data)
    errors = errors_of(data)
    assert path in errors, errors
    assert needle in errors[path]


@pytest.mark.parametrize(
    ("change", "path", "needle"),
    [
        ({"iso_code": "ISO-NE"}, "drivers.0.iso_code", "'ISONE'"),
        ({"annual_pct": 80}, "drivers.0.annual_pct", "less than or equal to 50"),
        ({"price_elasticity": -0.1}, "drivers.0.price_elasticity", "greater than or equal"),
        ({"base_year": 1990}, "drivers.0.base_year", "greater than or equal to 2000"),
        ({"base_year": 2024.5}, "drivers.0.base_year", "valid integer"),
        ({"zone": "A\nB"}, "drivers.0.zone", "pattern"),
    ],
)
def test_load_growth_invalid(change: dict, path: str, needle: str) -> None:
    errors = errors_of(scenario({**LOAD, **change}))
    assert path in errors, errors
    assert needle in errors[path]


def test_load_growth_duplicate_zone() -> None:
    errors = errors_of(scenario(LOAD, LOAD))
    assert "second load_growth" in errors["drivers.1"]


@pytest.mark.parametrize(
    ("change", "path", "needle"),
    [
        ({"unit": None}, "drivers.0.unit", "required when mode is 'price'"),
        ({"unit": "usd_per_short_ton"}, "drivers.0.unit", "per MMBtu"),
        ({"fuel": "oil"}, "drivers.0.fuel", "natural_gas"),
        ({"mode": "multiplier"}, "drivers.0.unit", "only for mode 'price'"),
        ({"steps": []}, "drivers.0.steps", "at least 1"),
        (
            {"heat_content_mmbtu_per_short_ton": 19.0},
            "drivers.0.heat_content_mmbtu_per_short_ton",
            "short ton",
        ),
        ({"unit": "eur_per_mmbtu"}, "drivers.0.unit", "scenario currency USD"),
    ],
)
def test_fuel_curve_invalid(change: dict, path: str, needle: str) -> None:
    errors = errors_of(scenario({**FUEL, **change}))
    assert path in errors, errors
    assert needle in errors[path]


def test_fuel_step_paths_name_the_step() -> None:
    data = scenario(FUEL)
    data["drivers"][0]["steps"][1]["end"] = "2026-03-01"
    assert "after start" in errors_of(data)["drivers.0.steps.1.end"]
    data = scenario(FUEL)
    data["drivers"][0]["steps"][1]["start"] = "2026-02-01"
    assert "overlap" in errors_of(data)["drivers.0.steps.1.start"]
    data = scenario(FUEL)
    data["drivers"][0]["steps"][0]["value"] = 0
    assert "> 0" in errors_of(data)["drivers.0.steps.0.value"]
    data = scenario({**FUEL, "mode": "multiplier", "unit": None})
    data["drivers"][0]["steps"][0]["value"] = 12
    assert "<= 10" in errors_of(data)["drivers.0.steps.0.value"]
    data = scenario(FUEL)
    data["drivers"][0]["steps"][0]["start"] = "2026-02-30"
    assert "not a calendar date" in errors_of(data)["drivers.0.steps.0.start"]
    data["drivers"][0]["steps"][0]["start"] = "2026-01-01T00:00:00"
    assert "YYYY-MM-DD" in errors_of(data)["drivers.0.steps.0.start"]


def test_fuel_overlap_across_drivers() -> None:
    errors = errors_of(scenario(FUEL, FUEL))
    assert any(
        p.startswith("drivers.1.steps.") and "overlaps drivers.0" in m for p, m in errors.items()
    )


def test_carbon_overlap_across_policy_drivers() -> None:
    errors = errors_of(scenario(POLICY, POLICY))
    assert "overlaps drivers.0.carbon.0" in errors["drivers.1.carbon.0.start"]


@pytest.mark.parametrize(
    ("change", "path", "needle"),
    [
        ({"mw": 0}, "drivers.0.changes.0.mw", "greater than 0"),
        ({"mw": -5}, "drivers.0.changes.0.mw", "greater than 0"),
        ({"technology": "fusion"}, "drivers.0.changes.0.technology", "gas_cc"),
        ({"action": "mothball"}, "drivers.0.changes.0.action", "'add' or 'retire'"),
        ({"effective_date": "2226-01-01"}, "drivers.0.changes.0.effective_date", "2100-12-31"),
    ],
)
def test_fleet_change_invalid(change: dict, path: str, needle: str) -> None:
    data = scenario(FLEET)
    data["drivers"][0]["changes"][0].update(change)
    errors = errors_of(data)
    assert path in errors, errors
    assert needle in errors[path]


def test_top_level_invalid() -> None:
    assert "'policy'" in errors_of(scenario({"type": "weather"}))["drivers.0.type"]
    assert "type" in errors_of(scenario({"fuel": "coal"}))["drivers.0.type"]
    assert "Extra inputs" in errors_of(scenario(nickname="x"))["nickname"]
    assert (
        "after start"
        in errors_of({"name": "t", "base_window": {"start": "2024-01-01", "end": "2024-01-01"}})[
            "base_window.end"
        ]
    )
    assert (
        "'PJM'"
        in errors_of({"name": "t", "filters": {"iso_codes": ["pjm"]}})["filters.iso_codes.0"]
    )
    assert (
        "duplicate"
        in errors_of({"name": "t", "filters": {"markets": ["day_ahead_hourly"] * 2}})[
            "filters.markets.1"
        ]
    )
    assert "required when currency is EUR" in errors_of({"name": "t", "currency": "EUR"})["fx"]
    usd_fx = {"name": "t", "fx": {"usd_per_eur": 1.1, "ecb_date": "2025-05-09"}}
    assert "only for currency EUR" in errors_of(usd_fx)["fx"]
    assert "Field required" in errors_of({"drivers": []})["name"]


def test_nan_and_infinity_are_refused() -> None:
    text = json.dumps(scenario(POLICY)).replace('"price": 50', '"price": NaN')
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    assert "finite" in dict(info.value.errors)["drivers.0.carbon.0.price"]
    text = json.dumps(scenario(LOAD)).replace('"annual_pct": 1.5', '"annual_pct": Infinity')
    with pytest.raises(ScenarioError, match=r"drivers\.0\.annual_pct"):
        parse_scenario(text)
    with pytest.raises(ScenarioError, match="not representable as JSON"):
        parse_scenario(scenario({**LOAD, "annual_pct": float("nan")}))


def test_json_schema_file_is_current() -> None:
    assert SCHEMA_PATH.read_text() == schema_text(), (
        "docs/scenario-assumptions.schema.json is stale: run `python -m aurum.scenarios schema --write`"
    )
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["additionalProperties"] is False
    assert set(schema["$defs"]) >= {
        "PolicyDriver",
        "LoadGrowthDriver",
        "FuelCurveDriver",
        "FleetChangeDriver",
    }


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(EXAMPLES[0])]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(scenario({**LOAD, "annual_pct": "2"})))
    assert main(["validate", str(bad)]) == 1
    assert "drivers.0.annual_pct" in capsys.readouterr().err
    assert main(["vars", str(EXAMPLES[0]), "--scenario-id", "x1", "--run-id", "r-1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenario"]["scenario_id"] == "x1" and out["scenario"]["run_id"] == "r-1"
    assert main(["vars", str(EXAMPLES[0]), "--scenario-id", "x'1"]) == 1
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Scenario assumptions"
