"""Avro schemas: files match the code, parse, and stay compatible with released versions."""

from __future__ import annotations

import copy
import json

import pytest

from aurum.kafka.compat import full_compatibility
from aurum.kafka.schemas import (
    RELEASED_DIR,
    SCHEMA_DIR,
    landing_schema,
    landing_subject,
    parsed_schema,
    read_schema_file,
    schema_path,
)
from aurum.kafka.topics import (
    DLQ_TOPIC,
    REFERENCE_TOPICS,
    SCENARIO_REQUEST_TOPIC,
    lmp_topic,
    topic_for,
)
from aurum.sources import FORMATS
from aurum.sources.core.formats import LMP_ALIASES

CURRENT = sorted(SCHEMA_DIR.glob("*.avsc"))


def test_every_landing_format_has_its_generated_schema_file():
    for source_format in FORMATS:
        path = schema_path(landing_subject(source_format.name))
        assert path.exists(), f"run: python -m aurum.kafka.schemas --write ({path.name} missing)"
        assert read_schema_file(path) == landing_schema(source_format), (
            f"{path.name} differs from the SourceFormat; regenerate with "
            "`python -m aurum.kafka.schemas --write` and check compatibility"
        )


def test_dlq_and_scenario_request_schemas_exist_for_their_topics():
    assert schema_path(DLQ_TOPIC).exists()
    assert schema_path(SCENARIO_REQUEST_TOPIC).exists()


@pytest.mark.parametrize("path", CURRENT, ids=lambda p: p.stem)
def test_schema_parses(path):
    assert parsed_schema(path.stem)


@pytest.mark.parametrize("path", CURRENT, ids=lambda p: p.stem)
def test_current_schema_is_fully_compatible_with_the_released_copy(path):
    released = RELEASED_DIR / path.name
    assert released.exists(), f"{path.name} was never released: copy it to {RELEASED_DIR}"
    problems = full_compatibility(json.loads(released.read_text()), read_schema_file(path))
    assert problems == [], f"{path.name} would break readers or writers: {problems}"


def test_lmp_messages_carry_the_standard_aliases():
    for source_format in FORMATS:
        if source_format.name not in REFERENCE_TOPICS:
            names = [f["name"] for f in landing_schema(source_format)["fields"]]
            assert set(LMP_ALIASES) <= set(names), source_format.name
            assert len(names) == len(set(names)), f"{source_format.name}: duplicate field names"
            assert topic_for(source_format) == lmp_topic(source_format.iso)
        else:
            assert topic_for(source_format).startswith("aurum.ref.")


# The checker itself must catch the changes that break readers.
def _pjm_schema():
    return copy.deepcopy(read_schema_file(schema_path(landing_subject("pjm_dataminer_lmp"))))


def test_checker_flags_a_type_change():
    new = _pjm_schema()
    field = next(f for f in new["fields"] if f["name"] == "total_lmp")
    field["type"] = ["null", "string"]
    assert full_compatibility(_pjm_schema(), new)


def test_checker_flags_a_new_field_without_default():
    new = _pjm_schema()
    new["fields"].append({"name": "ptid_extra", "type": "long"})
    problems = full_compatibility(_pjm_schema(), new)
    assert any(p.startswith("backward") for p in problems)


def test_checker_flags_a_removed_required_field():
    new = _pjm_schema()
    new["fields"] = [f for f in new["fields"] if f["name"] != "source_row"]
    assert any(p.startswith("forward") for p in full_compatibility(_pjm_schema(), new))


def test_checker_accepts_an_added_nullable_field_with_default():
    new = _pjm_schema()
    new["fields"].append({"name": "published_at", "type": ["null", "string"], "default": None})
    assert full_compatibility(_pjm_schema(), new) == []
