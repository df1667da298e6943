"""The tests' Airflow: installed and migrated once per session by airflow.sh itself."""

from __future__ import annotations

import pytest
from airflow_helpers import Airflow


@pytest.fixture(scope="session")
def airflow() -> Airflow:
    cli = Airflow()
    cli.init()  # cold: installs orchestration/env/uv.lock and migrates; then a no-op
    return cli
