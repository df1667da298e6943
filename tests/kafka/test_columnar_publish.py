"""On the real local Kafka, the columnar publish path and the record-by-record path put
exactly the same messages on the topics: the same landing messages (key, Avro value,
headers) in the same order, and the same dead letters (stage, class, reason, payload,
row) for a file with bad rows."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from confluent_kafka import Consumer

from aurum.ingest.publish import publish_file
from aurum.kafka.admin import all_topics, ensure_topics
from aurum.kafka.codec import decode
from aurum.kafka.dead_letters import DLQ_SUBJECT
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import DLQ_TOPIC, topic_for
from aurum.sources import detect, format_named
from kafka_helpers import bootstrap, fresh_group, require_kafka

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "sample_data" / "miso" / "20260926_rt_lmp_final.csv"
FETCHED_AT = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


def _bad_copy(data: bytes) -> bytes:
    """The report with a repeated row, a price no market clears and an unreadable price."""
    lines = data.split(b"\n")
    first = lines[5].split(b",")
    too_high = b",".join([b"NEW.NODE", *first[1:3], b"250000", *first[4:]])
    unreadable = b",".join([b"OTHER.NODE", *first[1:3], b"12..5", *first[4:]])
    return b"\n".join([*lines[:7], lines[5], too_high, unreadable, *lines[7:]])


def _consume(group: str, topics: list[str], count: int, timeout: float = 60.0) -> list:
    consumer = Consumer(
        {"bootstrap.servers": bootstrap(), "group.id": group, "enable.auto.commit": False}
    )
    consumer.subscribe(topics)
    messages = []
    deadline = time.monotonic() + timeout
    try:
        while len(messages) < count and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is not None and message.error() is None:
                messages.append(message)
    finally:
        consumer.close()
    return messages


def _published(data: bytes, name: str, *, columnar: bool, source_format=None):
    source_format = source_format or format_named("miso_report_lmp")
    topics = [topic_for(source_format), DLQ_TOPIC]
    group = fresh_group(topics)
    report = publish_file(
        ConfirmingProducer(bootstrap()),
        source_format,
        data,
        name,
        fetched_at=FETCHED_AT,
        columnar=columnar,
    )
    expected = report.rows + sum(report.dead_letters.values())
    messages = _consume(group, topics, expected)
    assert len(messages) == expected
    landed = [(m.key(), m.value(), m.headers()) for m in messages if m.topic() == topics[0]]
    letters = []
    for m in messages:
        if m.topic() == DLQ_TOPIC:
            record = decode(DLQ_SUBJECT, m.value())
            letters.append(
                {k: v for k, v in record.items() if k not in ("error_id", "occurred_at")}
            )
    return report, landed, letters


@pytest.mark.parametrize("bad", [False, True], ids=["clean file", "file with bad rows"])
def test_columnar_and_row_wise_paths_publish_the_same_messages(bad):
    require_kafka()
    ensure_topics(bootstrap(), all_topics())
    data = _bad_copy(REPORT.read_bytes()) if bad else REPORT.read_bytes()
    name = f"columnar-{'bad' if bad else 'clean'}-{time.time_ns()}_rt_lmp_final.csv"

    fast_report, fast_landed, fast_letters = _published(data, name, columnar=True)
    slow_report, slow_landed, slow_letters = _published(data, name, columnar=False)

    assert fast_report == slow_report
    assert fast_landed == slow_landed
    assert fast_letters == slow_letters
    if bad:
        assert fast_report.dead_letters == {"decode": 1, "validate": 25}
        assert {letter["error_class"] for letter in fast_letters} == {
            "RowRejected",
            "duplicate_row",
            "price_out_of_range",
        }
    else:
        assert fast_report.rows == 1584 and not fast_letters


@pytest.mark.parametrize(
    "relative",
    [
        "sample_data/pjm/da_hrl_lmps_hubs_2025-05-01_to_05-10.csv",
        "sample_data/nyiso/20220718damlbmp_zone.csv",
        "tests/fixtures/isone/isone_ws_v1.1_hourlylmp_da_final_day_20241103.json",
        "sample_data/ecb/eurofxref-hist_head300.csv",
    ],
)
def test_formats_read_row_by_row_publish_the_same_messages_both_ways(relative):
    """Formats without a columnar reader: row decoder, then the batch screen and encoder."""
    require_kafka()
    ensure_topics(bootstrap(), all_topics())
    path = ROOT / relative
    data = path.read_bytes()
    source_format = detect(data, path.name)
    name = f"{time.time_ns()}-{path.name}"
    fast = _published(data, name, columnar=True, source_format=source_format)
    slow = _published(data, name, columnar=False, source_format=source_format)
    assert fast == slow
    assert fast[0].rows > 0 and not fast[2]
