"""Structural rules a hub package would check, read from dbt's manifest.json.

Layering (staging reads sources, nothing else does), naming by folder, every
model described and key-tested, every ISO staging model in the LMP union and
covered by unit tests.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration

KEY_TESTS = {"unique", "unique_combination_of_columns"}
# Staging folders of the reference feeds (not LMP): they do not feed the LMP union.
REFERENCE_STAGING = {"ecb", "fred", "eia", "carbon", "noaa", "iso_load"}


def _models(manifest: dict) -> list[dict]:
    return [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "aurum"
    ]


def _layer(model: dict) -> str:
    return model["original_file_path"].split("/")[1]


def test_models_are_named_for_their_layer(demo_manifest):
    for model in _models(demo_manifest):
        path, name = model["original_file_path"], model["name"]
        layer = _layer(model)
        if layer == "staging":
            source_folder = path.split("/")[2]
            assert re.fullmatch(rf"stg_{source_folder}__\w+", name), path
        elif layer == "intermediate":
            assert re.fullmatch(r"int_\w+__\w+", name), path
        elif layer == "marts":
            assert not name.startswith(("stg_", "int_")), path
        else:
            assert layer == "testing", f"{path}: models live in staging/intermediate/marts"


def test_only_staging_reads_sources(demo_manifest):
    for model in _models(demo_manifest):
        reads_sources = any(d.startswith("source.") for d in model["depends_on"]["nodes"])
        assert reads_sources == (_layer(model) == "staging"), model["original_file_path"]


def test_every_model_is_described_and_key_tested(demo_manifest):
    tested: set[str] = set()
    for node in demo_manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and metadata.get("name") in KEY_TESTS:
            tested.update(node["depends_on"]["nodes"])
    for model in _models(demo_manifest):
        assert model["description"].strip(), f"{model['name']} has no description"
        if _layer(model) != "testing":
            assert model["unique_id"] in tested, f"{model['name']} has no key test"


def test_every_iso_staging_model_feeds_the_lmp_union_and_has_unit_tests(demo_manifest):
    union = demo_manifest["nodes"]["model.aurum.int_lmp__unioned"]
    unit_tests_per_model: dict[str, int] = {}
    for unit_test in demo_manifest.get("unit_tests", {}).values():
        model_id = unit_test["depends_on"]["nodes"][0]
        unit_tests_per_model[model_id] = unit_tests_per_model.get(model_id, 0) + 1
    for model in _models(demo_manifest):
        folder = model["original_file_path"].split("/")[2] if _layer(model) == "staging" else ""
        if folder in REFERENCE_STAGING:
            continue
        if _layer(model) == "staging" and not model["name"].startswith("stg_ingest__"):
            assert model["unique_id"] in union["depends_on"]["nodes"], model["name"]
            # At least a spring-forward and a fall-back case for the time convention.
            assert unit_tests_per_model.get(model["unique_id"], 0) >= 2, model["name"]


# Macros through which a model reads the `scenario` or `ppa` var (macros/scenario_vars.sql,
# macros/ppa_vars.sql).
VAR_READERS = re.compile(
    r"aurum\.(scenario|scenario_literal_rows|ppa|ppa_is_set|ppa_capture_columns)\("
)


def test_intermediate_models_that_read_a_run_var_are_ephemeral(demo_manifest):
    """Set once per folder in dbt_project.yml, not repeated in each model: a view would
    keep the vars of the build that created it."""
    readers = [
        m
        for m in _models(demo_manifest)
        if _layer(m) == "intermediate" and VAR_READERS.search(m["raw_code"])
    ]
    assert len(readers) >= 8
    for model in readers:
        assert model["config"]["materialized"] == "ephemeral", model["name"]
    for model in _models(demo_manifest):
        assert "materialized=" not in model["raw_code"].replace(" ", ""), model["name"]
