"""Source formats: the landing-table contract each decoder fulfils."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aurum.ingest.records import Decoded

# Landing column types are DuckDB type names; dbt sources describe the same columns.
LANDING_TYPES = frozenset(
    {"VARCHAR", "DOUBLE", "BIGINT", "INTEGER", "DATE", "TIMESTAMP", "BOOLEAN"}
)

# Provenance columns every landing table carries, after the format's own columns.
PROVENANCE_COLUMNS = (
    ("_source_file", "VARCHAR"),
    ("_source_row", "BIGINT"),
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
    """

    name: str
    iso: str
    description: str
    columns: tuple[tuple[str, str], ...]
    filename: str
    decode: Callable[[bytes, str], Iterator[Decoded]]

    def __post_init__(self) -> None:
        for column, column_type in self.columns:
            if column_type not in LANDING_TYPES:
                raise ValueError(f"{self.name}.{column}: unsupported landing type {column_type}")

    def matches(self, source_name: str) -> bool:
        base = source_name.rsplit("/", 1)[-1]
        return re.search(self.filename, base, flags=re.IGNORECASE) is not None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column for column, _ in self.columns)
