"""The Iceberg JDBC catalog Trino uses, opened from Python (pyiceberg's SqlCatalog).

Trino (scripts/services/trino.sh) keeps its Iceberg catalog in PostgreSQL tables
`iceberg_tables` / `iceberg_namespace_properties` (schema V1, with iceberg_type);
pyiceberg's SqlCatalog reads and writes the same rows, so a table this package creates
or appends to is the table Trino queries, with no copy in between.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import cast

import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.table import Table

from aurum.ingest.landing import LANDING_SCHEMA, REJECTED_COLUMNS, REJECTED_TABLE, arrow_table
from aurum.paths import project_root
from aurum.settings import Settings
from aurum.sources.core.formats import PROVENANCE_COLUMNS, SourceFormat

# Landing files are written by the lander in batches; readers prune them by the min/max
# statistics of each file, so string columns that identify rows keep full statistics
# (Iceberg truncates strings to 16 characters by default, and landing file names share
# long prefixes).
# The checkout (aurum.paths; not dbt_runner.PROJECT_DIR: importing dbt costs the lander seconds).
CHECKOUT = project_root()

LANDING_TABLE_PROPERTIES = {
    "write.parquet.compression-codec": "zstd",
    "write.metadata.metrics.column._source_file": "full",
}


def catalog_name(settings: Settings) -> str:
    if settings.trino.iceberg_catalog_name:
        return settings.trino.iceberg_catalog_name
    # The same default as scripts/services/trino.sh: one catalog per checkout.
    return "aurum_" + hashlib.sha1(str(CHECKOUT).encode()).hexdigest()[:8]


def warehouse(settings: Settings) -> str:
    return settings.iceberg_warehouse or f"file://{CHECKOUT}/var/trino/warehouse"


def open_catalog(settings: Settings | None = None) -> SqlCatalog:
    settings = settings or Settings()
    dsn = settings.pg_dsn
    if dsn.startswith("postgresql://"):
        dsn = "postgresql+psycopg://" + dsn.removeprefix("postgresql://")
    separator = "&" if "?" in dsn else "?"
    uri = f"{dsn}{separator}options=-csearch_path%3D{settings.trino.pg_schema}"
    # init_catalog_tables off: trino.sh creates them in the V1 layout Trino expects.
    return SqlCatalog(
        catalog_name(settings),
        uri=uri,
        warehouse=warehouse(settings),
        init_catalog_tables="false",
    )


def arrow_schema(columns: Iterable[tuple[str, str]]) -> pa.Schema:
    return arrow_table(tuple(columns), []).schema


def landing_columns(table: str, formats: dict[str, SourceFormat]) -> tuple[tuple[str, str], ...]:
    if table == REJECTED_TABLE:
        return REJECTED_COLUMNS
    columns = cast(tuple[tuple[str, str], ...], formats[table].columns)  # (name, type) pairs
    return (*columns, *PROVENANCE_COLUMNS)


def ensure_landing_table(catalog: Catalog, table: str, formats: dict[str, SourceFormat]) -> Table:
    """The Iceberg landing table `landing.<table>`, created empty when missing.

    Same columns and types as the DuckDB landing table (aurum.ingest.landing), so the dbt
    sources read either engine's landing alike.
    """
    catalog.create_namespace_if_not_exists(LANDING_SCHEMA)
    return catalog.create_table_if_not_exists(
        f"{LANDING_SCHEMA}.{table}",
        schema=arrow_schema(landing_columns(table, formats)),
        properties=LANDING_TABLE_PROPERTIES,
    )


def ensure_landing_tables(catalog: Catalog, formats: dict[str, SourceFormat]) -> dict[str, Table]:
    """Every landing table, empty when new, so dbt's sources exist before data arrives."""
    return {
        name: ensure_landing_table(catalog, name, formats) for name in [*formats, REJECTED_TABLE]
    }
