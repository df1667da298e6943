"""A warehouse built from the samples and valued for the example contract, once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from aurum.dbt_runner import PROJECT_DIR, run_dbt
from aurum.ingest.land import main as land_main
from aurum.ppa.contract import PpaContract, parse_contract

EXAMPLE = PROJECT_DIR / "examples" / "ppa" / "pjm_western_hub_solar_vppa.json"


@pytest.fixture(scope="session")
def example_contract() -> PpaContract:
    return parse_contract(EXAMPLE.read_text())


@pytest.fixture(scope="session")
def ppa_warehouse_path(
    tmp_path_factory: pytest.TempPathFactory, example_contract: PpaContract
) -> Path:
    workdir = tmp_path_factory.mktemp("ppa_warehouse")
    database = workdir / "aurum.duckdb"
    sources = [PROJECT_DIR / "sample_data", PROJECT_DIR / "tests" / "fixtures" / "isone"]
    assert land_main(["--database", str(database), *map(str, sources)]) == 0
    run_dbt(
        ["build", "--select", "+ppa_summary", "+ppa_cashflows_annual",
         "--indirect-selection", "cautious", "--vars",
         example_contract.dbt_vars()],
        duckdb_path=database,
        target_path=workdir / "target",
    )  # fmt: skip
    return database


@pytest.fixture(scope="session")
def ppa_warehouse(ppa_warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    # Default configuration: dbt-duckdb keeps its in-process instance open (see tests/conftest.py).
    with duckdb.connect(str(ppa_warehouse_path)) as conn:
        yield conn
