"""Issue 10, item 1: the default scenario (every ISO, no filters) succeeds through the API
and the worker; a deterministic error fails a run at once with its real cause."""

from __future__ import annotations

import duckdb
import psycopg
import pytest
from api_helpers import DEMO, create, run, tenant

from aurum.devstack import LocalStack
from aurum.scenarios import store

pytestmark = pytest.mark.integration


def warehouse_counts(stack: LocalStack) -> dict[str, int]:
    with duckdb.connect(str(stack.settings.duckdb_path), read_only=True) as conn:
        rows = conn.execute("select iso_code, count(*) from market.fct_lmp group by 1").fetchall()
    return dict(rows)


def stored_counts(pg: psycopg.Connection, run_id: str) -> dict[str, int]:
    rows = pg.execute(
        "select iso_code, count(*) from app.scenario_run_output where run_id = %s group by 1",
        (run_id,),
    ).fetchall()
    return dict(rows)


def test_stored_columns_are_nullable_where_the_dbt_contract_allows_null(
    demo_manifest: dict, pg: psycopg.Connection
) -> None:
    """app.scenario_run_output copies scenario_output: a column the model's enforced
    contract lets be null must be nullable in PostgreSQL too (0003 required base_energy
    and energy, which ERCOT rows do not have)."""
    model = demo_manifest["nodes"]["model.aurum.scenario_output"]
    nullable_in_dbt = {
        name
        for name, column in model["columns"].items()
        if not any(c["type"] == "not_null" for c in column.get("constraints", []))
    }
    stored = dict(
        pg.execute(
            "select column_name, is_nullable = 'YES' from information_schema.columns"
            " where table_schema = 'app' and table_name = 'scenario_run_output'"
        ).fetchall()
    )
    copied = nullable_in_dbt & set(store.OUTPUT_COLUMNS)
    assert {"base_energy", "energy", "congestion", "loss"} <= copied
    assert [name for name in sorted(copied) if not stored[name]] == []


def test_the_default_scenario_runs_over_every_iso_of_the_demo_warehouse(
    stack: LocalStack, pg: psycopg.Connection
) -> None:
    client = stack.client(tenant())
    scenario = create(client, {"name": "all isos"})
    accepted = run(client, scenario["id"])
    done = stack.wait_for_run(client, scenario["id"], accepted["id"], timeout=300)
    assert done["status"] == "succeeded", done
    assert done["attempts"] == 1
    expected = warehouse_counts(stack)
    assert set(expected) == {"CAISO", "ERCOT", "ISONE", "MISO", "NYISO", "PJM", "SPP"}
    assert stored_counts(pg, accepted["id"]) == expected
    assert done["result_rows"] == sum(expected.values())

    # ERCOT publishes no components: its rows come back with null energy, over HTTP too.
    ercot = client.get(
        done["links"]["results"], params={"location_id": "HB_HOUSTON", "limit": 5000}
    ).json()["items"]
    assert ercot and all(r["iso_code"] == "ERCOT" for r in ercot)
    assert all(r["base_energy"] is None and r["energy"] is None for r in ercot)
    assert all(r["lmp"] == r["base_lmp"] for r in ercot)


def test_an_ercot_only_scenario_succeeds(stack: LocalStack, pg: psycopg.Connection) -> None:
    client = stack.client(tenant())
    scenario = create(client, {"name": "ercot", "filters": {"iso_codes": ["ERCOT"]}})
    accepted = run(client, scenario["id"])
    done = stack.wait_for_run(client, scenario["id"], accepted["id"])
    assert done["status"] == "succeeded" and done["attempts"] == 1, done
    assert stored_counts(pg, accepted["id"]) == {"ERCOT": warehouse_counts(stack)["ERCOT"]}


def test_a_deterministic_error_fails_the_run_at_once_with_its_cause(
    stack: LocalStack, pg: psycopg.Connection
) -> None:
    """A constraint the results break is no interruption: one attempt, the real message,
    not three builds and "gave up after 3 interrupted attempts"."""
    name = tenant()
    constraint = f"aurum_test_refuse_{name.replace('-', '_')}"
    client = stack.client(name)
    sid = create(client, DEMO)["id"]
    pg.execute(
        f"alter table app.scenario_run_output add constraint {constraint}"
        f" check (tenant_id <> '{name}') not valid"
    )
    try:
        accepted = run(client, sid)
        done = stack.wait_for_run(client, sid, accepted["id"])
    finally:
        pg.execute(f"alter table app.scenario_run_output drop constraint {constraint}")
    assert done["status"] == "failed", done
    assert done["attempts"] == 1, done
    assert "check constraint" in done["error"] and constraint in done["error"], done["error"]
    assert "interrupted" not in done["error"]
    assert stored_counts(pg, accepted["id"]) == {}
    assert client.get(f"/v1/scenarios/{sid}/runs/{accepted['id']}/results").status_code == 409
