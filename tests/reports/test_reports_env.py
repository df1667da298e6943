"""The reports environment (envs/reports/) runs the same dbt and DuckDB as the project."""

from __future__ import annotations

import tomllib

from aurum.dbt_runner import PROJECT_DIR
from aurum.quality.dbt_packages import declared_packages

SHARED = ("dbt-core", "dbt-duckdb", "dbt-trino", "duckdb", "dbt-adapters")


def _locked(path) -> dict[str, str]:
    lock = tomllib.loads(path.read_text())
    return {p["name"]: p["version"] for p in lock["package"] if "version" in p}


def test_dbt_and_duckdb_versions_match_the_project_lock():
    project = _locked(PROJECT_DIR / "uv.lock")
    reports = _locked(PROJECT_DIR / "envs" / "reports" / "uv.lock")
    assert {n: reports[n] for n in SHARED} == {n: project[n] for n in SHARED}


def test_edr_matches_the_elementary_dbt_package():
    reports = _locked(PROJECT_DIR / "envs" / "reports" / "uv.lock")
    package = {p.name: p.version for p in declared_packages()}["elementary-data/elementary"]
    assert reports["elementary-data"] == package
    assert reports["great-expectations"].startswith("1.")
