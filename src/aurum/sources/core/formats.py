"""Source formats: how a published file is recognised, decoded and landed.

A `SourceFormat` is the one place a format is described: its signature (what in the
bytes identifies it), its decoder, its landing columns with their documentation, the
standard LMP aliases, and the dbt source and staging models it feeds. The dbt
`_<source>__sources.yml` files, the LMP union list and the Avro landing schemas are
generated from these declarations (aurum.sources.generate, aurum.kafka.schemas).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from aurum.sources.core.records import Decoded
from aurum.sources.core.signatures import Signature

# Landing column types are DuckDB type names; dbt sources describe the same columns.
LANDING_TYPES = frozenset(
    {"VARCHAR", "DOUBLE", "BIGINT", "INTEGER", "DATE", "TIMESTAMP", "BOOLEAN"}
)

# The roadmap's standard fields every LMP message carries beside its own columns, so a
# consumer (or a SeaTunnel job) can route and inspect any ISO's rows the same way.
LMP_ALIASES = (
    "iso_code",
    "location_id",
    "location_name",
    "location_type",
    "market",
    "currency",
    "uom",
    "interval_seconds",
)

# Aliases bound to a vocabulary (aurum.sources.core.vocabulary): the Avro schemas name the
# registry's values in these fields' docs and validation refuses any other value.
ALIAS_VOCABULARIES = {"iso_code": "iso_code", "currency": "currency", "uom": "energy_unit"}


def lmp_aliases(
    iso_code: str,
    *,
    location_id: str,
    location_name: str,
    market: str,
    location_type: str | None = None,
    interval_seconds: int | None = None,
) -> dict[str, str]:
    """LMP alias mapping; prices are USD per MWh at every ISO."""
    return {
        "iso_code": f"={iso_code}",
        "location_id": location_id,
        "location_name": location_name,
        "location_type": location_type or "=",  # "=" alone is null
        "market": market,
        "currency": "=USD",
        "uom": "=MWh",
        "interval_seconds": f"={interval_seconds}" if interval_seconds else "=",
    }


# Provenance columns every landing table carries, after the format's own columns.
PROVENANCE_COLUMNS = (
    ("_source_file", "VARCHAR"),
    ("_source_row", "BIGINT"),
    ("_source_item", "INTEGER"),
    ("_loaded_at", "TIMESTAMP"),
)
PROVENANCE_DOCS = {
    "_source_file": "The file the row was landed from (path as landed, or the catalog's name).",
    "_source_row": "Row of the file the record came from (data rows from 1; see the format).",
    "_source_item": "Which of the records decoded from that row (0 unless a row de-pivots).",
    "_loaded_at": "When the file was landed (UTC).",
}


@dataclass(frozen=True)
class DbtSource:
    """Where a format's landing table appears in dbt.

    source:   the dbt source it is a table of (`landing_<folder>`); its YAML is generated
              into `models/staging/<folder>/_<folder>__sources.yml`
    staging:  the staging models that read it; for LMP formats these feed the union
    """

    source: str
    staging: tuple[str, ...]

    @property
    def folder(self) -> str:
        return self.source.removeprefix("landing_")


@dataclass(frozen=True)
class SourceFormat:
    """One published file format and the landing table it decodes into.

    name:        landing table name, `<iso>_<dataset>` (e.g. `pjm_dataminer_lmp`)
    iso:         ISO code in upper case (`PJM`), or the agency (`ECB`, `EIA` …)
    columns:     ordered (column, DuckDB type[, description]) the decoder fills
    signature:   what in the bytes claims a file for this format (core.signatures)
    decode:      bytes + source name -> Records and Rejections
    dbt:         the dbt source table and staging models it feeds
    name_hint:   regex on the file's base name, used only to break a tie between two
                 formats whose signatures both claim a file
    aliases:     standard field -> landing column, or `=literal` for a constant; LMP
                 formats alias every name in LMP_ALIASES. These are labels as
                 published (e.g. market = the publisher's dataset label), never meaning:
                 dbt still derives markets, ids and times from the columns.
    accepted:    column -> the values a dbt accepted_values test allows: a vocabulary
                 name (aurum.sources.core.vocabulary) or a tuple of literals
    decode_batch: optional columnar decoder for the fast publish path: bytes + source
                 name -> an Arrow table of exactly the records `decode` yields (plus
                 `_row`, `_item`), or None for any file it does not read cleanly (the
                 row decoder then decides). aurum.ingest.batches describes the table.
    """

    name: str
    iso: str
    description: str
    columns: tuple[tuple[str, ...], ...]
    signature: Signature
    decode: Callable[[bytes, str], Iterator[Decoded]]
    dbt: DbtSource
    name_hint: str | None = None
    aliases: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    decode_batch: Callable[[bytes, str], Any] | None = field(
        default=None, hash=False, compare=False
    )
    accepted: Mapping[str, str | tuple] = field(default_factory=dict, hash=False, compare=False)
    column_docs: Mapping[str, str] = field(
        default_factory=dict, init=False, hash=False, compare=False
    )

    def __post_init__(self) -> None:
        docs = {}
        pairs = []
        for column in self.columns:
            name, column_type, *doc = column
            if column_type not in LANDING_TYPES:
                raise ValueError(f"{self.name}.{name}: unsupported landing type {column_type}")
            pairs.append((name, column_type))
            if doc:
                docs[name] = doc[0]
        object.__setattr__(self, "columns", tuple(pairs))
        object.__setattr__(self, "column_docs", docs)
        names = set(self.column_names)
        for alias, expression in self.aliases.items():
            if not expression.startswith("=") and expression not in names:
                raise ValueError(f"{self.name}: alias {alias} names unknown column {expression}")
        for column in self.accepted:
            if column not in names:
                raise ValueError(f"{self.name}: accepted values for unknown column {column}")

    @property
    def publisher(self) -> str:
        """The package under aurum.sources that holds this format (`nyiso`, `ecb` …)."""
        return self.iso.lower()

    @property
    def is_lmp(self) -> bool:
        """LMP formats carry the standard aliases and feed the LMP union."""
        return bool(self.aliases)

    @cached_property
    def _alias_plan(self) -> tuple[tuple[str, str | None, Any], ...]:
        """(alias, column to read or None, constant) — parsed once, used per row."""
        plan = []
        for alias, expression in self.aliases.items():
            if expression == "=":
                plan.append((alias, None, None))
            elif expression.startswith("="):
                literal = expression[1:]
                plan.append((alias, None, int(literal) if alias == "interval_seconds" else literal))
            else:
                plan.append((alias, expression, None))
        return tuple(plan)

    def alias_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The alias fields for one landed row (constants as strings, except interval_seconds)."""
        out: dict[str, Any] = {}
        for alias, column, constant in self._alias_plan:
            if column is None:
                out[alias] = constant
            else:
                value = values.get(column)
                out[alias] = None if value is None else str(value)
        return out

    def name_matches(self, source_name: str) -> bool:
        """Whether the base name carries this format's hint (a tie-breaker only)."""
        if not self.name_hint:
            return False
        base = source_name.replace("\\", "/").rsplit("/", 1)[-1]
        return re.search(self.name_hint, base, flags=re.IGNORECASE) is not None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column for column, _ in self.columns)
