"""Shared by the tests in tests/dbt_vars: a small dbt project holding the real var layer,
and a changed copy of the var models (what a colleague's Field change looks like)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated

from pydantic import Field

from aurum.dbt_runner import PROJECT_DIR
from aurum.dbt_vars.contracts import VarContract
from aurum.ppa.contract import PpaContract, Term, placeholder
from aurum.scenarios.models import FleetRow, LoadGrowthRow, ScenarioVar, Text

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


# A colleague's change to the models, as issue 10 asks for: tighter bounds, a list
# length, a date range. Each lands in the generated contract with no hand edit.
class TightFleetRow(FleetRow):
    mw_delta: float = Field(ge=-5_000, le=5_000)


class TightLoadGrowthRow(LoadGrowthRow):
    base_year: Annotated[int, Field(ge=2000, le=2200, json_schema_extra={"format": "year"})]


class TightScenarioVar(ScenarioVar):
    location_ids: list[Text] = Field(
        default_factory=list, max_length=500, json_schema_extra={"x-aurum-column": "location_id"}
    )
    fleet: list[TightFleetRow] = Field(default_factory=list, max_length=2_000)
    load_growth: list[TightLoadGrowthRow] = Field(default_factory=list)


class DatedTerm(Term):
    start: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))


class DatedPpa(PpaContract):
    term: DatedTerm
    node_location_id: str = Field(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f{}]+$")


def changed_registry() -> tuple[VarContract, ...]:
    return (
        VarContract("scenario", TightScenarioVar, absent=TightScenarioVar.base),
        VarContract(
            "ppa",
            DatedPpa,
            absent=lambda: DatedPpa.model_validate(placeholder().model_dump()),
            json_text=True,
        ),
    )
