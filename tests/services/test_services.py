"""Round trips against the real local services started by `scripts/services/up.sh`.

The integration tests never skip: a service that is not reachable is a failure whose
message says how to start it. Connection settings come from the service interface's
environment variables (defaults in docs/services.md).
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

PG_DSN = os.environ.get("AURUM_PG_DSN", "postgresql://aurum@127.0.0.1:55432/aurum")
REDIS_URL = os.environ.get("AURUM_REDIS_URL", "redis://127.0.0.1:56379/0")
KAFKA_BOOTSTRAP = os.environ.get("AURUM_KAFKA_BOOTSTRAP", "127.0.0.1:59092")
START_HINT = "start the local services with `scripts/services/up.sh` (or `make up`)"
KAFKA_SRC = Path(__file__).resolve().parents[2] / "scripts" / "services" / "kafka"


def unreachable(service: str, where: str, error: Exception) -> str:
    return f"{service} is not reachable at {where} ({error}); {START_HINT}"


def test_kafka_jar_lock_matches_pom() -> None:
    """jars.lock is the fast path of kafka.sh install; it must be regenerated with the pom."""
    pom_hash = hashlib.sha256((KAFKA_SRC / "pom.xml").read_bytes()).hexdigest()
    lock = (KAFKA_SRC / "jars.lock").read_text().splitlines()
    assert f"# pom-sha256 {pom_hash}" in lock, "run `scripts/services/kafka.sh lock`"
    jars = [line.split()[1] for line in lock if not line.startswith("#")]
    assert any(j.startswith("org/apache/kafka/kafka_2.13/") for j in jars)
    assert any("/log4j-slf4j-impl/" in j for j in jars), "the broker needs a log4j2 binding"
    assert len({j.rsplit("/", 1)[1] for j in jars}) == len(jars), "jar file names collide"


@pytest.mark.integration
def test_postgres_round_trip() -> None:
    try:
        conn = psycopg.connect(PG_DSN, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(unreachable("PostgreSQL", PG_DSN, error))
    with conn:
        assert conn.execute("select 1").fetchone() == (1,)
        assert conn.execute("select current_user, current_database()").fetchone() == (
            "aurum",
            "aurum",
        )
        conn.execute("create temp table probe (id int primary key, payload jsonb not null)")
        conn.execute(
            "insert into probe values (%s, %s), (%s, %s)",
            (1, '{"a": 1}', 2, '{"b": [1, 2]}'),
        )
        rows = conn.execute("select id, payload from probe order by id").fetchall()
        assert rows == [(1, {"a": 1}), (2, {"b": [1, 2]})]
        conn.execute("drop table probe")
        assert conn.execute("select to_regclass('pg_temp.probe')").fetchone() == (None,)


@pytest.mark.integration
def test_redis_round_trip() -> None:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5, socket_timeout=5)
    key = f"aurum:test:{uuid.uuid4().hex}"
    try:
        assert client.ping()
    except redis.ConnectionError as error:
        pytest.fail(unreachable("Redis", REDIS_URL, error))
    try:
        assert client.set(key, "42", ex=60)
        assert client.get(key) == b"42"
        assert client.incr(key) == 43
    finally:
        client.delete(key)
    assert client.get(key) is None


def _quiet_logger() -> logging.Logger:
    # librdkafka logs every refused connection to stderr; the failure message says it all.
    logger = logging.getLogger("aurum.tests.services.kafka")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return logger


@pytest.mark.integration
def test_kafka_produce_consume_round_trip() -> None:
    admin = AdminClient({"bootstrap.servers": KAFKA_BOOTSTRAP, "logger": _quiet_logger()})
    try:
        admin.list_topics(timeout=5)
    except KafkaException as error:
        pytest.fail(unreachable("Kafka", KAFKA_BOOTSTRAP, error))

    topic = f"aurum.test.services.{uuid.uuid4().hex}"
    created = admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    created[topic].result(timeout=30)
    try:
        _round_trip(topic)
    finally:
        admin.delete_topics([topic])[topic].result(timeout=30)


def _round_trip(topic: str, count: int = 100) -> None:
    delivered: list[int] = []
    errors: list[KafkaError] = []

    def on_delivery(error: KafkaError | None, message) -> None:
        if error is not None:
            errors.append(error)
        else:
            delivered.append(message.offset())

    producer = Producer(
        {"bootstrap.servers": KAFKA_BOOTSTRAP, "enable.idempotence": True, "acks": "all"}
    )
    for i in range(count):
        producer.produce(topic, key=f"k{i}", value=f"message-{i}", on_delivery=on_delivery)
        producer.poll(0)
    assert producer.flush(30) == 0, "messages still queued after flush"
    assert errors == []
    assert delivered == list(range(count))

    group = f"aurum-test-{uuid.uuid4().hex}"
    consumer = Consumer(
        {
            "bootstrap.servers": KAFKA_BOOTSTRAP,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
        }
    )
    values: list[str] = []
    try:
        consumer.subscribe([topic])
        while len(values) < count:
            message = consumer.poll(30)
            assert message is not None, f"timed out after {len(values)} of {count} messages"
            assert message.error() is None, message.error()
            values.append(message.value().decode())
        consumer.commit(asynchronous=False)
        committed = consumer.committed([TopicPartition(topic, 0)], timeout=10)
    finally:
        consumer.close()

    assert values == [f"message-{i}" for i in range(count)]
    assert committed[0].offset == count
