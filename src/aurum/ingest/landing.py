"""Write decoded rows into the embedded warehouse's landing tables (DuckDB).

One landing table per source format (schema `landing`), plus
`landing.rejected_rows` for rows a decoder could not read. Loading a file replaces
whatever an earlier load of the same file wrote, inside one transaction, so a
reload is idempotent and a failed load leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from aurum.sources.core.formats import PROVENANCE_COLUMNS, SourceFormat
from aurum.sources.core.records import Decoded, Record, Rejection, number_items

LANDING_SCHEMA = "landing"
REJECTED_TABLE = "rejected_rows"
REJECTED_COLUMNS = (
    ("source_format", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("source_row", "BIGINT"),
    ("reason", "VARCHAR"),
    ("payload", "VARCHAR"),
    ("rejected_at", "TIMESTAMP"),
    # decode | validate | fetch | … (aurum.kafka.dead_letters.STAGES); error_id is the
    # dead letter's id when the row came through the Kafka dead-letter topic.
    ("stage", "VARCHAR"),
    ("error_id", "VARCHAR"),
)

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOLEAN": pa.bool_(),
}


@dataclass(frozen=True)
class LandingResult:
    source_format: str
    source_file: str
    rows: int
    rejected: int


def landing_table(conn: duckdb.DuckDBPyConnection, table: str) -> str:
    """Catalog-qualified name: a database file called e.g. `landing.duckdb` would
    otherwise make `landing.<table>` ambiguous (catalog vs schema)."""
    catalog = conn.execute("select current_database()").fetchone()[0]
    return f'"{catalog}".{LANDING_SCHEMA}.{table}'


def _create_table(conn: duckdb.DuckDBPyConnection, table: str, columns) -> None:
    ddl = ", ".join(f'"{name}" {column_type}' for name, column_type in columns)
    conn.execute(f"create table if not exists {landing_table(conn, table)} ({ddl})")


def ensure_landing_tables(conn: duckdb.DuckDBPyConnection, formats: Iterable[SourceFormat]) -> None:
    """Create every landing table, empty, so dbt sources exist before any file arrives."""
    catalog = conn.execute("select current_database()").fetchone()[0]
    conn.execute(f'create schema if not exists "{catalog}".{LANDING_SCHEMA}')
    for source_format in formats:
        _create_table(conn, source_format.name, (*source_format.columns, *PROVENANCE_COLUMNS))
    _create_table(conn, REJECTED_TABLE, REJECTED_COLUMNS)


def arrow_table(columns, rows: list[list]) -> pa.Table:
    arrays = [
        pa.array([row[i] for row in rows], type=_ARROW_TYPES[column_type])
        for i, (_, column_type) in enumerate(columns)
    ]
    return pa.Table.from_arrays(arrays, names=[name for name, _ in columns])


def land_decoded(
    conn: duckdb.DuckDBPyConnection,
    source_format: SourceFormat,
    source_file: str,
    decoded: Iterable[Decoded],
    loaded_at: datetime | None = None,
) -> LandingResult:
    """Replace `source_file`'s rows in the format's landing table with `decoded`."""
    loaded_at = loaded_at or datetime.now(UTC).replace(tzinfo=None)
    names = source_format.column_names
    rows: list[list] = []
    rejected: list[list] = []
    for item in number_items(decoded):
        if isinstance(item, Record):
            rows.append(
                [item.values.get(name) for name in names]
                + [source_file, item.row_number, item.item, loaded_at]
            )
        elif isinstance(item, Rejection):
            rejected.append(
                [
                    source_format.name,
                    source_file,
                    item.row_number,
                    item.reason,
                    item.payload,
                    loaded_at,
                    "decode",
                    None,
                ]
            )
        else:  # pragma: no cover - a decoder bug, not bad input
            raise TypeError(f"decoder yielded {type(item).__name__}")

    table = landing_table(conn, source_format.name)
    rejected_table = landing_table(conn, REJECTED_TABLE)
    conn.execute("begin transaction")
    try:
        conn.execute(f"delete from {table} where _source_file = ?", [source_file])
        conn.execute(
            f"delete from {rejected_table} where source_format = ? and source_file = ?",
            [source_format.name, source_file],
        )
        if rows:
            batch = arrow_table((*source_format.columns, *PROVENANCE_COLUMNS), rows)
            conn.register("_landing_batch", batch)
            conn.execute(f"insert into {table} by name select * from _landing_batch")
            conn.unregister("_landing_batch")
        if rejected:
            batch = arrow_table(REJECTED_COLUMNS, rejected)
            conn.register("_rejected_batch", batch)
            conn.execute(f"insert into {rejected_table} by name select * from _rejected_batch")
            conn.unregister("_rejected_batch")
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return LandingResult(source_format.name, source_file, len(rows), len(rejected))
