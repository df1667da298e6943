"""The contract model: strict validation with the field named, rendering, schema, profiles."""

from __future__ import annotations

import copy
import json

import pytest
from pydantic import ValidationError

from aurum.dbt_runner import PROJECT_DIR
from aurum.ppa import profiles
from aurum.ppa.contract import (
    SCHEMA_PATH,
    check_profile_exists,
    error_messages,
    json_schema_text,
    parse_contract,
)

BASE = {
    "contract_id": "c-1",
    "settlement": "virtual",
    "iso_code": "PJM",
    "node_location_id": "34497127",
    "hub_location_id": "51288",
    "settle_at": "hub",
    "market": "day_ahead_hourly",
    "shape": {"kind": "fixed", "mw": 10},
    "strike_usd_per_mwh": 30,
    "negative_price_rule": "no_floor",
    "term": {"start": "2025-01-01", "end": "2025-12-31"},
    "discount": {"annual_rate": 0.07, "basis": "nominal", "valuation_date": "2025-01-01"},
}


def _with(path: str, value) -> dict:
    data = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    node[last] = value
    return data


def _messages(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        parse_contract(data)
    return error_messages(caught.value)


def test_base_contract_is_valid_with_defaults():
    contract = parse_contract(BASE)
    assert contract.buyer_share == 1.0
    assert contract.escalation.kind == "none"
    assert contract.curtailment is None


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("contract_id", "a b", "contract_id"),
        ("contract_id", "x';--", "contract_id"),
        ("settlement", "financial", "settlement"),
        ("iso_code", "ERCOT2", "iso_code"),
        ("market", "hourly", "market"),
        ("settle_at", "zone", "settle_at"),
        ("buyer_share", 0, "buyer_share"),
        ("buyer_share", 1.5, "buyer_share"),
        ("buyer_share", "1", "buyer_share"),
        ("strike_usd_per_mwh", "30", "strike_usd_per_mwh"),
        ("shape.mw", -1, "shape.fixed.mw"),
        ("shape.kind", "baseload", "shape"),
        ("negative_price_rule", "floor", "negative_price_rule"),
        ("term.start", "2025-13-01", "term.start"),
        ("discount.annual_rate", 7, "discount.annual_rate"),
        ("discount.basis", "both", "discount.basis"),
        ("node_location_id", "bad\nid", "node_location_id"),
        ("unexpected", 1, "unexpected"),
        ("escalation", {"kind": "fixed", "annual_pct": 40}, "escalation.fixed.annual_pct"),
        ("escalation", {"kind": "cpi", "lag_months": -1, "base_month": "2024-01-01"}, "escalation.cpi.lag_months"),
        ("curtailment", {"below_price": 0}, "curtailment.below_price"),
    ],
)  # fmt: skip
def test_invalid_field_is_named(path, value, field):
    messages = _messages(_with(path, value))
    assert any(message.startswith(field + ":") for message in messages), messages


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (_with("hub_location_id", None), "hub_location_id is required"),
        (_with("hub_location_id", "34497127"), "hub_location_id must differ"),
        (_with("term", {"start": "2025-02-01", "end": "2025-01-01"}), "term.end"),
        (
            _with("escalation", {"kind": "cpi", "base_month": "2024-01-15"}),
            "escalation.base_month",
        ),
    ],
)
def test_cross_field_rules_name_the_field(data, text):
    assert any(text in message for message in _messages(data))


def test_var_json_is_canonical_and_round_trips():
    contract = parse_contract(BASE)
    text = contract.to_var_json()
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
    assert parse_contract(text) == contract
    assert json.loads(contract.dbt_vars()) == {"ppa": text}


def test_examples_are_valid_contracts_with_known_profiles():
    examples = sorted((PROJECT_DIR / "examples" / "ppa").glob("*.json"))
    assert examples
    for path in examples:
        check_profile_exists(parse_contract(path.read_text()))


def test_unknown_profile_is_refused():
    contract = parse_contract(
        _with("shape", {"kind": "unit_contingent", "capacity_mw": 50, "profile": "tidal"})
    )
    with pytest.raises(ValueError, match=r"shape\.profile"):
        check_profile_exists(contract)


def test_json_schema_in_docs_is_current():
    assert SCHEMA_PATH.read_text() == json_schema_text(), (
        "run: python -m aurum.ppa.contract --schema"
    )


def test_profile_seed_is_what_the_generator_writes(tmp_path):
    generated = tmp_path / "profiles.csv"
    profiles.write_seed(generated)
    assert generated.read_text() == profiles.SEED_PATH.read_text(), (
        "run: python -m aurum.ppa.profiles"
    )


def test_profile_monthly_means_are_the_published_factors():
    rows = profiles.rows()
    for name, monthly in (
        ("solar_pv_us_2015", profiles.SOLAR_MONTHLY_CF),
        ("wind_us_2013", profiles.WIND_MONTHLY_CF),
    ):
        for month, factor in monthly.items():
            values = [r[3] for r in rows if r[0] == name and r[1] == month]
            assert len(values) == 24
            assert max(values) <= 1.0
            assert sum(values) / 24 == pytest.approx(factor, abs=1e-5)
