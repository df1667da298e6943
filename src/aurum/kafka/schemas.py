"""Avro schemas: versioned `.avsc` files under `schemas/avro/`.

Landing-row schemas (one per source format, subject `aurum.landing.<format>`) are
generated from the `SourceFormat` definitions and written with
`python -m aurum.kafka.schemas --write`; a test fails when the files and the code
disagree. The DLQ and scenario request schemas are written by hand. Copies of
released versions live in `schemas/avro/released/`; the compatibility test checks
every current schema against them in both directions.
"""

from __future__ import annotations

import argparse
import json
from functools import cache
from pathlib import Path
from typing import Any

import fastavro

from aurum.sources.core.formats import ALIAS_VOCABULARIES, LMP_ALIASES, SourceFormat
from aurum.sources.core.vocabulary import vocabulary

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas" / "avro"
RELEASED_DIR = SCHEMA_DIR / "released"
LANDING_NAMESPACE = "aurum.landing"

_AVRO_TYPES: dict[str, Any] = {
    "VARCHAR": "string",
    "DOUBLE": "double",
    "BIGINT": "long",
    "INTEGER": "int",
    "BOOLEAN": "boolean",
    "DATE": {"type": "int", "logicalType": "date"},
    # Landing timestamps are naive (a published wall clock or naive UTC): local-timestamp.
    "TIMESTAMP": {"type": "long", "logicalType": "local-timestamp-micros"},
}
_ALIAS_TYPES = {
    "interval_seconds": "int",
    "iso_code": "string",
    "currency": "string",
    "uom": "string",
}


def landing_subject(format_name: str) -> str:
    return f"{LANDING_NAMESPACE}.{format_name}"


def _nullable(avro_type: Any, doc: str | None = None) -> dict[str, Any]:
    field: dict[str, Any] = {"type": ["null", avro_type], "default": None}
    if doc:
        field["doc"] = doc
    return field


def landing_schema(source_format: SourceFormat) -> dict[str, Any]:
    """The Avro record for one landed row of `source_format`: aliases, columns, provenance."""
    fields: list[dict[str, Any]] = []
    column_types = dict(source_format.columns)
    aliases = [a for a in LMP_ALIASES if source_format.aliases]
    # Aliases first; an alias that is itself a column (ISO-NE's location_id) is that
    # column, emitted once: Java Avro refuses two fields of one name.
    for alias in aliases:
        if alias in column_types:
            fields.append({"name": alias, **_nullable(_AVRO_TYPES[column_types[alias]])})
        else:
            avro_type = _ALIAS_TYPES.get(alias, "string")
            doc = "standard alias"
            if alias in ALIAS_VOCABULARIES:
                values = ", ".join(map(str, vocabulary(ALIAS_VOCABULARIES[alias])))
                doc += f"; one of {values} (vocabulary {ALIAS_VOCABULARIES[alias]})"
            fields.append({"name": alias, **_nullable(avro_type, doc)})
    for column, column_type in source_format.columns:
        if column not in aliases:
            fields.append({"name": column, **_nullable(_AVRO_TYPES[column_type])})
    fields += [
        {"name": "source_file", "type": "string", "doc": "file or request the row came from"},
        {"name": "source_row", "type": "long", "doc": "1-based data row within source_file"},
        {
            "name": "source_item",
            "type": "int",
            "default": 0,
            "doc": "which of the records decoded from that row (0 unless a row is de-pivoted)",
        },
        {
            "name": "fetched_at",
            "type": {"type": "long", "logicalType": "timestamp-micros"},
            "doc": "when the source was fetched (UTC)",
        },
    ]
    return {
        "type": "record",
        "name": source_format.name,
        "namespace": LANDING_NAMESPACE,
        "doc": source_format.description,
        "fields": fields,
    }


def schema_path(subject: str, directory: Path = SCHEMA_DIR) -> Path:
    return directory / f"{subject}.avsc"


def read_schema_file(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


@cache
def parsed_schema(subject: str) -> dict[str, Any]:
    """The current schema of `subject`, parsed for fastavro (files are the source read at run time)."""
    return fastavro.parse_schema(read_schema_file(schema_path(subject)))


def write_landing_schemas() -> list[Path]:
    from aurum.sources import FORMATS

    written = []
    for source_format in FORMATS:
        path = schema_path(landing_subject(source_format.name))
        path.write_text(json.dumps(landing_schema(source_format), indent=2) + "\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the generated landing-row Avro schemas.")
    parser.add_argument(
        "--write", action="store_true", help="(re)write schemas/avro/aurum.landing.*"
    )
    args = parser.parse_args(argv)
    if args.write:
        for path in write_landing_schemas():
            print(path.relative_to(SCHEMA_DIR.parents[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
