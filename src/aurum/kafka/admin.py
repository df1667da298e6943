"""Topic administration."""

from __future__ import annotations

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
    return created


def all_topics() -> list[str]:
    from aurum.ingest.kafka_landing import landing_topics
    from aurum.kafka.topics import SCENARIO_REQUEST_TOPIC

    return [*landing_topics(), SCENARIO_REQUEST_TOPIC]
