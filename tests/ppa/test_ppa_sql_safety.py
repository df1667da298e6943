"""The `ppa` var reaches SQL only as typed, escaped literals; a bad var fails before SQL."""

from __future__ import annotations

import json

import pytest

from aurum.dbt_runner import DbtFailed, run_dbt
from aurum.ppa.contract import parse_contract

pytestmark = pytest.mark.integration

MODELS = [
    "int_ppa__market_prices",
    "int_ppa__settlement_intervals",
    "ppa_valuation",
    "ppa_cashflows_monthly",
]
BASE = {
    "contract_id": "safety",
    "settlement": "virtual",
    "iso_code": "PJM",
    "node_location_id": "BENIGN_NODE",
    "hub_location_id": "BENIGN_HUB",
    "settle_at": "hub",
    "market": "day_ahead_hourly",
    "shape": {"kind": "fixed", "mw": 10},
    "strike_usd_per_mwh": 30,
    "negative_price_rule": "no_floor",
    "term": {"start": "2025-01-01", "end": "2025-12-31"},
    "discount": {"annual_rate": 0.07, "basis": "nominal", "valuation_date": "2025-01-01"},
}
HOSTILE_NODE = "x'); drop table market.fct_lmp; -- ' or ''='"
HOSTILE_HUB = "h' /* */ union select 1; \\' \" %# -- ;"


def _compile(vars_json: str, tmp_path) -> dict[str, str]:
    result = run_dbt(
        ["compile", "--select", *MODELS, "--vars", vars_json],
        duckdb_path=tmp_path / "compile.duckdb",
        target_path=tmp_path / "target",
    )
    return {
        r.node.name: r.node.compiled_code
        for r in result.result.results
        if r.node.resource_type == "model"
    }


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def test_hostile_location_ids_only_change_the_literals(tmp_path):
    benign = parse_contract(BASE)
    hostile = parse_contract(
        {**BASE, "node_location_id": HOSTILE_NODE, "hub_location_id": HOSTILE_HUB}
    )
    benign_sql = _compile(benign.dbt_vars(), tmp_path / "benign")
    hostile_sql = _compile(hostile.dbt_vars(), tmp_path / "hostile")
    assert set(benign_sql) == set(MODELS)
    for name in MODELS:
        expected = (
            benign_sql[name]
            .replace(_literal("BENIGN_NODE"), _literal(HOSTILE_NODE))
            .replace(_literal("BENIGN_HUB"), _literal(HOSTILE_HUB))
        )
        assert hostile_sql[name] == expected, name


def test_jinja_in_a_string_is_refused_by_the_model():
    # dbt renders --vars values as Jinja before the macro runs ("{{ 7 * 7 }}" arrives as
    # "49"), so the Pydantic model, which every caller goes through, refuses braces.
    with pytest.raises(ValueError, match="node_location_id"):
        parse_contract({**BASE, "node_location_id": "{{ env_var('AURUM_PG_DSN') }}"})


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"contract_id": "x'; drop table t; --"}, "contract_id"),
        ({"term": {"start": "2025-02-30", "end": "2025-12-31"}}, "term.start"),
        ({"strike_usd_per_mwh": "30); drop table t; --"}, "strike_usd_per_mwh"),
        ({"hub_location_id": None}, "hub_location_id"),
        ({"discount": {"annual_rate": 0.07, "basis": "nominal"}}, "discount.valuation_date"),
        ({"shape": {"kind": "fixed", "mw": 10, "extra": 1}}, "shape.extra"),
        ({"node_location_id": "{{ env_var('AURUM_PG_DSN') }}"}, "node_location_id"),
        ({"buyer_share": 0.0}, "buyer_share"),
    ],
)
def test_invalid_var_fails_at_compile_time_naming_the_field(tmp_path, patch, field):
    # Inline --vars, as typed by hand: the Pydantic model is not in the way, the macro is.
    vars_json = json.dumps({"ppa": {**BASE, **patch}})
    with pytest.raises(DbtFailed, match=rf"var ppa: {field}:"):
        _compile(vars_json, tmp_path)
