"""The var contracts dbt reads are generated from the Pydantic models, and stay in step.

Drift: the committed macros/vars/var_contracts_generated.sql must equal what the models
generate; a changed field (a bound, a list length, a date range — what colleagues add to
these models) shows up as drift and lands on the dbt side by regenerating, no hand edit.
The generator fails closed on anything the dbt side could not check.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import pytest
import yaml
from pydantic import AfterValidator, Field, ValidationError, field_validator
from var_helpers import changed_registry

from aurum.dbt_vars import contracts
from aurum.dbt_vars.contracts import MACRO_PATH, drift, macro_text, registry
from aurum.dbt_vars.rules import After, VarModel
from aurum.dbt_vars.schema import ContractError, compact
from aurum.dbt_vars.text import vars_text
from aurum.ppa.contract import placeholder
from aurum.scenarios.models import (
    ScenarioVar,
    Year,
    format_errors,
)

PROJECT = MACRO_PATH.parents[2]


def test_generated_contracts_are_current() -> None:
    diff = drift()
    assert diff == "", f"run `python -m aurum.dbt_vars` (the models changed):\n{diff}"
    assert contracts.main(["--check"]) == 0


def _field(root: dict[str, Any], path: str) -> dict[str, Any]:
    node = root
    for key in path.split("."):
        node = node["items"] if node["type"] == "list" else node
        node = node["fields"][key]
    return node


def test_a_changed_pydantic_field_is_drift_and_lands_in_the_contract() -> None:
    diff = drift(contracts=changed_registry())
    assert diff, "a changed model must not match the committed contract"
    added = "\n".join(line for line in diff.splitlines() if line.startswith("+"))
    for text in ('"max_items": 500', '"ge": -5000', '"le": 2200', '"max_items": 2000'):
        assert text in added, text
    scenario, ppa = (c.spec()["root"] for c in changed_registry())
    assert _field(scenario, "location_ids")["max_items"] == 500
    assert _field(scenario, "fleet")["max_items"] == 2_000
    assert _field(scenario, "fleet.mw_delta") | {"required": True} == {
        "type": "number", "ge": -5_000, "le": 5_000, "required": True,
    }  # fmt: skip
    assert _field(scenario, "load_growth.base_year")["le"] == 2200
    assert _field(ppa, "term.start") == {
        "type": "date", "ge": "2000-01-01", "le": "2100-12-31", "required": True,
    }  # fmt: skip
    assert _field(ppa, "node_location_id")["max_length"] == 40


def test_committed_contract_is_the_models() -> None:
    specs = {c.name: c.spec() for c in registry()}
    text = MACRO_PATH.read_text()
    body = text[text.index("{% raw %}") + len("{% raw %}") : text.index("{% endraw %}")]
    assert json.loads(body) == json.loads(json.dumps(specs))
    assert specs["scenario"]["absent"] == ScenarioVar.base().model_dump(mode="json")
    assert specs["ppa"]["absent"] == json.loads(placeholder().to_var_json())
    assert specs["ppa"]["json_text"] and not specs["scenario"]["json_text"]


def test_both_vars_are_declared_in_dbt_project_yml_with_null_defaults() -> None:
    text = (PROJECT / "dbt_project.yml").read_text()
    declared = yaml.safe_load(text)["vars"]
    assert declared["scenario"] is None and declared["ppa"] is None
    for name in ("scenario", "ppa"):  # documented: a comment right above the key
        above = text.split(f"\n  {name}: null")[0].splitlines()[-1]
        assert above.strip().startswith("#"), name


# --- fail closed ---------------------------------------------------------------------


def _refused(model: type[VarModel], match: str) -> None:
    with pytest.raises(ContractError, match=match):
        compact(model)


def test_a_validator_function_is_refused() -> None:
    class WithValidator(VarModel):
        x: int

        @field_validator("x")
        @classmethod
        def _even(cls, v: int) -> int:
            return v

    _refused(WithValidator, "validator .*_even cannot be checked by dbt")


def test_an_annotated_validator_is_refused() -> None:
    class WithAfter(VarModel):
        x: Annotated[int, AfterValidator(lambda v: v)]

    _refused(WithAfter, "cannot be checked by dbt")


@pytest.mark.parametrize(
    ("annotation", "match"),
    [
        (Annotated[float, Field(multiple_of=0.5)], "multipleOf"),
        (dict[str, int], "additionalProperties|unknown keys"),
        (int | str, r"X \| None"),
        (bool, "type 'boolean'"),
        (dt.datetime, "format 'date-time'|keyword"),
        (Annotated[int, Field(json_schema_extra={"format": "percent"})], "format 'percent'"),
    ],
    ids=["multiple_of", "dict", "union", "bool", "datetime", "format"],
)
def test_unsupported_schema_is_refused(annotation: Any, match: str) -> None:
    model = type("Bad", (VarModel,), {"__annotations__": {"x": annotation}})
    _refused(model, match)


def test_a_rule_naming_an_unknown_field_is_refused() -> None:
    class BadRule(VarModel):
        start: dt.date

        var_rules = (After("end", than="start"),)

    _refused(BadRule, "unknown field end")


def test_the_contracted_models_are_declarative() -> None:
    for contract in registry():
        compact(contract.model)  # raises on anything dbt could not check
    # The integer format the macro names in its messages ("must be an integer year").
    assert _field(compact(ScenarioVar), "load_growth.base_year")["format"] == "year"
    assert Year


# --- the rules in Python: same paths and messages as in dbt ---------------------------


@pytest.mark.parametrize(
    ("patch", "path", "message"),
    [
        ({"base_start": "2025-01-01"}, "base_end", "base_start and base_end are given together"),
        (
            {"base_start": "2025-01-02", "base_end": "2025-01-01"},
            "base_end",
            "must be after base_start",
        ),
        ({"iso_codes": ["PJM", "MISO", "PJM"]}, "iso_codes.2", 'duplicate value "PJM"'),
        (
            {
                "fuel": [
                    {"fuel": "coal", "start": "2026-01-01", "end": "2027-01-01", "mode": "price"}
                ]
            },
            "fuel.0",
            "mode 'price' needs usd_per_mmbtu and a null multiplier",
        ),
        (
            {"carbon": [{"start": "2026-01-01", "end": "2026-01-01", "usd_per_metric_ton": 1}]},
            "carbon.0.end",
            "must be after start",
        ),
    ],
)
def test_scenario_var_rules_name_the_field(patch: dict, path: str, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        ScenarioVar.model_validate_json(json.dumps({"scenario_id": "s", **patch}))
    [(got_path, got_message)] = format_errors(info.value)
    assert got_path == path
    assert got_message.startswith(message)


def test_macro_text_is_jinja_safe() -> None:
    text = macro_text()
    body = text[text.index("{% raw %}") : text.index("{% endraw %}")]
    assert "{{" not in body and "{%" not in body.removeprefix("{% raw %}")
    assert vars_text({"x": 1}) == '{"x": 1}'
