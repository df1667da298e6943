"""Run a staging model's compiled SQL on DuckDB over landing rows built in Python.

The time conventions live in the staging models' SQL. A dbt build per example would be
far too slow for property-based tests, so this reads the SQL dbt compiled for the demo
build (`target/compiled/…`, every macro expanded) and runs it in a fresh in-memory
DuckDB whose catalog has the demo warehouse's name, with the model's landing table
holding just the rows a test gives. The SQL under test is exactly what dbt runs.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import FORMATS, format_named
from aurum.sources.core.records import Record


class StagingHarness:
    def __init__(self, target_dir: Path, catalog: str = "aurum"):
        self.compiled = target_dir / "compiled" / "aurum" / "models" / "staging"
        self.catalog = catalog
        self._sql: dict[str, str] = {}

    def sql(self, model: str) -> str:
        if model not in self._sql:
            (path,) = self.compiled.rglob(f"{model}.sql")
            self._sql[model] = path.read_text()
        return self._sql[model]

    def run(
        self,
        model: str,
        format_name: str,
        rows: list[dict[str, Any]] | list[Record],
        source_file: str = "file.csv",
    ) -> list[dict[str, Any]]:
        """The model's rows for `rows` landed as `source_file` (row numbers in order)."""
        source_format = format_named(format_name)
        records = [
            r if isinstance(r, Record) else Record(number, r) for number, r in enumerate(rows, 1)
        ]
        with duckdb.connect() as conn:
            conn.execute(f"attach ':memory:' as {self.catalog}")
            conn.execute(f"use {self.catalog}")
            ensure_landing_tables(conn, [f for f in FORMATS if f.name == format_name])
            land_decoded(conn, source_format, source_file, records, datetime(2026, 1, 1))
            cursor = conn.execute(self.sql(model))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
