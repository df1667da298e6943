"""The generic var macro, run by dbt itself, agrees with the Pydantic models.

- Agreement: hypothesis draws values of both var contracts (valid ones over the full
  range, and one-place edits of them) and passes them through a real `--vars` (dbt's
  own YAML reading). The macro accepts exactly what Pydantic accepts, reports a field
  Pydantic reports, and returns the same validated value with defaults applied.
- Literals: for every accepted value, the typed literals the macro emits, run in
  DuckDB, give back exactly the Python values (floats bit for bit, hostile strings as
  data, each one a single statement).
- Issue 10 end to end: fleet `mw: 0.00001` builds (it failed "must be a number").
- Drift seen from dbt: a value a changed model accepts is refused by the committed
  contract, and accepted once the contract is regenerated from the changed model.

One dbt invocation per test: the cases go in a single `--vars`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from contract_strategies import CONTRACTS, mutations, root, values
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from var_helpers import changed_registry, make_var_project

from aurum.dbt_runner import DbtFailed, run_dbt
from aurum.dbt_vars.contracts import macro_text
from aurum.dbt_vars.text import vars_text
from aurum.scenarios import ScenarioVar, parse_scenario
from aurum.scenarios.vars import vars_json

pytestmark = pytest.mark.integration

SCENARIO_LISTS = ["iso_codes", "markets", "location_ids", "carbon", "adders", "load_growth",
                  "fuel", "fleet"]  # fmt: skip
SCENARIO_SCALARS = ["scenario_id", "run_id", "base_start", "base_end"]


def _leaf_paths(node: dict[str, Any], prefix: str = "") -> list[str]:
    """Every scalar field of an object tree, through both sides of every union."""
    if node["type"] == "union":
        paths: list[str] = []
        for variant in node["variants"].values():
            paths += [p for p in _leaf_paths(variant, prefix) if p not in paths]
        return paths
    if node["type"] == "object":
        return [
            p
            for name, field in node["fields"].items()
            for p in _leaf_paths(field, f"{prefix}{name}.")
        ]
    return [] if node["type"] == "list" else [prefix.rstrip(".")]


PPA_PATHS = _leaf_paths(root("ppa"))

PROBE = """
{%- set out = [] -%}
{%- for name, case in var("cases") -%}
    {%- set result = aurum.var_check(name, case) -%}
    {%- if result["ok"] -%}
        {%- set literals = {} -%}
        {%- if name == "scenario" -%}
            {%- for key in var("scenario_lists") -%}
                {%- do literals.update({key: aurum.var_rows(name, key, value=result["value"]) | string}) -%}
            {%- endfor -%}
            {%- for key in var("scenario_scalars") -%}
                {%- do literals.update({key: aurum.var_literal(name, key, value=result["value"]) | string}) -%}
            {%- endfor -%}
        {%- else -%}
            {%- for path in var("ppa_paths") -%}
                {%- do literals.update({path: aurum.var_literal(name, path, value=result["value"]) | string}) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do result.update({"literals": literals}) -%}
    {%- endif -%}
    {%- do out.append(result) -%}
{%- endfor -%}
{{ tojson(out) }}
"""


def _draw_cases(name: str, count: int) -> list[Any]:
    """`count` valid values and one edit of each, reproducibly (derandomized)."""
    node = root(name)
    cases: list[Any] = []

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(values(node), st.data())
    def collect(value: Any, data: st.DataObject) -> None:
        cases.append(value)
        cases.append(data.draw(mutations(node, value)))

    collect()
    return cases


def _error_path(node: dict[str, Any], error: dict[str, Any]) -> str:
    """A Pydantic error's field path as the macro writes it: union tags left out."""
    parts: list[str] = []
    for part in error["loc"]:
        if node is not None and node["type"] == "union" and part in node["variants"]:
            node = node["variants"][part]
            continue
        parts.append(str(part))
        if node is None:
            continue
        if node["type"] == "object":
            node = node["fields"].get(part)
        elif node["type"] == "list":
            node = node["items"]
        else:
            node = None
    if error["type"] in ("union_tag_invalid", "union_tag_not_found") and node is not None:
        parts.append(node["tag"])
    if error["type"] == "aurum_field" and error["ctx"]["path"]:
        parts.append(error["ctx"]["path"])
    return ".".join(parts) or "<root>"


def _pydantic(name: str, case: Any) -> tuple[bool, Any]:
    model = CONTRACTS[name].model
    try:
        valid = model.model_validate_json(case if isinstance(case, str) else json.dumps(case))
    except ValidationError as exc:
        return False, {_error_path(root(name), e) for e in exc.errors()}
    return True, valid.model_dump(mode="json")


