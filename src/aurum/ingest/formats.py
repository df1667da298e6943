"""Source formats: the landing-table contract each decoder fulfils."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from aurum.ingest.records import Decoded

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


@dataclass(frozen=True)
class SourceFormat:
    """One published file format and the landing table it decodes into.

    name:      landing table name, `<iso>_<dataset>` (e.g. `pjm_dataminer_lmp`)
    iso:       ISO code in upper case (`PJM`)
    columns:   ordered (column, DuckDB type) pairs the decoder fills
    filename:  regex matched against the file's base name (or a URL's last segment)
    decode:    bytes + source name -> Records and Rejections
    aliases:   standard field -> landing column, or `=literal` for a constant; LMP
               formats alias every name in LMP_ALIASES. These are labels as
               published (e.g. market = the publisher's dataset label), never meaning:
               dbt still derives markets, ids and times from the columns.
    """

    name: str
    iso: str
    description: str
    columns: tuple[tuple[str, str], ...]
    filename: str
    decode: Callable[[bytes, str], Iterator[Decoded]]
    aliases: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        for column, column_type in self.columns:
            if column_type not in LANDING_TYPES:
                raise ValueError(f"{self.name}.{column}: unsupported landing type {column_type}")
        names = set(self.column_names)
        for alias, expression in self.aliases.items():
            if not expression.startswith("=") and expression not in names:
                raise ValueError(f"{self.name}: alias {alias} names unknown column {expression}")

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

    def matches(self, source_name: str) -> bool:
        base = source_name.rsplit("/", 1)[-1]
        return re.search(self.filename, base, flags=re.IGNORECASE) is not None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column for column, _ in self.columns)
