"""Hostile strings in the scenario var cannot change the SQL dbt generates.

Every string that reaches SQL is either refused by validation (pydantic and, again, the
macro) with a message naming the field, or rendered inside one correctly escaped
string literal. The dbt tests compile real SQL through `macros/scenario_vars.sql` with
hostile values in every free-text field, then check with DuckDB's own tokenizer that
the statement has exactly the tokens of the same query with benign values, and that
running it returns each hostile string unchanged as data.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from scenario_helpers import FLEET, LOAD, POLICY, scenario

from aurum.dbt_runner import PROJECT_DIR, DbtFailed, run_dbt
from aurum.scenarios import ScenarioError, parse_scenario, render_vars

HOSTILE = [
    "O'Brien",
    "'; drop table x; --",
    "x' ) union all select 1 --",
    "/* */ 1 */",
    "back\\slash\\' \\",
    "\u2018curly\u2019 \u201cdouble\u201d \u02bcmodifier",
    '" or ""="',
    "$$ $1 ? %s %(x)s",
    "a'' ''b'''",
    "é ü 中文 emoji \U0001f600",
]
# Braces are refused too: dbt renders `--vars` values as Jinja before any macro runs.
REFUSED = [
    "line\nbreak",
    "tab\there",
    "nul\x00",
    "cr\r",
    "del\x7f",
    "",
    "{{ 7 * 7 }}",
    "{% if true %}",
]


# --- validation layer (fast) -------------------------------------------------------


def _with_strings(value: str) -> dict:
    policy = copy.deepcopy(POLICY)
    policy["other_adders"][0]["name"] = value
    fleet = copy.deepcopy(FLEET)
    fleet["changes"][0]["zone"] = value
    return scenario(
        policy,
        {**LOAD, "zone": value},
        fleet,
        name=value,
        description=value,
        filters={"location_ids": [value]},
    )


@pytest.mark.parametrize("value", HOSTILE)
def test_free_text_fields_keep_hostile_strings_as_data(value: str) -> None:
    out = render_vars(parse_scenario(_with_strings(value)), "s")["scenario"]
    assert out["adders"][0]["name"] == value
    assert out["load_growth"][0]["zone"] == value
    assert out["fleet"][0]["zone"] == value
    assert out["location_ids"] == [value]


@pytest.mark.parametrize("value", REFUSED)
def test_control_characters_are_refused_naming_the_field(value: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_with_strings(value))
    paths = {path for path, _ in info.value.errors}
    assert {
        "name",
        "drivers.0.other_adders.0.name",
        "drivers.1.zone",
        "drivers.2.changes.0.zone",
        "filters.location_ids.0",
    } <= paths


@pytest.mark.parametrize("value", HOSTILE[:4])
def test_coded_fields_refuse_anything_off_their_list(value: str) -> None:
    bad = scenario({**LOAD, "iso_code": value}, filters={"iso_codes": [value], "markets": [value]})
    with pytest.raises(ScenarioError) as info:
        parse_scenario(bad)
    assert {"drivers.0.iso_code", "filters.iso_codes.0", "filters.markets.0"} <= {
        p for p, _ in info.value.errors
    }
    with pytest.raises(ValueError, match="scenario_id must match"):
        render_vars(parse_scenario({"name": "n"}), value)
    with pytest.raises(ValueError, match="run_id must match"):
        render_vars(parse_scenario({"name": "n"}), "ok", value)


# --- through dbt (compiles real SQL) ------------------------------------------------

PROBE_SQL = """
select 'adders' as list_key, name as value from ({{ aurum.scenario_literal_rows('adders') }}) as a
union all
select 'load_zone', zone from ({{ aurum.scenario_literal_rows('load_growth', ['zone']) }}) as l
union all
select 'fleet_zone', zone from ({{ aurum.scenario_literal_rows('fleet', [['zone', 'varchar']]) }}) as f
union all
select 'location_ids', location_id from ({{ aurum.scenario_literal_rows('location_ids') }}) as i
union all
select 'filter', {{ aurum.sql_string_literal('hit') }}
where {{ aurum.scenario_filter('location_ids', "concat('O', chr(39), 'Brien')") }}
"""


def _var(values: list[str]) -> dict:
    """A scenario var written by hand (no pydantic): the macro is the only guard here."""
    return {
        "scenario": {
            "scenario_id": "inj",
            "run_id": None,
            "adders": [
                {"name": v, "start": "2026-01-01", "end": "2027-01-01", "usd_per_mwh": 1.5}
                for v in values
            ],
            "load_growth": [
                {
                    "iso_code": "PJM",
                    "zone": v,
                    "annual_fraction": 0.01,
                    "price_elasticity": 0.3,
                    "base_year": 2024,
                }
                for v in values
            ],
            "fleet": [
                {
                    "iso_code": "MISO",
                    "zone": v,
                    "technology": "coal",
                    "mw_delta": -100.0,
                    "effective": "2026-06-01",
                }
                for v in values
            ],
            "location_ids": values,
        }
    }


def _compile(tmp_path: Path, sql: str, dbt_vars: dict | str) -> str:
    text = dbt_vars if isinstance(dbt_vars, str) else json.dumps(dbt_vars, ensure_ascii=False)
    result = run_dbt(
        ["compile", "--inline", sql, "--vars", text, "--quiet"],
        duckdb_path=tmp_path / "compile.duckdb",
        target_path=tmp_path / "target",
    )
    return result.result.results[0].node.compiled_code


def _shape(sql: str) -> list[tuple[str, str]]:
    """DuckDB's tokens with every string constant's text blanked (offsets are UTF-8 bytes)."""
    data = sql.encode()
    tokens = duckdb.tokenize(sql)
    ends = [start for start, _ in tokens[1:]] + [len(data)]
    return [
        (
            str(kind),
            "<str>" if kind == duckdb.token_type.string_const else data[start:end].decode().strip(),
        )
        for (start, kind), end in zip(tokens, ends, strict=True)
    ]


@pytest.mark.integration
def test_hostile_strings_compile_to_the_same_statement(tmp_path: Path) -> None:
    hostile_sql = _compile(tmp_path, PROBE_SQL, _var(HOSTILE))
    benign_sql = _compile(tmp_path, PROBE_SQL, _var([f"v{i}" for i in range(len(HOSTILE))]))

    assert len(duckdb.extract_statements(hostile_sql)) == 1
    assert _shape(hostile_sql) == _shape(benign_sql)
    # Apart from the literals the text is identical too.
    for i, value in enumerate(HOSTILE):
        assert "'" + value.replace("'", "''") + "'" in hostile_sql
        hostile_sql_blanked = hostile_sql.replace("'" + value.replace("'", "''") + "'", f"'v{i}'")
        hostile_sql = hostile_sql_blanked
    assert hostile_sql == benign_sql

    rows = duckdb.sql(_compile(tmp_path, PROBE_SQL, _var(HOSTILE))).fetchall()
    by_key: dict[str, list[str]] = {}
    for key, value in rows:
        by_key.setdefault(key, []).append(value)
    for key in ("adders", "load_zone", "fleet_zone", "location_ids"):
        assert by_key[key] == HOSTILE, key
    assert by_key["filter"] == ["hit"]  # the filter matched O'Brien exactly


@pytest.mark.integration
def test_empty_lists_render_typed_zero_row_relations(tmp_path: Path) -> None:
    sql = _compile(
        tmp_path,
        "select * from ({{ aurum.scenario_literal_rows('fuel') }}) as f"
        " union all select * from ({{ aurum.scenario_literal_rows('fuel') }}) as g",
        {"scenario": None},
    )
    relation = duckdb.sql(sql)
    assert relation.fetchall() == []
    assert [str(t) for t in relation.types] == [
        "VARCHAR", "DATE", "DATE", "VARCHAR", "DOUBLE", "DOUBLE"
    ]  # fmt: skip
    assert "where false" in sql


# Invalid var JSON (as a user could pass straight to `dbt build --vars`) → compile error
# naming the field; YAML-only spellings (.nan, .inf) reach the macro as floats.
INVALID = [
    ('{"scenario": "carbon_50"}', "<root>: must be an object"),
    ('{"scenario": {"run_id": null}}', "scenario_id: required"),
    ('{"scenario": {"scenario_id": "a b"}}', "scenario_id: must match"),
    ('{"scenario": {"scenario_id": "s", "colour": 1}}', "colour: unknown key"),
    ('{"scenario": {"scenario_id": "s", "carbon": {}}}', "carbon: must be a list"),
    (
        '{"scenario": {"scenario_id": "s", "carbon": [{"start": "2026-01-01", "end": "2027-01-01",'
        ' "usd_per_metric_ton": "50"}]}}',
        "carbon.0.usd_per_metric_ton: must be a number",
    ),
    (
        '{"scenario": {"scenario_id": "s", "carbon": [{"start": "2026-01-01", "end": "2027-01-01",'
        ' "usd_per_metric_ton": .nan}]}}',
        "carbon.0.usd_per_metric_ton: must be a finite number",
    ),
    (
        '{"scenario": {"scenario_id": "s", "adders": [{"name": "x", "start": "2026-01-01",'
        ' "end": "2027-01-01", "usd_per_mwh": -.inf}]}}',
        "adders.0.usd_per_mwh: must be a finite number",
    ),
    (
        '{"scenario": {"scenario_id": "s", "carbon": [{"start": "2026-01-01", "end": "2027-01-01",'
        ' "usd_per_metric_ton": true}]}}',
        "carbon.0.usd_per_metric_ton: must be a number",
    ),
    (
        '{"scenario": {"scenario_id": "s", "carbon": [{"start": "2026-02-30", "end": "2027-01-01",'
        ' "usd_per_metric_ton": 1}]}}',
        "carbon.0.start: not a calendar date",
    ),
    (
        '{"scenario": {"scenario_id": "s", "carbon": [{"start": "2027-01-01", "end": "2026-01-01",'
        ' "usd_per_metric_ton": 1}]}}',
        "carbon.0.end: must be after start",
    ),
    (
        '{"scenario": {"scenario_id": "s", "fleet": [{"iso_code": "PJM", "zone": null,'
        ' "technology": "fusion", "mw_delta": 1, "effective": "2026-01-01"}]}}',
        "fleet.0.technology: must be one of",
    ),
    (
        '{"scenario": {"scenario_id": "s", "fleet": [{"iso_code": "PJM", "zone": "a\\nb",'
        ' "technology": "coal", "mw_delta": 1, "effective": "2026-01-01"}]}}',
        "fleet.0.zone: control characters",
    ),
    (
        '{"scenario": {"scenario_id": "s", "fuel": [{"fuel": "coal", "start": "2026-01-01",'
        ' "end": "2027-01-01", "mode": "price", "usd_per_mmbtu": null, "multiplier": 1.1}]}}',
        "fuel.0: mode 'price' needs usd_per_mmbtu",
    ),
    (
        '{"scenario": {"scenario_id": "s", "load_growth": [{"iso_code": "PJM", "zone": null,'
        ' "annual_fraction": 0.01, "price_elasticity": 0.3, "base_year": 2024.0}]}}',
        "load_growth.0.base_year: must be an integer year",
    ),
    ('{"scenario": {"scenario_id": "s", "iso_codes": ["PJM", "PJM"]}}', "iso_codes.1: duplicate"),
    # Strings inside the var are not rendered by dbt; the var layer refuses braces anyway.
    (
        '{"scenario": {"scenario_id": "s", "location_ids": ["{{ env_var(\'HOME\') }}"]}}',
        "location_ids.0: braces are not allowed",
    ),
    ('{"scenario": {"scenario_id": "s", "markets": ["dam"]}}', "markets.0: must be one of"),
]


@pytest.fixture(scope="module")
def mini_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-model project with the real macro: `first` runs before `probe` reads the var."""
    root = tmp_path_factory.mktemp("scenario_project")
    (root / "macros").mkdir()
    for name in ("scenario_vars.sql", "generate_schema_name.sql"):
        shutil.copy(PROJECT_DIR / "macros" / name, root / "macros" / name)
    shutil.copytree(PROJECT_DIR / "macros" / "vars", root / "macros" / "vars")  # the var layer
    shutil.copy(PROJECT_DIR / "profiles.yml", root / "profiles.yml")
    (root / "dbt_project.yml").write_text(
        "name: aurum\nversion: '0.1.0'\nconfig-version: 2\nprofile: aurum\n"
        "models:\n  aurum:\n    +materialized: table\n"
    )
    (root / "models").mkdir()
    (root / "models" / "a_first.sql").write_text("select 1 as x\n")
    (root / "models" / "probe.sql").write_text(
        "-- depends_on: {{ ref('a_first') }}\n"
        "select * from ({{ aurum.scenario_literal_rows('carbon') }}) as c\n"
    )
    return root


