"""What every consumer loop of Aurum (the DuckDB and Iceberg landers, the dead-letter
sink) does with a polled message that carries an error instead of data."""

from __future__ import annotations

import logging

from confluent_kafka import KafkaError, Message

log = logging.getLogger("aurum.kafka")


def usable(message: Message) -> bool:
    """True for a message with data. A fatal consumer error raises; transient ones
    (coordinator loading, partition EOF, rebalance) are retried by librdkafka itself, so
    they are only logged (partition EOF not even that)."""
    error = message.error()
    if error is None:
        return True
    if error.fatal():
        raise RuntimeError(f"Kafka consumer error: {error}")
    if error.code() != KafkaError._PARTITION_EOF:
        log.warning("kafka: %s", error)
    return False
