"""Schema compatibility, checked by actually resolving data: records written with one
schema must be readable with the other (Avro schema resolution, via fastavro)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

import fastavro
from fastavro.read import SchemaResolutionError

_SAMPLES: dict[str, Any] = {
    "string": "x",
    "bytes": b"x",
    "int": 7,
    "long": 7,
    "float": 1.5,
    "double": 1.5,
    "boolean": True,
}


def _sample(avro_type: Any, *, prefer_null: bool) -> Any:
    if isinstance(avro_type, list):
        if prefer_null and "null" in avro_type:
            return None
        branch = next(t for t in avro_type if t != "null")
        return _sample(branch, prefer_null=prefer_null)
    if isinstance(avro_type, dict):
        logical = avro_type.get("logicalType")
        if logical == "date":
            return date(2025, 1, 2)
        if logical == "timestamp-micros":
            return datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
        if logical == "local-timestamp-micros":
            return datetime(2025, 1, 2, 3, 4, 5)
        if avro_type["type"] == "record":
            return {
                f["name"]: _sample(f["type"], prefer_null=prefer_null) for f in avro_type["fields"]
            }
        if avro_type["type"] == "enum":
            return avro_type["symbols"][0]
        if avro_type["type"] == "array":
            return [_sample(avro_type["items"], prefer_null=prefer_null)]
        if avro_type["type"] == "map":
            return {"k": _sample(avro_type["values"], prefer_null=prefer_null)}
        return _sample(avro_type["type"], prefer_null=prefer_null)
    return _SAMPLES[avro_type]


def can_read(writer: dict[str, Any], reader: dict[str, Any]) -> list[str]:
    """Problems met reading `writer` data with `reader` (empty when compatible)."""
    parsed_writer = fastavro.parse_schema(writer)
    parsed_reader = fastavro.parse_schema(reader)
    problems = []
    for prefer_null in (True, False):
        record = _sample(writer, prefer_null=prefer_null)
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, parsed_writer, record)
        buffer.seek(0)
        try:
            fastavro.schemaless_reader(buffer, parsed_writer, parsed_reader)
        except (SchemaResolutionError, KeyError, ValueError, TypeError) as exc:
            problems.append(f"{'null' if prefer_null else 'filled'} record: {exc}")
    return problems


def full_compatibility(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Backward (new readers read old data) and forward (old readers read new data)."""
    return [f"backward: {p}" for p in can_read(old, new)] + [
        f"forward: {p}" for p in can_read(new, old)
    ]
