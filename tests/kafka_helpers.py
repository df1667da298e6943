"""Helpers for tests on the real local Kafka (started by scripts/services/up.sh)."""

from __future__ import annotations

import time
import uuid

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

from aurum.settings import Settings


def bootstrap() -> str:
    return Settings().kafka_bootstrap


def require_kafka() -> AdminClient:
    admin = AdminClient({"bootstrap.servers": bootstrap()})
    try:
        admin.list_topics(timeout=10)
    except Exception as exc:  # the suite must fail loudly, not skip, without services
        raise AssertionError(
            f"Kafka is not reachable at {bootstrap()}: run scripts/services/up.sh ({exc})"
        ) from exc
    return admin


TRANSIENT = {
    KafkaError.NOT_LEADER_FOR_PARTITION,
    KafkaError.LEADER_NOT_AVAILABLE,
    KafkaError.UNKNOWN_TOPIC_OR_PART,
    KafkaError._TIMED_OUT,
    KafkaError._TRANSPORT,
}


def _high_watermark(consumer: Consumer, partition: TopicPartition, timeout: float = 60.0) -> int:
    """A just-started broker answers NOT_LEADER for a while after metadata shows a leader."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return consumer.get_watermark_offsets(partition, timeout=10)[1]
        except KafkaException as exc:
            error = exc.args[0]
            transient = error.retriable() or error.code() in TRANSIENT
            if not transient or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def fresh_group(topics: list[str]) -> str:
    """A consumer group whose committed offsets are the topics' current ends.

    The topics are shared by every run on this broker; a group that starts at the
    end sees only what the test produces next.
    """
    group = f"aurum-test-{uuid.uuid4().hex[:12]}"
    consumer = Consumer({"bootstrap.servers": bootstrap(), "group.id": group})
    try:
        metadata = consumer.list_topics(timeout=10)
        offsets = []
        for topic in topics:
            for partition in (
                metadata.topics.get(topic).partitions if topic in metadata.topics else {}
            ):
                high = _high_watermark(consumer, TopicPartition(topic, partition))
                offsets.append(TopicPartition(topic, partition, high))
        if offsets:
            consumer.commit(offsets=offsets, asynchronous=False)
    finally:
        consumer.close()
    return group
