"""Helpers for tests on the real local Kafka (started by scripts/services/up.sh)."""

from __future__ import annotations

import uuid

from confluent_kafka import Consumer, TopicPartition
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
                _, high = consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                offsets.append(TopicPartition(topic, partition, high))
        if offsets:
            consumer.commit(offsets=offsets, asynchronous=False)
    finally:
        consumer.close()
    return group
