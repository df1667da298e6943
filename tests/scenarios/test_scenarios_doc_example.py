"""The worked example in docs/scenarios.md, reproduced number for number from dbt."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from aurum.dbt_runner import PROJECT_DIR, run_dbt

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
    # int_scenario__base_prices reads the var, so it is ephemeral: dbt show compiles it
    # with the same var next to the built scenario_output.
    sql = """
        select s.*, b.gas_price_usd_per_mmbtu, b.implied_heat_rate, b.gas_heat_rate,
               b.coal_heat_rate, b.emission_rate_t_per_mwh
        from {{ ref('scenario_output') }} as s
        inner join {{ ref('int_scenario__base_prices') }} as b
            using (iso_code, market, location_id, interval_start_utc)
        where {{ aurum.run_key_predicate('s.run_id') }}  -- this var's run: the table holds every run's
    """
    result = run_dbt(
        ["show", "--inline", sql, "--vars", json.dumps({"scenario": scenario}), "--limit", "1000"],
        duckdb_path=database,
        target_path=database.parent / "target",
    )
    table = result.result.results[0].agate_table
    rows = [dict(zip(table.column_names, row, strict=True)) for row in table.rows]
    for row in rows:
        start = row["interval_start_utc"]
        if not isinstance(start, datetime):
            row["interval_start_utc"] = datetime.fromisoformat(str(start))
    # the window is in UTC: 2022-07-18 00:00-24:00 UTC holds the file's first 20 EDT hours
    assert len(rows) == 20
    (row,) = [r for r in rows if r["interval_start_utc"] == datetime(2022, 7, 18, 20)]
    assert row["scenario_id"] == "doc_example"
    for name, expected in values.items():
        if name == "marginal_technology":
            assert row[name] == expected
        else:
            assert float(row[name]) == pytest.approx(float(expected), abs=1e-8), name
