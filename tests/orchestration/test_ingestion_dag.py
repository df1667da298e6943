"""`airflow dags test ingest_pjm_da_hrl_lmps` end to end: the replay server at PJM's URL
paths → the DAG's tasks → Kafka, watermark in PostgreSQL, dead letters on failure.

The replay server answers each day's Data Miner query with that day's rows of the real
ten-day PJM export (sample_data/pjm, split by EPT day as the API answers a one-day
query): 12 hubs x 24 hours = 288 rows a day.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
from airflow_helpers import consume

from aurum.db import connect
from aurum.ingest.watermarks import get_watermark
from aurum.kafka.codec import decode
from aurum.kafka.dead_letters import DLQ_SUBJECT
from aurum.kafka.topics import DLQ_TOPIC, lmp_topic
from aurum.sources import SOURCES
from kafka_helpers import fresh_group, require_kafka
from replay.routes import SAMPLE_DATA
from replay.server import ReplayServer

pytestmark = pytest.mark.integration

SOURCE = SOURCES["pjm_da_hrl_lmps"]
DAG_ID = "ingest_pjm_da_hrl_lmps"
TOPIC = lmp_topic("PJM")
PJM_EXPORT = SAMPLE_DATA / "pjm" / "da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"


def _route(day: date) -> str:
    parts = urlsplit(SOURCE.url(day, "http://replay.invalid"))
    return f"{parts.path}?{parts.query}"


def _pjm_days() -> dict[date, bytes]:
    """The export's rows split by EPT operating day, each with the header, as CSV bytes."""
    text = PJM_EXPORT.read_text()
    header, *lines = text.splitlines(keepends=True)
    days: dict[date, list[str]] = {}
    for line in lines:
        ept = next(csv.reader(io.StringIO(line)))[1]  # datetime_beginning_ept, M/D/YYYY h:mm
        day = datetime.strptime(ept.split()[0], "%m/%d/%Y").date()
        days.setdefault(day, []).append(line)
    return {day: (header + "".join(rows)).encode() for day, rows in days.items()}


@pytest.fixture
def pjm_replay():
    require_kafka()
    with ReplayServer() as server:
        for day, body in _pjm_days().items():
            server.serve_bytes(_route(day), body, "text/csv; charset=utf-8")
        yield server


def _rows_per_file(messages) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in messages:
        source_file = message.key().decode().split("#", 1)[0]
        counts[source_file] = counts.get(source_file, 0) + 1
    return counts


def test_backfill_days_3_lands_three_days_and_advances_the_watermark(airflow, pjm_replay):
    key = f"airflow-{uuid.uuid4().hex[:8]}"
    group = fresh_group([TOPIC])
    run = airflow.dags_test(
        DAG_ID,
        {"backfill_days": 3, "end_date": "2025-05-03", "watermark_key": key},
        env={"AURUM_SOURCE_BASE_URL": pjm_replay.base_url},
        dag_file="ingest_sources.py",
    )
    assert run.state == "success", run.explain()
    assert run.tasks == {"plan_window": "success", "ingest_window": "success"}
    landed = _rows_per_file(consume(TOPIC, group))
    assert {k: v for k, v in landed.items() if k.startswith("da_hrl_lmps_")} == {
        "da_hrl_lmps_2025-05-01.csv": 288,
        "da_hrl_lmps_2025-05-02.csv": 288,
        "da_hrl_lmps_2025-05-03.csv": 288,
    }
    with connect() as conn:
        assert get_watermark(conn, SOURCE.name, key) == datetime(2025, 5, 4, tzinfo=UTC)


def test_a_day_failing_with_http_500_keeps_the_watermark_and_dead_letters(airflow, pjm_replay):
    key = f"airflow-{uuid.uuid4().hex[:8]}"
    group = fresh_group([DLQ_TOPIC])
    # Every attempt for 2025-05-05 fails: 5 HTTP attempts per try, 2 Airflow tries.
    pjm_replay.fail_next(_route(date(2025, 5, 5)), [500] * 10)
    run = airflow.dags_test(
        DAG_ID,
        {"backfill_days": 2, "end_date": "2025-05-05", "watermark_key": key},
        env={"AURUM_SOURCE_BASE_URL": pjm_replay.base_url},
        dag_file="ingest_sources.py",
    )
    assert run.state == "failed", run.explain()
    assert run.tasks == {"plan_window": "success", "ingest_window": "failed"}
    assert run.tries["ingest_window"] == 2  # retried once, with back-off
    assert "2025-05-05 failed: fetch_failed" in run.output
    # 05-04 succeeded on the first try and was not fetched again by the retry.
    fetched = [r.path for r in pjm_replay.requests]
    assert fetched.count(_route(date(2025, 5, 4))) == 1
    assert fetched.count(_route(date(2025, 5, 5))) == 10
    with connect() as conn:  # at the end of the last good day, not past the failed one
        assert get_watermark(conn, SOURCE.name, key) == datetime(2025, 5, 5, tzinfo=UTC)
    letters = [decode(DLQ_SUBJECT, m.value()) for m in consume(DLQ_TOPIC, group)]
    ours = [
        letter
        for letter in letters
        if letter["source"] == SOURCE.name and letter["source_file"] == "da_hrl_lmps_2025-05-05.csv"
    ]
    assert len(ours) == 2, letters  # one per try
    assert {(letter["stage"], letter["error_class"]) for letter in ours} == {
        ("fetch", "FetchError")
    }
    assert "HTTP 500" in ours[0]["error_message"]
