"""Elementary's tests are declared where they belong and cover what analysts care about."""

from __future__ import annotations

import pytest

from aurum.sources.core.vocabulary import ISO_CODES

pytestmark = pytest.mark.integration  # reads the demo build's manifest


def _tests_on(manifest: dict, node_id: str) -> dict[str, dict]:
    return {
        n["name"]: n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and node_id in n["depends_on"]["nodes"]
    }


def _upstream_sources(manifest: dict, node_id: str) -> set[str]:
    nodes = {**manifest["nodes"], **manifest["sources"]}
    seen, stack = set(), [node_id]
    while stack:
        for parent in nodes[stack.pop()].get("depends_on", {}).get("nodes", []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return {s for s in seen if s.startswith("source.")}


def test_every_landing_table_feeding_fct_lmp_is_monitored(demo_manifest):
    fct_lmp = "model.aurum.fct_lmp"
    landing = {
        demo_manifest["sources"][s]["identifier"]
        for s in _upstream_sources(demo_manifest, fct_lmp)
        if demo_manifest["sources"][s]["schema"] == "landing"
    }
    monitored = {
        s["identifier"]: s
        for s in demo_manifest["sources"].values()
        if s["source_name"] == "landing_monitored"
    }
    assert landing and set(monitored) == landing
    for table, source in monitored.items():
        kinds = {
            n["test_metadata"]["name"]
            for n in _tests_on(demo_manifest, source["unique_id"]).values()
            if n["test_metadata"].get("namespace") == "elementary"
        }
        assert kinds == {"schema_changes", "freshness_anomalies"}, table


def test_fct_lmp_has_volume_and_price_anomaly_tests(demo_manifest):
    tests = _tests_on(demo_manifest, "model.aurum.fct_lmp")
    elementary = {
        name: n for name, n in tests.items() if n["test_metadata"].get("namespace") == "elementary"
    }
    assert all("elementary" in n["tags"] for n in elementary.values())
    # Hourly volume for every ISO fct_lmp accepts (its accepted_values read the vocabulary).
    accepted = ISO_CODES
    volume = {
        n["test_metadata"]["kwargs"]["where_expression"]
        for n in elementary.values()
        if n["test_metadata"]["name"] == "volume_anomalies"
    }
    assert volume == {f"iso_code = '{iso}'" for iso in accepted}
    kwargs = elementary["fct_lmp_volume_anomalies_by_iso_market"]["test_metadata"]["kwargs"]
    assert kwargs["dimensions"] == ["iso_code", "market"]
    lmp = elementary["fct_lmp_lmp_anomalies_by_iso"]["test_metadata"]["kwargs"]
    assert lmp["dimensions"] == ["iso_code"]
    assert set(lmp["column_anomalies"]) >= {"null_count", "zero_percent", "max"}


def test_elementary_models_are_built_in_their_own_schema(demo_manifest):
    models = [
        n
        for n in demo_manifest["nodes"].values()
        if n["resource_type"] == "model" and n["package_name"] == "elementary"
    ]
    assert models and {n["schema"] for n in models} == {"elementary"}
