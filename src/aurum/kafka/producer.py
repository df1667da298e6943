"""A Kafka producer that knows whether every message was delivered."""

from __future__ import annotations

from dataclasses import dataclass, field

from confluent_kafka import KafkaError, Message, Producer

# How often produce_many serves delivery callbacks (each poll is a Python round trip).
POLL_EVERY = 1_000


class ProduceError(RuntimeError):
    """Some messages were not acknowledged by the broker."""


@dataclass
class DeliveryTally:
    delivered: int = 0
    failed: list[tuple[str | None, str]] = field(default_factory=list)

    def __call__(self, error: KafkaError | None, message: Message) -> None:
        if error is None:
            self.delivered += 1
        else:
            key = message.key().decode() if message.key() else None
            self.failed.append((key, str(error)))


class ConfirmingProducer:
    """Idempotent producer (acks=all): `flush()` raises unless every message was delivered.

    Callers produce a batch, then `flush()`; only after it returns is anything that
    depends on delivery (a watermark, an offset) allowed to move.
    """

    def __init__(self, bootstrap_servers: str, *, client_id: str = "aurum-ingest", **config):
        self._producer = Producer(
            {
                "bootstrap.servers": bootstrap_servers,
                "client.id": client_id,
                "enable.idempotence": True,
                "acks": "all",
                # Tuned with benchmarks/ingest_throughput.py (docs/kafka.md, "Producer
                # settings"): a file is produced in one burst, so the local queue holds a
                # whole large file instead of blocking at librdkafka's 100k default; lz4
                # costs the least CPU on a small machine where the broker shares the cores.
                "linger.ms": 20,
                "batch.num.messages": 10_000,
                "compression.type": "lz4",
                "queue.buffering.max.messages": 1_000_000,
                "queue.buffering.max.kbytes": 262_144,
                "message.timeout.ms": 30_000,
                **config,
            }
        )
        self.tally = DeliveryTally()
        self._pending = 0

    def produce(
        self,
        topic: str,
        value: bytes,
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        while True:
            try:
                self._producer.produce(
                    topic,
                    value=value,
                    key=key,
                    headers=list((headers or {}).items()),
                    on_delivery=self.tally,
                )
                break
            except BufferError:  # local queue full: serve callbacks, then retry this message
                self._producer.poll(0.1)
        self._pending += 1
        self._producer.poll(0)

    def produce_many(
        self,
        topic: str,
        values: list[bytes],
        keys: list[str],
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue a batch of messages (one per value/key): `produce` without its per-message
        Python overhead; delivery callbacks are served every POLL_EVERY messages."""
        header_list = list((headers or {}).items())
        produce, poll, tally = self._producer.produce, self._producer.poll, self.tally
        for n, (value, key) in enumerate(zip(values, keys, strict=True), start=1):
            while True:
                try:
                    produce(topic, value, key, on_delivery=tally, headers=header_list)
                    break
                except BufferError:  # local queue full: serve callbacks, then retry it
                    poll(0.1)
            if n % POLL_EVERY == 0:
                poll(0)
        self._pending += len(values)
        poll(0)

    def flush(self, timeout: float = 60.0) -> DeliveryTally:
        remaining = self._producer.flush(timeout)
        tally, self.tally, self._pending = self.tally, DeliveryTally(), 0
        if remaining or tally.failed:
            first = (
                tally.failed[0][1] if tally.failed else f"{remaining} still queued after {timeout}s"
            )
            raise ProduceError(
                f"{len(tally.failed) + remaining} message(s) not delivered; first: {first}"
            )
        return tally

    def close(self, timeout: float = 10.0) -> None:
        self._producer.flush(timeout)
