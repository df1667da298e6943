"""Fixtures for tests/dbt_vars."""

from __future__ import annotations

from pathlib import Path

import pytest
from var_helpers import make_var_project


@pytest.fixture(scope="module")
def var_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_var_project(tmp_path_factory.mktemp("var_project"))
