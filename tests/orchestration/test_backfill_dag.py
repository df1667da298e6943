"""`airflow dags test aurum_backfill_scenarios`: the backfill CLI configured by the
AURUM_BACKFILL_* variables of the worker's environment, a command per day within the cap;
a window over the cap fails the run before any command runs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from aurum.db import connect
from aurum.ingest.watermarks import get_watermark

pytestmark = pytest.mark.integration

DAG_ID = "aurum_backfill_scenarios"
SOURCE = "nyiso_damlbmp_zone"


def _environment(tmp_path, key: str, **overrides: str) -> dict[str, str]:
    return {
        "AURUM_BACKFILL_SOURCE": SOURCE,
        "AURUM_BACKFILL_DAYS": "3",
        "AURUM_BACKFILL_HISTORY_LIMIT": "5",
        # `>>` is a shell operator: the file exists only if the command ran through /bin/sh.
        "AURUM_BACKFILL_COMMAND_TEMPLATE": f"echo {{source}} {{date}} {{watermark_key}} >> {tmp_path}/days.txt",
        "AURUM_BACKFILL_COMMAND_SHELL": "yes",
        "AURUM_BACKFILL_WATERMARK_KEY": key,
        **overrides,
    }


def test_runs_the_command_once_per_day_inside_the_cap_and_advances_the_watermark(
    airflow, tmp_path, pg_settings
):
    key = f"airflow-backfill-{uuid.uuid4().hex[:8]}"
    run = airflow.dags_test(
        DAG_ID,
        {"end_date": "2022-07-18"},
        env=_environment(tmp_path, key),
        dag_file="aurum_backfill_scenarios.py",
    )
    assert run.state == "success", run.explain()
    assert run.tasks == {"check_config": "success", "run_backfill": "success"}
    assert (tmp_path / "days.txt").read_text().splitlines() == [
        f"{SOURCE} 2022-07-16 {key}",
        f"{SOURCE} 2022-07-17 {key}",
        f"{SOURCE} 2022-07-18 {key}",
    ]
    with connect(pg_settings.pg_dsn) as conn:
        assert get_watermark(conn, SOURCE, key) == datetime(2022, 7, 19, tzinfo=UTC)


def test_a_window_over_the_history_limit_fails_before_any_work(airflow, tmp_path, pg_settings):
    key = f"airflow-backfill-{uuid.uuid4().hex[:8]}"
    run = airflow.dags_test(
        DAG_ID,
        {"end_date": "2022-07-18", "days": 6},  # the parameter replaces AURUM_BACKFILL_DAYS
        env=_environment(tmp_path, key),
        dag_file="aurum_backfill_scenarios.py",
    )
    assert run.state == "failed", run.explain()
    assert run.tasks == {"check_config": "failed", "run_backfill": "upstream_failed"}
    assert run.tries["check_config"] == 1  # a configuration error is not retried
    assert "AURUM_BACKFILL_DAYS=6 exceeds AURUM_BACKFILL_HISTORY_LIMIT=5" in run.output
    assert not (tmp_path / "days.txt").exists()
    with connect(pg_settings.pg_dsn) as conn:
        assert get_watermark(conn, SOURCE, key) is None
