"""A DuckDB built from the samples up to scenario_output, shared by the scenario tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aurum.dbt_runner import PROJECT_DIR, run_dbt
from aurum.ingest.land import main as land_main

# The scenario models only: the driver views bake the var in, so every one of them is
# rebuilt with the same --vars as scenario_output.
SCENARIO_MODELS = ["--select", "path:models/intermediate/scenario", "scenario_output"]


@pytest.fixture(scope="session")
def scenario_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("scenario_warehouse")
    database = workdir / "aurum.duckdb"
    sources = [PROJECT_DIR / "sample_data", PROJECT_DIR / "tests" / "fixtures" / "isone"]
    assert land_main(["--database", str(database), *map(str, sources)]) == 0
    run_dbt(
        [
            "build",
            *["--select", "+scenario_output", "--exclude", "tag:test_fixture"],
            # a test between a selected and an unselected parent (weather stations) stays out
            *["--indirect-selection", "cautious"],
        ],
        duckdb_path=database,
        target_path=workdir / "target",
    )
    return workdir


@pytest.fixture(scope="session")
def build_scenario(scenario_build: Path):
    """`dbt build` the scenario models with `scenario` as the var (None: no var at all)."""

    def build(scenario: dict | None) -> Path:
        args = ["build", *SCENARIO_MODELS]
        if scenario is not None:
            args += ["--vars", json.dumps({"scenario": scenario})]
        run_dbt(
            args, duckdb_path=scenario_build / "aurum.duckdb", target_path=scenario_build / "target"
        )
        return scenario_build / "aurum.duckdb"

    return build
