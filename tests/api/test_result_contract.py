"""Issue 15 item 2: a run's result columns have one definition, scenario_output's dbt
contract. The generated module, the API's result model (OpenAPI), the worker's copy
and the PostgreSQL table all follow it; these tests fail when one of them drifts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest
import yaml

from aurum.api.server import openapi_text
from aurum.dbt_runner import PROJECT_DIR
from aurum.scenarios import output_contract, store
from aurum.scenarios.output_contract import CONTRACT_YML, read_contract


def test_generated_module_matches_the_dbt_contract() -> None:
    assert output_contract.main(["--check", "--project-dir", str(PROJECT_DIR)]) == 0
    assert read_contract(PROJECT_DIR / CONTRACT_YML) == output_contract.RESULT_COLUMNS


def _named(columns: list[dict], name: str) -> dict:
    return next(c for c in columns if c["name"] == name)


def _project_with(tmp_path: Path, change) -> Path:
    target = tmp_path / CONTRACT_YML
    target.parent.mkdir(parents=True)
    shutil.copy(PROJECT_DIR / CONTRACT_YML, target)
    doc = yaml.safe_load(target.read_text())
    (model,) = [m for m in doc["models"] if m["name"] == "scenario_output"]
    change(model["columns"])
    target.write_text(yaml.safe_dump(doc, sort_keys=False))
    return tmp_path


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda cols: cols.append({"name": "new_col", "data_type": "double"}),
                     id="column added"),
        pytest.param(lambda cols: _named(cols, "lmp").update(data_type="integer"), id="type changed"),
        pytest.param(lambda cols: _named(cols, "zone").update(constraints=[{"type": "not_null"}]),
                     id="nullability changed"),
    ],
)  # fmt: skip
def test_a_changed_dbt_contract_makes_the_check_fail(tmp_path: Path, change, capsys) -> None:
    project = _project_with(tmp_path, change)
    assert output_contract.main(["--check", "--project-dir", str(project)]) == 1
    assert "is stale" in capsys.readouterr().err


def test_openapi_result_row_is_the_contract() -> None:
    schema = json.loads(openapi_text())["components"]["schemas"]["ResultRow"]
    assert set(schema["properties"]) == set(output_contract.RESULT_COLUMN_NAMES)
    assert set(schema["required"]) == set(output_contract.RESULT_COLUMN_NAMES)
    json_types = {"varchar": "string", "double": "number", "integer": "integer",
                  "timestamp": "string", "date": "string", "boolean": "boolean"}  # fmt: skip
    for column in output_contract.RESULT_COLUMNS:
        prop = schema["properties"][column.name]
        types = {v.get("type") for v in prop["anyOf"]} if "anyOf" in prop else {prop["type"]}
        expected = {json_types[column.data_type]} | ({"null"} if column.nullable else set())
        assert types == expected, column
    assert tuple(store.OUTPUT_COLUMNS) == output_contract.RESULT_COLUMN_NAMES


@pytest.mark.integration
def test_the_migrated_postgres_table_stores_the_contract(pg: psycopg.Connection) -> None:
    """app.scenario_run_output = (tenant_id, run_id) + the contract's result columns, with
    the contract's types and nullability (the migrations must follow a contract change)."""
    stored = pg.execute(
        "select column_name, data_type, is_nullable = 'YES' from information_schema.columns"
        " where table_schema = 'app' and table_name = 'scenario_run_output'"
        " and column_name not in ('tenant_id', 'run_id') order by column_name"
    ).fetchall()
    assert stored == sorted(output_contract.postgres_columns())
