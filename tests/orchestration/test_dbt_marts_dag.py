"""`airflow dags test aurum_dbt_marts`: cosmos runs the dbt graph node by node on a copy
of the demo warehouse — it builds the marts, and a planted test failure fails its task
and leaves everything downstream unrun. The successful run's graph, as Airflow's UI draws
it, is photographed in headless Chromium (docs/orchestration.md shows the picture)."""

from __future__ import annotations

from urllib.parse import urlencode

import duckdb
import pytest
from airflow_helpers import ApiServer, chromium

from aurum.dbt_runner import PROJECT_DIR
from aurum.kafka.topics import landing_topics
from kafka_helpers import fresh_group, require_kafka
from warehouse_helpers import copy_warehouse

pytestmark = pytest.mark.integration

DAG_ID = "aurum_dbt_marts"
MARTS = ("fct_lmp", "dim_location")
SCREENSHOTS = PROJECT_DIR / "var" / "screenshots"
RUNS: dict[str, str] = {}  # test -> the Airflow run id it made


def _count(database, table: str) -> int:
    with duckdb.connect(str(database)) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


@pytest.fixture(scope="module")
def warehouse(demo_warehouse_path, tmp_path_factory):
    """A copy of the demo warehouse without its marts; the DAG must build them."""
    require_kafka()
    database = copy_warehouse(demo_warehouse_path, tmp_path_factory.mktemp("dbt_marts"))
    with duckdb.connect(str(database)) as conn:
        expected = {
            t: conn.execute(f"select count(*) from market.{t}").fetchone()[0] for t in MARTS
        }
        for table in MARTS:
            conn.execute(f"drop table market.{table}")
    return database, expected


def _expected_tasks(manifest: dict) -> set[str]:
    """The DAG's selection (+fct_lmp, +dim_location, +the reference models, without test
    fixtures) computed from dbt's manifest: one task per seed, snapshot and model."""
    nodes = manifest["nodes"]
    wanted = [
        n for n, node in nodes.items()
        if node["resource_type"] == "model"
        and (node["name"] in MARTS or node["original_file_path"].startswith(
            "models/intermediate/reference/"))
    ]  # fmt: skip
    seen: set[str] = set()
    while wanted:
        node_id = wanted.pop()
        if node_id in seen or node_id not in nodes:
            continue
        seen.add(node_id)
        wanted.extend(manifest["parent_map"].get(node_id, []))
    built = {
        f"dbt.{nodes[n]['name']}_{nodes[n]['resource_type']}_build"
        for n in seen
        if nodes[n]["resource_type"] in ("model", "seed", "snapshot")
        and "test_fixture" not in nodes[n]["tags"]
    }
    return built | {"land_from_kafka"}


def _run(airflow, database, mark_success: str | None = None):
    # A consumer group positioned at the topics' ends: nothing else's messages are landed.
    conf = {"landing_group": fresh_group(landing_topics()), "idle_seconds": 2}
    return airflow.dags_test(
        DAG_ID,
        conf,
        env={"AURUM_DUCKDB_PATH": str(database)},
        dag_file="aurum_dbt_marts.py",
        mark_success=mark_success,
    )


def test_cosmos_builds_the_lmp_and_reference_marts(airflow, warehouse, demo_manifest):
    database, expected = warehouse
    run = _run(airflow, database)
    assert run.state == "success", run.explain()
    RUNS["success"] = run.run_id
    assert set(run.tasks) == _expected_tasks(demo_manifest), run.tasks
    assert set(run.tasks.values()) == {"success"}, run.tasks
    for table, rows in expected.items():
        assert _count(database, f"market.{table}") == rows > 0
    assert _count(database, "intermediate.int_fx__daily_rates") > 0


def test_a_failing_dbt_test_fails_its_task_and_stops_downstream(airflow, warehouse):
    database, expected = warehouse
    with duckdb.connect(str(database)) as conn:
        # A row from a feed the staging model does not know: market is null, and
        # stg_pjm__lmp's not_null test on market fails.
        conn.execute(
            "insert into landing.pjm_dataminer_lmp select * replace "
            "('rt_unknown_lmps' as feed, 'planted.csv' as _source_file) "
            "from landing.pjm_dataminer_lmp limit 1"
        )
        conn.execute("create table main.fct_lmp_before as select * from market.fct_lmp")
    # The branches the failure cannot reach ran in the first test: here they are marked
    # successful without running (dags test --mark-success-pattern), to keep this fast.
    run = _run(airflow, database, mark_success=r"^(land_from_kafka|dbt\.(?!stg_pjm__lmp_).*)$")
    assert run.state == "failed", run.explain()
    tasks = run.tasks
    assert tasks["dbt.stg_pjm__lmp_model_build"] == "failed"
    for downstream in ("int_lmp__unioned", "int_lmp__deduplicated", "int_lmp__enriched", "fct_lmp"):
        assert tasks[f"dbt.{downstream}_model_build"] == "upstream_failed", tasks
    assert "Failure in test not_null_stg_pjm__lmp_market" in run.output
    with duckdb.connect(str(database)) as conn:  # fct_lmp was not rebuilt
        changed = conn.execute(
            "select count(*) from (select * from market.fct_lmp except all "
            "select * from main.fct_lmp_before)"
        ).fetchone()[0]
    assert changed == 0 and _count(database, "market.fct_lmp") == expected["fct_lmp"]


def test_the_ui_draws_the_run_graph(airflow, tmp_path):
    """Airflow's own UI, served by its API server, renders the graph of the green run."""
    if "success" not in RUNS:
        pytest.skip("needs the successful run of test_cosmos_builds_the_lmp_and_reference_marts")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "airflow-aurum-dbt-marts-graph.png"
    shot.unlink(missing_ok=True)
    with ApiServer(airflow, tmp_path / "api-server.log") as server:
        page = f"/dags/{DAG_ID}/runs/{RUNS['success']}"
        url = f"{server.base_url}/aurum-test/graph?" + urlencode(
            {"dag": DAG_ID, "groups": "dbt", "next": page}
        )
        dom = chromium(url, tmp_path / "chromium-dom", "--dump-dom")
        chromium(url, tmp_path / "chromium-png", f"--screenshot={shot}", "--window-size=1600,1000")
    # The graph is drawn from the API: the task nodes are in the rendered page.
    for node in ("land_from_kafka", "fct_lmp", "stg_pjm__lmp", "int_fx__daily_rates"):
        assert node in dom, dom[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 30_000
