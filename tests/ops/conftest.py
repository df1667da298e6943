"""Fixtures for the ops tests: the real ClickHouse (scripts/services/clickhouse.sh) with a
database of the test session's own, and the dead-letter topic on the real Kafka."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from ops_helpers import run_script

from aurum.kafka.admin import all_topics, ensure_topics
from aurum.ops.clickhouse import apply_migrations, connect
from aurum.settings import Settings
from kafka_helpers import bootstrap, require_kafka


@pytest.fixture(scope="session")
def clickhouse_settings() -> Iterator[Settings]:
    """ClickHouse up (idempotent), the migrations applied to a fresh database of our own,
    dropped afterwards; a running `make ops-up` keeps its `ops` database untouched."""
    run_script("scripts/services/clickhouse.sh", "up")
    database = f"ops_test_{uuid.uuid4().hex[:8]}"
    settings = Settings(clickhouse_database=database)
    client = connect(settings)
    apply_migrations(client, database)
    yield settings
    client.execute(f"DROP DATABASE IF EXISTS {database}")
    client.disconnect()


@pytest.fixture(scope="session")
def clickhouse(clickhouse_settings: Settings):
    client = connect(clickhouse_settings)
    yield client
    client.disconnect()


@pytest.fixture(scope="session")
def kafka_topics() -> None:
    require_kafka()
    ensure_topics(bootstrap(), all_topics())
