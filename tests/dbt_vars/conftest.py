"""A small dbt project holding the real var layer, for tests that need dbt itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aurum.dbt_runner import PROJECT_DIR

VAR_MACROS = ("scenario_vars.sql", "ppa_vars.sql", "generate_schema_name.sql")


def make_var_project(root: Path) -> Path:
    """The project's var macros (macros/vars/ and the two var files) and two probe models
    that read the `scenario` var, so a bad var fails at parse as in the real project."""
    (root / "macros").mkdir(parents=True)
    for name in VAR_MACROS:
        shutil.copy(PROJECT_DIR / "macros" / name, root / "macros" / name)
    shutil.copytree(PROJECT_DIR / "macros" / "vars", root / "macros" / "vars")
    shutil.copy(PROJECT_DIR / "profiles.yml", root / "profiles.yml")
    (root / "dbt_project.yml").write_text(
        "name: aurum\nversion: '0.1.0'\nconfig-version: 2\nprofile: aurum\n"
        "vars:\n  scenario: null\n  ppa: null\n  cpi_series_id: CPIAUCSL\n"
        "models:\n  aurum:\n    +materialized: table\n"
    )
    (root / "models").mkdir()
    (root / "models" / "fleet.sql").write_text(
        "select * from ({{ aurum.scenario_literal_rows('fleet') }}) as f\n"
    )
    (root / "models" / "load_growth.sql").write_text(
        "select * from ({{ aurum.scenario_literal_rows('load_growth') }}) as l\n"
    )
    return root


@pytest.fixture(scope="module")
def var_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_var_project(tmp_path_factory.mktemp("var_project"))
