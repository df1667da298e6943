"""Avro encoding of landing rows, dead letters and scenario requests (schemaless binary;
the writer schema is named by the message's `aurum.subject` header)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import fastavro

from aurum.kafka.schemas import landing_subject, parsed_schema
from aurum.sources.core.formats import SourceFormat
from aurum.sources.core.records import Record

SUBJECT_HEADER = "aurum.subject"
FORMAT_HEADER = "aurum.format"


class EncodeError(ValueError):
    """A record that does not fit its schema (wrong type, missing required field)."""


def encode(subject: str, record: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    try:
        fastavro.schemaless_writer(out, parsed_schema(subject), record)
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise EncodeError(f"{subject}: {exc}") from exc
    return out.getvalue()


def decode(subject: str, payload: bytes, writer_subject: str | None = None) -> dict[str, Any]:
    """Read with the current schema of `subject`; `writer_subject` when it was written with another."""
    writer = parsed_schema(writer_subject or subject)
    return fastavro.schemaless_reader(io.BytesIO(payload), writer, parsed_schema(subject))


def landing_message(
    source_format: SourceFormat, record: Record, source_file: str, fetched_at: datetime
) -> dict[str, Any]:
    return {
        **source_format.alias_values(record.values),
        **record.values,
        "source_file": source_file,
        "source_row": record.row_number,
        "source_item": record.item,
        "fetched_at": fetched_at,
    }


def encode_landing(
    source_format: SourceFormat, record: Record, source_file: str, fetched_at: datetime
) -> bytes:
    message = landing_message(source_format, record, source_file, fetched_at)
    return encode(landing_subject(source_format.name), message)


def landing_headers(source_format: SourceFormat) -> dict[str, str]:
    return {FORMAT_HEADER: source_format.name, SUBJECT_HEADER: landing_subject(source_format.name)}
