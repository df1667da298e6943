"""The "Ingestion errors" dashboard, imported from its versioned export into a fresh
Superset (a copy of the cached metadata template), answers its chart data API with the
rows of the real ClickHouse views and PostgreSQL tables, and renders in headless
Chromium with every chart drawn."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from ops_helpers import run_script

from aurum.db import connect as pg_connect
from aurum.devstack import free_port
from aurum.ops import superset
from aurum.ops.stack import OpsStack, Ports

pytestmark = pytest.mark.integration

CHARTS = {
    "Failures by source and error class",
    "Latest errors",
    "Freshness per source (watermark age, hours)",
    "Scenario runs by outcome",
}


@pytest.fixture(scope="module")
def dashboard(clickhouse_settings, sunk, pg_settings, tmp_path_factory):
    run_script("scripts/ops/install.sh", "superset", "chromium", timeout=1800)
    home = tmp_path_factory.mktemp("superset")
    ports = Ports(*(free_port() for _ in range(9)))
    stack = OpsStack(home, ports, clickhouse_settings)
    try:
        stack.start(["superset"])
        client = superset.SupersetClient(stack.url("superset"))
        client.import_dashboard(superset.export_zip(clickhouse_settings))
        yield stack, client
    finally:
        stack.stop(["superset"])


def _charts(client) -> dict[str, int]:
    return {chart["slice_name"]: chart["id"] for chart in client.dashboard_charts()}


def _rows(client, name: str) -> list[dict]:
    result = client.chart_data(_charts(client)[name])["result"]
    assert [r["error"] for r in result] == [None]
    return result[0]["data"]


def test_the_export_imports_into_a_fresh_superset(dashboard):
    _, client = dashboard
    assert client.dashboard()["dashboard_title"] == "Ingestion errors"
    assert set(_charts(client)) == CHARTS


def test_latest_errors_come_from_the_real_view(dashboard, clickhouse, clickhouse_settings, sunk):
    _, client = dashboard
    rows = _rows(client, "Latest errors")
    database = clickhouse_settings.clickhouse_database
    view = clickhouse.execute(
        f"SELECT source, stage, error_class, errors, latest_payload_excerpt "
        f"FROM {database}.ingest_errors_latest_summary"
    )
    assert sorted(
        (r["source"], r["stage"], r["error_class"], r["errors"], r["latest_payload_excerpt"])
        for r in rows
    ) == sorted(view)
    expected = {(e.source, e.stage, e.error_class): e.errors for e in sunk[2]}
    shown = {(r["source"], r["stage"], r["error_class"]): r["errors"] for r in rows}
    assert expected.items() <= shown.items()


def test_failures_over_time_come_from_the_real_view(dashboard, clickhouse, clickhouse_settings):
    _, client = dashboard
    rows = _rows(client, "Failures by source and error class")
    totals: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["source"], row["error_class"])
        totals[key] = totals.get(key, 0) + row["dead letters"]
    database = clickhouse_settings.clickhouse_database
    direct = clickhouse.execute(
        f"SELECT source, error_class, sum(errors) FROM {database}.ingest_error_counts "
        "GROUP BY source, error_class"
    )
    assert totals == {(s, c): n for s, c, n in direct}
    assert all(isinstance(row["time"], int | float) for row in rows), rows[:2]  # a time axis


def test_freshness_and_scenario_runs_come_from_postgresql(dashboard, pg_settings):
    _, client = dashboard
    freshness = _rows(client, "Freshness per source (watermark age, hours)")
    runs = _rows(client, "Scenario runs by outcome")
    with pg_connect(pg_settings.pg_dsn) as conn:
        sources = {r[0] for r in conn.execute(
            "select source from ingest.watermarks where watermark_key = 'default'")}  # fmt: skip
        outcomes = dict(
            conn.execute("select status, count(*) from app.scenario_run group by status").fetchall()
        )
    assert {r["source"] for r in freshness} == sources
    assert {r["status"]: r["count"] for r in runs} == outcomes


def test_the_dashboard_renders_in_headless_chromium(dashboard, tmp_path: Path):
    stack, _ = dashboard
    out = tmp_path / "dashboard.png"
    done = subprocess.run(
        [str(superset.VENV / "bin" / "python"), str(superset.SUPERSET_DIR / "screenshot.py"),
         superset.dashboard_url(stack.url("superset")), superset.admin_password(), str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-3000:]
    state = json.loads(done.stdout.strip().splitlines()[-1])
    assert state["charts"] == len(CHARTS), state
    assert state["errors"] == [], state
    # Charts over data draw; a PostgreSQL table with no rows here says "No results".
    assert state["rendered"] + state["empty"] == len(CHARTS), state
    assert state["rendered"] >= 2, state  # the two ClickHouse charts have rows
    assert out.stat().st_size > 20_000
