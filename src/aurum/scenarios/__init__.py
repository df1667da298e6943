"""Scenario assumptions: pydantic models, the one `scenario` dbt var, and a CLI.

Used by the API, the worker and dbt var rendering alike:

    from aurum.scenarios import parse_scenario, vars_json
    scenario = parse_scenario(open("examples/scenarios/carbon_50.json").read())
    dbt_vars = vars_json(scenario, scenario_id="carbon_50")
"""

from aurum.scenarios.models import (
    COAL_MMBTU_PER_SHORT_TON,
    DEFAULT_PRICE_ELASTICITY,
    METRIC_TON_PER_SHORT_TON,
    Scenario,
    ScenarioError,
    ScenarioVar,
    json_schema,
    parse_scenario,
)
from aurum.scenarios.vars import render_vars, vars_json

__all__ = [
    "COAL_MMBTU_PER_SHORT_TON",
    "DEFAULT_PRICE_ELASTICITY",
    "METRIC_TON_PER_SHORT_TON",
    "Scenario",
    "ScenarioError",
    "ScenarioVar",
    "json_schema",
    "parse_scenario",
    "render_vars",
    "vars_json",
]
