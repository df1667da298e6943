"""Write decoded rows into the embedded warehouse's landing tables (DuckDB).

One landing table per source format (schema `landing`), plus
`landing.rejected_rows` for rows a decoder could not read and `landing.landed_files`,
the ledger of every file landed (docs/ingestion.md, "What identifies a landed file"):

- a file is identified by its content: the SHA-256 of its bytes. The same bytes landed
  again, under any name or from any folder, change nothing (`land_file` reports them
  as unchanged);
- its rows are keyed by the name it was landed under (`_source_file`, the path as
  given). A new file under the same name replaces what the earlier one landed, in one
  transaction, but only when it lands at least one row: an empty or wholly rejected
  file records its rejections and leaves the earlier rows where they were;
- files under different names are never merged or dropped here: revisions of the same
  interval are resolved in dbt (latest version, then latest load).

Reasons and payloads of rejected rows are truncated (REASON_CHARS, PAYLOAD_CHARS) with
a pointer to the row in the raw file, which stays the full record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from aurum.sources import Ambiguous, DetectError, detect
from aurum.sources.core.formats import PROVENANCE_COLUMNS, SourceFormat
from aurum.sources.core.records import Decoded, Record, Rejection, number_items

REASON_CHARS = 1_000
PAYLOAD_CHARS = 4_000

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

LANDED_FILES_TABLE = "landed_files"
LANDED_FILES_COLUMNS = (
    ("file_sha256", "VARCHAR"),
    ("source_file", "VARCHAR"),
    ("source_format", "VARCHAR"),
    ("bytes", "BIGINT"),
    ("rows", "BIGINT"),
    ("rejected", "BIGINT"),
    ("status", "VARCHAR"),  # landed | rejected (no row landed; earlier rows kept)
    ("reason", "VARCHAR"),
    ("landed_at", "TIMESTAMP"),
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
    # The first whole-file rejection (no row number), when there was one.
    file_reason: str | None = None


def bounded(text: str | None, limit: int, pointer: str) -> str | None:
    """`text` cut to `limit` characters, saying how much was cut and where the rest is."""
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text):,} characters; the full text is {pointer}]"


def landing_table(conn: duckdb.DuckDBPyConnection, table: str) -> str:
    """Catalog-qualified name: a database file called e.g. `landing.duckdb` would
    otherwise make `landing.<table>` ambiguous (catalog vs schema)."""
    catalog = conn.execute("select current_database()").fetchone()[0]
    return f'"{catalog}".{LANDING_SCHEMA}.{table}'


def _create_table(conn: duckdb.DuckDBPyConnection, table: str, columns) -> None:
    """Create the table, or add the columns a newer format declares to an older one
    (rows are always inserted by name, so a column's position does not matter)."""
    qualified = landing_table(conn, table)
    ddl = ", ".join(f'"{name}" {column_type}' for name, column_type in columns)
    conn.execute(f"create table if not exists {qualified} ({ddl})")
    catalog = conn.execute("select current_database()").fetchone()[0]
    existing = {
        row[0]
        for row in conn.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = ? and table_schema = ? and table_name = ?",
            [catalog, LANDING_SCHEMA, table],
        ).fetchall()
    }
    for name, column_type in columns:
        if name not in existing:
            conn.execute(f'alter table {qualified} add column "{name}" {column_type}')


def ensure_landing_tables(conn: duckdb.DuckDBPyConnection, formats: Iterable[SourceFormat]) -> None:
    """Create every landing table, empty, so dbt sources exist before any file arrives."""
    catalog = conn.execute("select current_database()").fetchone()[0]
    conn.execute(f'create schema if not exists "{catalog}".{LANDING_SCHEMA}')
    for source_format in formats:
        _create_table(conn, source_format.name, (*source_format.columns, *PROVENANCE_COLUMNS))
    _create_table(conn, REJECTED_TABLE, REJECTED_COLUMNS)
    _create_table(conn, LANDED_FILES_TABLE, LANDED_FILES_COLUMNS)


def arrow_table(columns, rows: list[list]) -> pa.Table:
    arrays = [
        pa.array([row[i] for row in rows], type=_ARROW_TYPES[column_type])
        for i, (_, column_type) in enumerate(columns)
    ]
    return pa.Table.from_arrays(arrays, names=[name for name, _ in columns])


def rejected_row(
    source_format: str,
    source_file: str,
    row: int | None,
    reason: str,
    payload: str | None,
    at: datetime,
    stage: str,
    error_id: str | None = None,
) -> list:
    """One landing.rejected_rows row, its reason and payload bounded."""
    where = f"in {source_file}" + (f" at row {row}" if row is not None else "")
    return [
        source_format,
        source_file,
        row,
        bounded(reason, REASON_CHARS, where),
        bounded(payload, PAYLOAD_CHARS, where),
        at,
        stage,
        error_id,
    ]


