"""dbt's landing sources and the Python source formats describe the same tables."""

from __future__ import annotations

from pathlib import Path

import yaml

from aurum.ingest.landing import REJECTED_COLUMNS, REJECTED_TABLE
from aurum.sources import FORMATS
from aurum.sources.core.formats import PROVENANCE_COLUMNS

MODELS = Path(__file__).resolve().parents[2] / "models"


def _landing_sources() -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    for path in MODELS.rglob("_*__sources.yml"):
        for source in yaml.safe_load(path.read_text()).get("sources", []):
            if source.get("schema") != "landing":
                continue
            for table in source["tables"]:
                assert table["name"] not in tables, f"{table['name']} declared twice"
                tables[table["name"]] = [c["name"] for c in table.get("columns", [])]
    return tables


def test_every_format_is_a_dbt_source_with_the_same_columns_in_order():
    declared = _landing_sources()
    for source_format in FORMATS:
        expected = [*source_format.column_names, *(name for name, _ in PROVENANCE_COLUMNS)]
        assert declared.get(source_format.name) == expected, source_format.name


def test_the_rejected_rows_table_is_declared_as_written():
    assert _landing_sources()[REJECTED_TABLE] == [name for name, _ in REJECTED_COLUMNS]


def test_no_source_is_declared_that_no_decoder_writes():
    written = {f.name for f in FORMATS} | {REJECTED_TABLE}
    assert set(_landing_sources()) <= written
