"""The worked example in docs/scenarios.md, reproduced number for number from dbt."""

from __future__ import annotations

import json
import re
from datetime import datetime

import duckdb
import pytest

from aurum.dbt_runner import PROJECT_DIR

pytestmark = pytest.mark.integration

DOC = PROJECT_DIR / "docs" / "scenarios.md"


def _doc_example() -> tuple[dict, dict[str, str]]:
    text = DOC.read_text()
    section = text.split("## Worked example", 1)[1]
    scenario = json.loads(re.search(r"```json\n(.*?)```", section, re.S).group(1))
    numbers = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    values = dict(line.split(" = ", 1) for line in numbers.strip().splitlines())
    return scenario, values


def test_worked_example_matches_the_built_tables(build_scenario):
    scenario, values = _doc_example()
    assert len(values) == 18
    database = build_scenario(scenario)
    with duckdb.connect(str(database)) as conn:
        conn.execute(
            """
            select s.*, b.gas_price_usd_per_mmbtu, b.implied_heat_rate, b.gas_heat_rate,
                   b.coal_heat_rate, b.emission_rate_t_per_mwh
            from market.scenario_output as s
            inner join intermediate.int_scenario__base_prices as b
                using (iso_code, market, location_id, interval_start_utc)
            """
        )
        columns = [d[0] for d in conn.description]
        rows = [dict(zip(columns, row, strict=True)) for row in conn.fetchall()]
    # the window is in UTC: 2022-07-18 00:00-24:00 UTC holds the file's first 20 EDT hours
    assert len(rows) == 20
    (row,) = [r for r in rows if r["interval_start_utc"] == datetime(2022, 7, 18, 20)]
    assert row["scenario_id"] == "doc_example"
    for name, expected in values.items():
        if name == "marginal_technology":
            assert row[name] == expected
        else:
            assert row[name] == pytest.approx(float(expected), abs=1e-8), name
