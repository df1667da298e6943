"""One vocabulary registry, read by Python, Pydantic, Avro and dbt."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

import yaml

from aurum.kafka.schemas import landing_schema
from aurum.scenarios.models import IsoCode, Market
from aurum.sources import FORMATS
from aurum.sources.core.vocabulary import ISO_CODES, MARKETS, vocabularies, vocabulary

ROOT = Path(__file__).resolve().parents[2]


def test_pydantic_models_take_their_enums_from_the_registry():
    assert get_args(IsoCode) == ISO_CODES
    assert get_args(Market) == MARKETS


def test_avro_landing_schemas_name_the_registry_values():
    for source_format in (f for f in FORMATS if f.is_lmp):
        fields = {f["name"]: f for f in landing_schema(source_format)["fields"]}
        assert ", ".join(ISO_CODES) in fields["iso_code"]["doc"], source_format.name


def test_dbt_accepted_values_on_vocabulary_columns_call_the_registry_macro():
    """No model or seed spells out a vocabulary's values by hand."""
    literal_lists = {
        tuple(map(str, v.values)) for v in vocabularies().values() if len(v.values) > 1
    }
    offenders = []
    for path in [*ROOT.glob("models/**/*.yml"), *ROOT.glob("seeds/**/*.yml")]:
        for match in re.finditer(r"values: \[([^\]]*)\]", path.read_text()):
            values = tuple(v.strip().strip("'\"") for v in match.group(1).split(","))
            if values in literal_lists:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_the_macro_holds_the_registry():
    macro = (ROOT / "macros" / "vocabulary.sql").read_text()
    for name, entry in vocabularies().items():
        assert f"'{name}': {json.dumps(list(entry.values))}" in macro


def test_fct_lmp_iso_codes_are_tested_against_the_registry():
    models = yaml.safe_load((ROOT / "models/marts/market/_market__models.yml").read_text())
    fct = next(m for m in models["models"] if m["name"] == "fct_lmp")
    iso = next(c for c in fct["columns"] if c["name"] == "iso_code")
    (test,) = [t for t in iso["data_tests"] if "accepted_values" in t]
    assert test["accepted_values"]["arguments"]["values"] == "{{ aurum.vocabulary('iso_code') }}"
    assert vocabulary("iso_code") == ISO_CODES
