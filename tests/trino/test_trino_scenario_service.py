"""The worker and the PPA valuation select Trino by configuration (AURUM_DBT_TARGET=trino)
and give the same results as on DuckDB.

The executor is the worker's own code path (claim → warm dbt build with the run's vars
→ results into app.scenario_run_output), run in-process here once per engine on the
same assumptions. Runs after test_trino_cross_engine.py (file order), whose base
scenario_output comparison it would otherwise disturb.
"""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path

import pytest

from aurum.db import connect
from aurum.db.migrations import apply_migrations
from aurum.dbt_runner import PROJECT_DIR, WarmDbt
from aurum.kafka.producer import ConfirmingProducer
from aurum.lineage import LineageEmitter
from aurum.ppa.contract import parse_contract
from aurum.scenarios import store
from aurum.scenarios.models import parse_scenario
from aurum.settings import Settings
from aurum.trino_landing import TrinoTarget
from aurum.worker.executor import ScenarioExecutor
from warehouse_helpers import copy_warehouse

pytestmark = pytest.mark.integration

SCENARIO = parse_scenario(
    (PROJECT_DIR / "examples" / "scenarios" / "demo_pjm_carbon_gas.json").read_text()
)
CONTRACT = parse_contract(
    (PROJECT_DIR / "examples" / "ppa" / "pjm_western_hub_solar_vppa.json").read_text()
)


@pytest.fixture
def trino_env(trino_build: TrinoTarget, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURUM_TRINO_PORT", str(trino_build.port))  # profiles.yml reads it


def _execute(settings: Settings, tenant: str) -> list[tuple]:
    """Create a scenario and a run, execute it like the worker does, return its rows."""
    apply_migrations(settings.pg_dsn)
    with connect(settings.pg_dsn) as conn:
        scenario = store.create_scenario(conn, tenant, SCENARIO, "test")
        run = store.create_run(
            conn, tenant, scenario.id, version=None, requested_by="test",
            dbt_target=settings.dbt_target,
        )  # fmt: skip
    assert run is not None
    producer = ConfirmingProducer(settings.kafka_bootstrap)
    executor = ScenarioExecutor(
        settings,
        WarmDbt(target=settings.dbt_target, duckdb_path=settings.duckdb_path,
                work_dir=settings.dbt_work_dir / "test"),
        producer, LineageEmitter(settings),
    )  # fmt: skip
    assert executor.handle(store.request_message(run)) == "succeeded"
    producer.close()
    with connect(settings.pg_dsn) as conn:
        stored = store.get_run(conn, tenant, scenario.id, run.id)
        assert stored is not None and stored.dbt_target == settings.dbt_target
        rows = conn.execute(
            f"select {', '.join(store.OUTPUT_COLUMNS)} from app.scenario_run_output"
            " where tenant_id = %s and run_id = %s",
            (tenant, run.id),
        ).fetchall()
    assert len(rows) == stored.result_rows
    key = [store.OUTPUT_COLUMNS.index(c)
           for c in ("iso_code", "market", "location_id", "interval_start_utc")]  # fmt: skip
    return sorted(rows, key=lambda r: tuple(r[i] for i in key))


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_trino_worker_run_equals_the_duckdb_run(
    trino_env: None, demo_warehouse_path: Path, tmp_path: Path
) -> None:
    tenant = f"trino-{uuid.uuid4().hex[:8]}"
    on_trino = _execute(Settings(dbt_target="trino"), tenant)
    duck = Settings(
        dbt_target="duckdb", duckdb_path=copy_warehouse(demo_warehouse_path, tmp_path / "duck")
    )
    on_duckdb = _execute(duck, tenant)
    assert len(on_trino) == len(on_duckdb) == 2_832
    for row_t, row_d in zip(on_trino, on_duckdb, strict=True):
        for column, a, b in zip(store.OUTPUT_COLUMNS, row_t, row_d, strict=True):
            assert _same(a, b), (column, a, b, row_t[:4])


def test_trino_ppa_valuation_equals_duckdb(
    trino_env: None, demo_warehouse_path: Path, tmp_path: Path
) -> None:
    from aurum.api.valuation import Valuator

    scenario_id = str(uuid.uuid4())
    results = {}
    for target in ("trino", "duckdb"):
        settings = Settings(
            dbt_target=target,
            duckdb_path=copy_warehouse(demo_warehouse_path, tmp_path / target),
        )
        results[target] = Valuator(settings).value(CONTRACT, SCENARIO, scenario_id)
    (sum_t, annual_t), (sum_d, annual_d) = results["trino"], results["duckdb"]
    assert sum_t["volume_mwh"] > 0
    for key in ("volume_mwh", "settlement_usd", "market_value_usd", "npv_usd",
                "capture_price_usd_per_mwh"):  # fmt: skip
        assert math.isclose(sum_t[key], sum_d[key], rel_tol=1e-9), key
    assert [y["local_year"] for y in annual_t] == [y["local_year"] for y in annual_d]
    assert json.dumps(sorted(sum_t)) == json.dumps(sorted(sum_d))  # same columns
