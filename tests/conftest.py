"""Shared fixtures. `demo_warehouse` builds what `make demo` builds, once per session."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg
import pytest

from aurum.db import connect
from aurum.db.migrations import apply_migrations
from aurum.dbt_runner import PROJECT_DIR, run_dbt
from aurum.ingest.land import main as land_main
from aurum.settings import Settings

SAMPLE_DATA = PROJECT_DIR / "sample_data"
# No real ISO-NE LMP response exists here; the constructed fixtures (see their
# README) go through the same landing and dbt build as the real samples.
ISONE_FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "isone"


@pytest.fixture(scope="session")
def pg_settings() -> Settings:
    """Settings for the local services, with the PostgreSQL migrations applied."""
    settings = Settings()
    apply_migrations(settings.pg_dsn)
    return settings


@pytest.fixture
def pg(pg_settings: Settings) -> Iterator[psycopg.Connection]:
    with connect(pg_settings.pg_dsn) as conn:
        yield conn


@pytest.fixture(scope="session")
def sample_data() -> Path:
    return SAMPLE_DATA


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Land every sample file (and the ISO-NE fixtures) and `dbt build` the whole project.

    Returns the work directory: `aurum.duckdb` and dbt's `target/` are inside it.
    """
    workdir = tmp_path_factory.mktemp("demo_warehouse")
    database = workdir / "aurum.duckdb"
    assert land_main(["--database", str(database), str(SAMPLE_DATA), str(ISONE_FIXTURES)]) == 0
    run_dbt(["build"], duckdb_path=database, target_path=workdir / "target", elementary=True)
    return workdir


@pytest.fixture(scope="session")
def demo_warehouse_path(demo_build: Path) -> Path:
    return demo_build / "aurum.duckdb"


@pytest.fixture(scope="session")
def demo_manifest(demo_build: Path) -> dict:
    return json.loads((demo_build / "target" / "manifest.json").read_text())


@pytest.fixture(scope="session")
def demo_warehouse(demo_warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    # dbt-duckdb keeps its in-process database instance open after the build, and
    # DuckDB refuses a second instance of the same file with another configuration
    # (read_only), so this connects with the default one; the tests only read.
    with duckdb.connect(str(demo_warehouse_path)) as conn:
        yield conn