@pytest.mark.integration
@pytest.mark.parametrize(("dbt_vars", "message"), INVALID, ids=[m for _, m in INVALID])
def test_invalid_var_fails_before_any_sql_runs(
    mini_project: Path, tmp_path: Path, dbt_vars: str, message: str
) -> None:
    database = tmp_path / "mini.duckdb"
    with pytest.raises(DbtFailed) as info:
        run_dbt(
            ["build", "--vars", dbt_vars],
            duckdb_path=database,
            target_path=tmp_path / "target",
            project_dir=mini_project,
        )
    assert "var scenario: " + message in str(info.value)
    if database.exists():  # nothing ran: not even the model that needs no var
        with duckdb.connect(str(database)) as conn:
            assert conn.sql("select count(*) from information_schema.tables").fetchone() == (0,)


@pytest.mark.integration
def test_valid_var_builds_typed_rows(mini_project: Path, tmp_path: Path) -> None:
    database = tmp_path / "mini.duckdb"
    dbt_vars = render_vars(
        parse_scenario(
            (PROJECT_DIR / "examples/scenarios/gas_shock_and_retirements.json").read_text()
        ),
        "gas",
    )
    run_dbt(
        ["build", "--vars", json.dumps(dbt_vars, ensure_ascii=False)],
        duckdb_path=database,
        target_path=tmp_path / "target",
        project_dir=mini_project,
    )
    with duckdb.connect(str(database)) as conn:
        rows = conn.sql('select "start", "end", usd_per_metric_ton from main.probe').fetchall()
    assert [(str(s), str(e), round(p, 4)) for s, e, p in rows] == [
        ("2025-01-01", "2026-01-01", round(15 / 0.90718474, 4))
    ]
