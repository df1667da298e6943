"""Reading the Avro that SeaTunnel 2.3.8's Kafka sink writes (`format = "avro"`).

SeaTunnel derives the writer schema from the job's row type, not from our `.avsc`:
field names and order are the Sql transform's select list (the templates keep them equal
to `aurum.landing.<format>`), but every field is a plain, non-nullable type (no
`["null", T]` union, so a null value fails the job) and timestamps are milliseconds
(`timestamp` → local-timestamp-millis). Messages carry no headers and no schema id, so
the topic must say which format it holds: SeaTunnel jobs write one-format topics
(`aurum.seatunnel.<format>.v1`, docs/seatunnel.md).
"""

from __future__ import annotations

import copy
import io
from typing import Any, cast

import fastavro

from aurum.kafka.schemas import landing_subject, read_schema_file, schema_path

SEATUNNEL_TOPIC_PREFIX = "aurum.seatunnel."
_MILLIS = {
    "timestamp-micros": "timestamp-millis",
    "local-timestamp-micros": "local-timestamp-millis",
}


def seatunnel_topic(format_name: str) -> str:
    return f"{SEATUNNEL_TOPIC_PREFIX}{format_name}.v1"


def format_of_topic(topic: str) -> str | None:
    """`aurum.seatunnel.<format>.v1` → `<format>`; None for any other topic."""
    if topic.startswith(SEATUNNEL_TOPIC_PREFIX) and topic.endswith(".v1"):
        return topic[len(SEATUNNEL_TOPIC_PREFIX) : -len(".v1")]
    return None


def _plain(kind: Any) -> Any:
    if isinstance(kind, list):
        (kind,) = [k for k in kind if k != "null"]
    if isinstance(kind, dict) and kind.get("logicalType") in _MILLIS:
        return {"type": "long", "logicalType": _MILLIS[kind["logicalType"]]}
    return kind


def writer_schema(schema: dict) -> dict:
    """The schema SeaTunnel writes for a row type with `schema`'s fields (see module doc)."""
    out = copy.deepcopy(schema)
    seen = set()
    fields = []
    for field in out["fields"]:
        if field["name"] in seen:  # a repeated name is one SeaTunnel column
            continue
        seen.add(field["name"])
        field["type"] = _plain(field["type"])
        field.pop("default", None)
        fields.append(field)
    out["fields"] = fields
    return out


def landing_writer_schema(format_name: str) -> dict:
    return writer_schema(read_schema_file(schema_path(landing_subject(format_name))))


def decode(schema: dict, payload: bytes) -> dict[str, Any]:
    """One SeaTunnel-written message; refuses trailing bytes (a schema that does not fit)."""
    buffer = io.BytesIO(payload)
    record = fastavro.schemaless_reader(buffer, fastavro.parse_schema(schema), None)
    if buffer.tell() != len(payload):
        raise ValueError(f"{len(payload) - buffer.tell()} bytes left after the record")
    return cast(dict[str, Any], record)  # a record schema decodes to a dict


def decode_landing(format_name: str, payload: bytes) -> dict[str, Any]:
    return decode(landing_writer_schema(format_name), payload)


def encode(schema: dict, record: dict[str, Any]) -> bytes:
    """A record as SeaTunnel's Kafka source expects it (for producers feeding SeaTunnel)."""
    out = io.BytesIO()
    fastavro.schemaless_writer(out, fastavro.parse_schema(schema), record)
    return out.getvalue()
