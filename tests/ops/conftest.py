"""Fixtures for the ops tests: the real ClickHouse (scripts/services/clickhouse.sh) with a
database of the test session's own, and the dead-letter topic on the real Kafka."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from ops_helpers import (
    committed_offsets,
    fresh_clickhouse_database,
    publish_malformed_inputs,
    publish_unrecognised_file,
    sink_for,
)

from aurum.kafka.admin import all_topics, ensure_topics
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import DLQ_TOPIC
from aurum.ops.clickhouse import connect
from aurum.settings import Settings
from kafka_helpers import bootstrap, fresh_group, require_kafka


@pytest.fixture(scope="session")
def clickhouse_settings() -> Iterator[Settings]:
    """The database the sink and dashboard tests share (the alert tests have their own:
    their sink process stores whatever reaches the topic while it runs)."""
    with fresh_clickhouse_database() as settings:
        yield settings


@pytest.fixture(scope="session")
def clickhouse(clickhouse_settings: Settings):
    client = connect(clickhouse_settings)
    yield client
    client.disconnect()


@pytest.fixture(scope="session")
def kafka_topics() -> None:
    require_kafka()
    ensure_topics(bootstrap(), all_topics())


@pytest.fixture(scope="session")
def sunk(clickhouse, clickhouse_settings, kafka_topics):
    """The malformed inputs published, and the sink run once over them: (the sink's
    consumer group, its offsets before, what ClickHouse must show, the sink's stats)."""
    group = fresh_group([DLQ_TOPIC])
    start = committed_offsets(group)
    producer = ConfirmingProducer(bootstrap())
    expected = publish_malformed_inputs(producer)
    expected.append(publish_unrecognised_file(producer, f"mystery_{uuid.uuid4().hex[:6]}.csv"))
    stats = sink_for(clickhouse, clickhouse_settings, group).run(idle_seconds=2)
    return group, start, expected, stats
