"""The transactional outbox on the real PostgreSQL and Kafka: a run and its request
message commit together, are published once acknowledged, and stay queued otherwise."""

from __future__ import annotations

import uuid

import pytest
from confluent_kafka import Consumer

from aurum.dbt_runner import PROJECT_DIR
from aurum.kafka.admin import ensure_topics
from aurum.kafka.codec import SUBJECT_HEADER, decode
from aurum.kafka.producer import ConfirmingProducer, ProduceError
from aurum.scenarios import store
from aurum.scenarios.models import parse_scenario
from aurum.scenarios.outbox import publish_pending
from aurum.settings import Settings
from kafka_helpers import require_kafka

pytestmark = pytest.mark.integration
SCENARIO = parse_scenario(
    (PROJECT_DIR / "examples" / "scenarios" / "demo_pjm_carbon_gas.json").read_text()
)


@pytest.fixture
def settings(pg_settings: Settings) -> Settings:
    require_kafka()
    return pg_settings


@pytest.fixture
def conn(pg):
    # Earlier tests' rows would be published too; this test owns the outbox meanwhile.
    pg.execute("update app.outbox set published_at = now() where published_at is null")
    return pg


def _outbox(conn, run_id) -> tuple:
    return conn.execute(
        "select topic, payload, headers, published_at, attempts, last_error from app.outbox"
        " where message_key = %s",
        (str(run_id),),
    ).fetchone()


def test_a_run_and_its_request_message_commit_together(settings: Settings, conn) -> None:
    tenant = f"outbox-{uuid.uuid4().hex[:8]}"
    topic = f"scenario.request.v1.test-{uuid.uuid4().hex[:8]}"
    ensure_topics(settings.kafka_bootstrap, [topic])
    scenario = store.create_scenario(conn, tenant, SCENARIO, "alice")
    run = store.create_run(conn, tenant, scenario.id, version=None, requested_by="alice",
                           dbt_target="duckdb", topic=topic)  # fmt: skip
    assert run is not None and run.status == "queued"
    row = _outbox(conn, run.id)
    assert row[0] == topic and row[3] is None
    assert row[2] == {SUBJECT_HEADER: store.SCENARIO_REQUEST_SUBJECT}
    message = decode(store.SCENARIO_REQUEST_SUBJECT, bytes(row[1]))
    assert message["run_id"] == str(run.id) and message["tenant_id"] == tenant
    assert message["assumption_version"] == 1 and message["dbt_select"] == "scenario_output"

    # Another tenant's scenario: no run and no message, nothing half-written.
    before = conn.execute("select count(*) from app.outbox").fetchone()[0]
    assert store.create_run(conn, "someone-else", scenario.id, version=None,
                            requested_by="x", dbt_target="duckdb") is None  # fmt: skip
    assert conn.execute("select count(*) from app.outbox").fetchone()[0] == before

    producer = ConfirmingProducer(settings.kafka_bootstrap, client_id="outbox-test")
    assert publish_pending(conn, producer, [topic]) == 1
    assert publish_pending(conn, producer, [topic]) == 0  # published rows are not sent again
    producer.close()
    assert _outbox(conn, run.id)[3] is not None

    consumer = Consumer({"bootstrap.servers": settings.kafka_bootstrap,
                         "group.id": f"outbox-test-{uuid.uuid4().hex[:8]}",
                         "auto.offset.reset": "earliest"})  # fmt: skip
    consumer.subscribe([topic])
    received = None
    for _ in range(30):
        received = consumer.poll(1.0)
        if received is not None and not received.error():
            break
    consumer.close()
    assert received is not None and received.key().decode() == str(run.id)
    assert dict(received.headers())[SUBJECT_HEADER].decode() == store.SCENARIO_REQUEST_SUBJECT
    assert decode(store.SCENARIO_REQUEST_SUBJECT, received.value())["request_id"] == str(
        run.request_id
    )


def test_an_unreachable_broker_leaves_the_message_queued(settings: Settings, conn) -> None:
    tenant = f"outbox-{uuid.uuid4().hex[:8]}"
    # A topic of its own: a relay of another stack on this PostgreSQL publishes only its own.
    topic = f"scenario.request.v1.test-{uuid.uuid4().hex[:8]}"
    scenario = store.create_scenario(conn, tenant, SCENARIO, None)
    run = store.create_run(conn, tenant, scenario.id, version=None, requested_by=None,
                           dbt_target="duckdb", topic=topic)  # fmt: skip
    assert run is not None
    dead = ConfirmingProducer(
        "127.0.0.1:9", client_id="outbox-dead", **{"message.timeout.ms": 1500}
    )
    with pytest.raises(ProduceError):
        publish_pending(conn, dead, [topic])
    _, _, _, published_at, attempts, last_error = _outbox(conn, run.id)
    assert published_at is None and attempts == 1 and last_error
    # The run itself is unaffected: still queued, waiting for the relay's next try.
    assert store.get_run(conn, tenant, scenario.id, run.id).status == "queued"
    conn.execute(
        "update app.outbox set published_at = now() where message_key = %s", (str(run.id),)
    )