def _sql_value(value: Any) -> Any:
    """A dumped JSON value as DuckDB gives it back (dates as dates)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _run(sql: str) -> list[tuple]:
    assert len(duckdb.extract_statements(sql)) == 1, sql
    return duckdb.sql(sql).fetchall()


def _same(got: Any, expected: Any) -> bool:
    if isinstance(expected, float) or isinstance(got, float):
        return float(got).hex() == float(expected).hex()
    return got == expected


def test_macro_agrees_with_pydantic_and_literals_round_trip(
    var_project: Path, tmp_path: Path
) -> None:
    cases = [["scenario", c] for c in _draw_cases("scenario", 60)]
    ppa = _draw_cases("ppa", 60)
    cases += [["ppa", c] for c in ppa]
    # The ppa var usually comes as canonical JSON text: the same values, as strings.
    cases += [["ppa", json.dumps(c)] for c in ppa[:40]] + [["ppa", "{not json"]]
    text = vars_text(
        {
            "cases": cases,
            "scenario_lists": SCENARIO_LISTS,
            "scenario_scalars": SCENARIO_SCALARS,
            "ppa_paths": PPA_PATHS,
        }
    )
    result = run_dbt(
        ["compile", "--quiet", "--inline", PROBE, "--vars", text],
        duckdb_path=tmp_path / "probe.duckdb",
        target_path=tmp_path / "target",
        project_dir=var_project,
    )
    outcomes = json.loads(result.result.results[0].node.compiled_code)
    assert len(outcomes) == len(cases)

    accepted = refused = 0
    for (name, case), got in zip(cases, outcomes, strict=True):
        ok, expected = _pydantic(name, case)
        assert got["ok"] == ok, (name, json.dumps(case)[:500], got.get("error"), expected)
        if not ok:
            refused += 1
            path = got["error"].split(": ", 1)[0]
            assert path in expected, (name, case, got["error"], expected)
            continue
        accepted += 1
        assert got["value"] == expected, (name, case)
        literals = got["literals"]
        if name == "scenario":
            for key in SCENARIO_SCALARS:
                assert _same(_run("select " + literals[key])[0][0], _sql_value(expected[key]))
            for key in SCENARIO_LISTS:
                rows = _run(literals[key])
                want = [
                    tuple(_sql_value(v) for v in (row.values() if isinstance(row, dict) else [row]))
                    for row in expected[key]
                ]
                assert len(rows) == len(want), key
                for row, wanted in zip(rows, want, strict=True):
                    assert all(_same(g, w) for g, w in zip(row, wanted, strict=True)), (key, row)
        else:
            for path in PPA_PATHS:
                value: Any = expected
                for part in path.split("."):
                    value = value.get(part) if isinstance(value, dict) else None
                got_value = _run("select " + literals[path])[0][0]
                assert _same(got_value, _sql_value(value)), (path, got_value, value)
    # Both sides of the line were exercised, for both vars.
    assert accepted > 60 and refused > 60, (accepted, refused)


def test_tiny_numbers_build_through_real_vars(var_project: Path, tmp_path: Path) -> None:
    """Issue 10: fleet mw 0.00001 and annual_pct 0.001 failed "must be a number"."""
    scenario = parse_scenario(
        {
            "name": "tiny",
            "drivers": [
                {
                    "type": "fleet_change",
                    "changes": [
                        {
                            "iso_code": "PJM",
                            "technology": "coal",
                            "mw": 0.00001,
                            "action": "retire",
                            "effective_date": "2026-01-01",
                        },
                        {
                            "iso_code": "PJM",
                            "technology": "wind",
                            "mw": 5e-324,
                            "action": "add",
                            "effective_date": "2026-01-02",
                        },
                    ],
                },
                {"type": "load_growth", "iso_code": "PJM", "annual_pct": 0.001, "base_year": 2024},
            ],
        }
    )
    database = tmp_path / "tiny.duckdb"
    run_dbt(
        ["build", "--vars", vars_json(scenario, "tiny")],
        duckdb_path=database,
        target_path=tmp_path / "target",
        project_dir=var_project,
    )
    with duckdb.connect(str(database)) as conn:
        fleet = conn.sql("select mw_delta from main.fleet order by effective").fetchall()
        load = conn.sql("select annual_fraction from main.load_growth").fetchall()
    assert fleet == [(-1e-05,), (5e-324,)]
    assert load == [(1e-05,)]


def test_a_changed_model_changes_what_dbt_accepts(var_project: Path, tmp_path: Path) -> None:
    """The changed model (base_year up to 2200) accepts 2150; the committed contract
    refuses it at parse, naming the field; regenerated from the changed model, dbt
    accepts it. The generated file is what dbt enforces, and the only thing to edit."""
    changed = {c.name: c for c in changed_registry()}["scenario"].model
    var = {
        "scenario_id": "s",
        "load_growth": [{"iso_code": "PJM", "annual_fraction": 0.01, "price_elasticity": 0.3,
                         "base_year": 2150}],
    }  # fmt: skip
    changed.model_validate_json(json.dumps(var))
    with pytest.raises(ValidationError):
        ScenarioVar.model_validate_json(json.dumps(var))
    text = vars_text({"scenario": var})

    with pytest.raises(
        DbtFailed, match=r"var scenario: load_growth\.0\.base_year: must be <= 2100"
    ):
        run_dbt(
            ["parse", "--vars", text],
            duckdb_path=tmp_path / "committed.duckdb",
            target_path=tmp_path / "committed_target",
            project_dir=var_project,
        )

    regenerated = make_var_project(tmp_path / "regenerated")
    (regenerated / "macros" / "vars" / "var_contracts_generated.sql").write_text(
        macro_text(changed_registry())
    )
    database = tmp_path / "regenerated.duckdb"
    run_dbt(
        ["build", "--select", "load_growth", "--vars", text],
        duckdb_path=database,
        target_path=tmp_path / "regenerated_target",
        project_dir=regenerated,
    )
    with duckdb.connect(str(database)) as conn:
        assert conn.sql("select base_year from main.load_growth").fetchall() == [(2150,)]
