"""Dead letters (`aurum.ingest.error.v1`): every bad record or failed fetch ends here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aurum.kafka.codec import SUBJECT_HEADER, encode
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import DLQ_TOPIC
from aurum.sources.core.vocabulary import INGEST_STAGES

DLQ_SUBJECT = DLQ_TOPIC
STAGES = INGEST_STAGES  # fetch | detect | decode | validate | encode | produce | land | run
MAX_INLINE_PAYLOAD = 1 << 20  # larger payloads travel as a pointer only
MAX_MESSAGE_CHARS = 4_000  # a reason longer than this is cut; the payload keeps the evidence


@dataclass(frozen=True)
class DeadLetter:
    source: str
    stage: str
    error_class: str
    error_message: str
    payload: bytes | None = None
    payload_pointer: str | None = None
    source_format: str | None = None
    source_file: str | None = None
    source_row: int | None = None
    attempt: int = 1
    run_id: str | None = None

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"unknown stage {self.stage!r}; expected one of {STAGES}")

    def to_record(self, occurred_at: datetime | None = None) -> dict[str, Any]:
        payload = self.payload
        pointer = self.payload_pointer
        message = self.error_message
        if len(message) > MAX_MESSAGE_CHARS:
            message = f"{message[:MAX_MESSAGE_CHARS]}… [{len(message):,} characters]"
        if payload is not None and len(payload) > MAX_INLINE_PAYLOAD:
            payload = None
            pointer = pointer or self.source_file
        return {
            "error_id": str(uuid.uuid4()),
            "source": self.source,
            "source_format": self.source_format,
            "stage": self.stage,
            "error_class": self.error_class,
            "error_message": message,
            "payload": payload,
            "payload_pointer": pointer,
            "source_file": self.source_file,
            "source_row": self.source_row,
            "attempt": self.attempt,
            "run_id": self.run_id,
            "occurred_at": occurred_at or datetime.now(UTC),
        }


def publish(producer: ConfirmingProducer, letter: DeadLetter) -> None:
    """Queue one dead letter; the caller's `flush()` confirms it with the rest of the batch."""
    record = letter.to_record()
    producer.produce(
        DLQ_TOPIC,
        encode(DLQ_SUBJECT, record),
        key=record["error_id"],
        headers={SUBJECT_HEADER: DLQ_SUBJECT},
    )
