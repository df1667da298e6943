"""The dead-letter sink: `aurum.ingest.error.v1` → ClickHouse `<database>.ingest_errors`.

ClickHouse 18.16's Kafka engine cannot read Avro, so this small consumer does: it polls
a batch, decodes each dead letter, inserts the batch, and only then commits the offsets
(manual commits). A crash between insert and commit redelivers the batch; the rows come
back with the same message key and every view counts distinct keys, so nothing is
counted twice (docs/operations.md).

Any stage is accepted (a new stage such as `detect` needs no change here). A message
that cannot be decoded is not dropped and never retried forever: it is stored as a
dead letter of its own (source `unknown`, stage `sink`, error class
`UndecodableDeadLetter`) with the raw bytes as payload.

    aurum-ops sink [--idle-seconds N]      (settings: AURUM_KAFKA_BOOTSTRAP, AURUM_CLICKHOUSE_*)
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import Consumer, Message
from prometheus_client import Counter, Gauge

from aurum.kafka.codec import SUBJECT_HEADER, decode
from aurum.kafka.consuming import usable
from aurum.kafka.dead_letters import DLQ_SUBJECT
from aurum.kafka.topics import DLQ_TOPIC
from aurum.ops.clickhouse import quote_identifier

log = logging.getLogger("aurum.ops.dlq_sink")

COLUMNS = (
    "message_key",
    "error_id",
    "source",
    "source_format",
    "stage",
    "error_class",
    "error_message",
    "payload",
    "payload_size",
    "payload_excerpt",
    "payload_pointer",
    "source_file",
    "source_row",
    "attempt",
    "run_id",
    "occurred_at",
    "occurred_at_us",
    "kafka_topic",
    "kafka_partition",
    "kafka_offset",
    "received_at",
)
EXCERPT_CHARS = 400
BINARY_PREVIEW_BYTES = 48

# Process metrics of the sink itself (a long-running service, so in-memory is right here;
# the dead-letter counts alerts use are read from ClickHouse by the exporter).
MESSAGES = Counter(
    "aurum_dlq_sink_messages_total", "Dead-letter messages inserted into ClickHouse."
)
BATCHES = Counter("aurum_dlq_sink_batches_total", "Batches inserted and committed.")
FAILURES = Counter("aurum_dlq_sink_insert_failures_total", "Batches whose insert failed (retried).")
LAST_COMMIT = Gauge(
    "aurum_dlq_sink_last_commit_timestamp_seconds", "When the sink last committed offsets."
)


def payload_excerpt(payload: bytes | None, limit: int = EXCERPT_CHARS) -> str:
    """What an operator reads first: the text itself, or a hex preview of binary bytes."""
    if not payload:
        return ""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(ch.isprintable() or ch in "\r\n\t" for ch in text[:limit]):
        return text if len(text) <= limit else text[:limit] + "…"
    head = payload[:BINARY_PREVIEW_BYTES].hex(" ")
    more = " …" if len(payload) > BINARY_PREVIEW_BYTES else ""
    return f"<{len(payload)} bytes, binary> {head}{more}"


def _headers(message: Message) -> dict[str, str]:
    headers = message.headers() or []
    # A consumed message has a list of pairs; the client's type also allows a dict.
    pairs = list(headers.items()) if isinstance(headers, dict) else headers
    return {
        k: v.decode(errors="replace") if isinstance(v, bytes) else str(v)
        for k, v in pairs
        if v is not None
    }


def _utc_naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def row_for(message: Message, received_at: datetime) -> list[Any]:
    """One ingest_errors row for one Kafka message (undecodable ones included)."""
    raw = message.value() or b""
    raw_key = message.key()
    key = raw_key.decode(errors="replace") if isinstance(raw_key, bytes) else raw_key
    try:
        subject = _headers(message).get(SUBJECT_HEADER) or DLQ_SUBJECT
        record = decode(DLQ_SUBJECT, raw, writer_subject=subject)
    except Exception as exc:  # any decoding failure: keep the bytes, say why
        record = {
            "error_id": key or _position_key(message),
            "source": "unknown",
            "source_format": None,
            "stage": "sink",
            "error_class": "UndecodableDeadLetter",
            "error_message": f"{type(exc).__name__}: {exc}",
            "payload": raw,
            "payload_pointer": f"kafka://{message.topic()}/{message.partition()}/{message.offset()}",
            "source_file": None,
            "source_row": None,
            "attempt": 1,
            "run_id": None,
            "occurred_at": received_at,
        }
    payload = record.get("payload")
    occurred = record["occurred_at"]
    occurred = occurred if isinstance(occurred, datetime) else received_at
    return [
        key or record["error_id"] or _position_key(message),
        record["error_id"],
        record["source"],
        record.get("source_format") or "",
        record["stage"],
        record["error_class"],
        record["error_message"],
        payload or b"",
        len(payload or b""),
        payload_excerpt(payload),
        record.get("payload_pointer") or "",
        record.get("source_file") or "",
        record.get("source_row"),
        int(record.get("attempt") or 1),
        record.get("run_id") or "",
        _utc_naive(occurred).replace(microsecond=0),
        _utc_naive(occurred).microsecond,
        message.topic(),
        message.partition(),
        message.offset(),
        received_at,
    ]


def _position_key(message: Message) -> str:
    position = f"{message.topic()}/{message.partition()}/{message.offset()}"
    return "offset:" + hashlib.sha1(position.encode()).hexdigest()


@dataclass
class SinkStats:
    messages: int = 0
    batches: int = 0


class DeadLetterSink:
    """Consume the dead-letter topic into ClickHouse; offsets move only after the insert."""

    def __init__(
        self,
        client: Any,
        database: str,
        *,
        bootstrap_servers: str,
        group_id: str,
        topic: str = DLQ_TOPIC,
        batch_size: int = 500,
        consumer_config: dict[str, Any] | None = None,
        on_batch: Callable[[SinkStats], None] | None = None,
    ):
        self.client = client
        self.table = f"{quote_identifier(database)}.ingest_errors"
        self.batch_size = batch_size
        self.on_batch = on_batch
        self._assigned = False
        self.consumer = Consumer(
            {
                "bootstrap.servers": bootstrap_servers,
                "group.id": group_id,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": 10_000,
                **(consumer_config or {}),
            }
        )
        self.consumer.subscribe([topic], on_assign=self._on_assign)

    def _on_assign(self, consumer: Any, partitions: Any) -> None:
        self._assigned = True

    def insert(self, messages: Iterable[Message]) -> int:
        received_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        rows = [row_for(m, received_at) for m in messages]
        if rows:
            self.client.execute(f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES", rows)
        return len(rows)

    def run(
        self,
        *,
        max_messages: int | None = None,
        idle_seconds: float | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        retry_seconds: float = 2.0,
    ) -> SinkStats:
        """Consume until stopped, `idle_seconds` pass with nothing new once assigned, or
        `max_messages` are stored."""
        stats = SinkStats()
        idle_since = time.monotonic()
        try:
            while not should_stop() and (max_messages is None or stats.messages < max_messages):
                messages = [
                    m for m in self.consumer.consume(self.batch_size, timeout=1.0) if usable(m)
                ]
                if not messages:
                    if not self._assigned:
                        idle_since = time.monotonic()
                    elif idle_seconds is not None and time.monotonic() - idle_since >= idle_seconds:
                        break
                    continue
                idle_since = time.monotonic()
                while True:
                    try:
                        stats.messages += self.insert(messages)
                        break
                    except Exception:  # ClickHouse down or refusing: keep the batch, retry
                        FAILURES.inc()
                        log.exception("insert into %s failed; retrying", self.table)
                        if should_stop():
                            return stats  # uncommitted: the batch is redelivered next time
                        time.sleep(retry_seconds)
                self.consumer.commit(asynchronous=False)  # only after ClickHouse has the rows
                stats.batches += 1
                MESSAGES.inc(len(messages))
                BATCHES.inc()
                LAST_COMMIT.set_to_current_time()
                if self.on_batch:
                    self.on_batch(stats)
        finally:
            self.consumer.close()
        return stats
