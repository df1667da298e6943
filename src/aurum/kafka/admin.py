"""Topic administration."""

from __future__ import annotations

import time
from collections.abc import Iterable

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic


def ensure_topics(bootstrap_servers: str, topics: Iterable[str], partitions: int = 1) -> list[str]:
    """Create the topics that do not exist yet; returns the ones created. Idempotent."""
    admin = AdminClient({"bootstrap.servers": bootstrap_servers})
    existing = set(admin.list_topics(timeout=10).topics)
    new = [
        NewTopic(t, num_partitions=partitions, replication_factor=1)
        for t in topics
        if t not in existing
    ]
    created = []
    for topic, future in (admin.create_topics(new) if new else {}).items():
        try:
            future.result()
            created.append(topic)
        except KafkaException as exc:  # created meanwhile by another process: fine
            if "TOPIC_ALREADY_EXISTS" not in str(exc):
                raise
    _wait_for_leaders(admin, list(topics))
    return created


def _wait_for_leaders(admin: AdminClient, topics: list[str], timeout: float = 30.0) -> None:
    """A new topic is usable once each partition has a leader; until then reads fail."""
    deadline = time.monotonic() + timeout
    while True:
        metadata = admin.list_topics(timeout=10).topics
        waiting = [
            t
            for t in topics
            if t not in metadata
            or not metadata[t].partitions
            or any(p.leader < 0 for p in metadata[t].partitions.values())
        ]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics without a partition leader after {timeout}s: {waiting}")
        time.sleep(0.2)


def all_topics() -> list[str]:
    from aurum.kafka.topics import SCENARIO_REQUEST_TOPIC, landing_topics

    return [*landing_topics(), SCENARIO_REQUEST_TOPIC]