def land_decoded(
    conn: duckdb.DuckDBPyConnection,
    source_format: SourceFormat,
    source_file: str,
    decoded: Iterable[Decoded],
    loaded_at: datetime | None = None,
    *,
    file_sha256: str | None = None,
    size: int | None = None,
) -> LandingResult:
    """Land `decoded` as `source_file`'s rows of the format's landing table.

    With at least one row, the file's earlier rows and rejections are replaced. With
    none (empty or wholly rejected), the earlier rows stay and only the rejections are
    added. `file_sha256` records the file in landing.landed_files, in the same transaction.
    """
    loaded_at = loaded_at or datetime.now(UTC).replace(tzinfo=None)
    names = source_format.column_names
    rows: list[list] = []
    rejected: list[list] = []
    file_reason = None
    for item in number_items(decoded):
        if isinstance(item, Record):
            rows.append(
                [item.values.get(name) for name in names]
                + [source_file, item.row_number, item.item, loaded_at]
            )
        elif isinstance(item, Rejection):
            if item.row_number is None and file_reason is None:
                file_reason = item.reason
            rejected.append(
                rejected_row(
                    source_format.name,
                    source_file,
                    item.row_number,
                    item.reason,
                    item.payload,
                    loaded_at,
                    "decode",
                )
            )
        else:  # pragma: no cover - a decoder bug, not bad input
            raise TypeError(f"decoder yielded {type(item).__name__}")

    table = landing_table(conn, source_format.name)
    rejected_table = landing_table(conn, REJECTED_TABLE)
    conn.execute("begin transaction")
    try:
        if rows:  # a file that lands nothing never erases what an earlier one landed
            conn.execute(f"delete from {table} where _source_file = ?", [source_file])
            conn.execute(
                f"delete from {rejected_table} where source_format = ? and source_file = ?",
                [source_format.name, source_file],
            )
            batch = arrow_table((*source_format.columns, *PROVENANCE_COLUMNS), rows)
            conn.register("_landing_batch", batch)
            conn.execute(f"insert into {table} by name select * from _landing_batch")
            conn.unregister("_landing_batch")
        if rejected:
            batch = arrow_table(REJECTED_COLUMNS, rejected)
            conn.register("_rejected_batch", batch)
            conn.execute(f"insert into {rejected_table} by name select * from _rejected_batch")
            conn.unregister("_rejected_batch")
        if file_sha256 is not None:
            status = "landed" if rows else "rejected"
            reason = None if rows else (file_reason or "every row was rejected")
            conn.execute(
                f"insert into {landing_table(conn, LANDED_FILES_TABLE)} values "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    file_sha256,
                    source_file,
                    source_format.name,
                    size,
                    len(rows),
                    len(rejected),
                    status,
                    bounded(reason, REASON_CHARS, f"in {source_file}"),
                    loaded_at,
                ],
            )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return LandingResult(source_format.name, source_file, len(rows), len(rejected), file_reason)


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file: landed | unchanged | rejected | unrecognised | ambiguous | failed."""

    source_file: str
    status: str
    source_format: str | None = None
    rows: int = 0
    rejected: int = 0
    reason: str | None = None

    @property
    def landed(self) -> bool:
        """True when the file's rows are in the warehouse (now or from an identical file)."""
        return self.status in ("landed", "unchanged")


def land_file(
    conn: duckdb.DuckDBPyConnection,
    data: bytes,
    source_file: str,
    loaded_at: datetime | None = None,
) -> FileOutcome:
    """Detect, decode and land one file's bytes under the name `source_file`."""
    digest = hashlib.sha256(data).hexdigest()
    seen = conn.execute(
        f"select source_file, status, reason from {landing_table(conn, LANDED_FILES_TABLE)} "
        "where file_sha256 = ? order by landed_at desc limit 1",
        [digest],
    ).fetchone()
    if seen is not None:
        earlier, status, reason = seen
        if status == "landed":
            return FileOutcome(source_file, "unchanged", reason=f"same content as {earlier}")
        return FileOutcome(source_file, "rejected", reason=f"same content as {earlier}: {reason}")
    try:
        source_format = detect(data, source_file)
    except DetectError as exc:
        status = "ambiguous" if isinstance(exc, Ambiguous) else "unrecognised"
        return FileOutcome(
            source_file, status, reason=bounded(exc.reason, REASON_CHARS, source_file)
        )
    result = land_decoded(
        conn,
        source_format,
        source_file,
        source_format.decode(data, source_file),
        loaded_at,
        file_sha256=digest,
        size=len(data),
    )
    if not result.rows:
        reason = result.file_reason or f"all {result.rejected} rows were rejected"
        return FileOutcome(
            source_file,
            "rejected",
            source_format.name,
            0,
            result.rejected,
            bounded(reason, REASON_CHARS, source_file),
        )
    return FileOutcome(source_file, "landed", source_format.name, result.rows, result.rejected)
