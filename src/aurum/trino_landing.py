"""Copy the DuckDB landing tables into Trino (`iceberg.landing.*`).

The production path lands Kafka into Iceberg with SeaTunnel; for the Trino target on
one machine (and the cross-engine equality test) the same landing data comes from the
DuckDB database `aurum-land` wrote. Each table is recreated in Trino with these types:

    DuckDB VARCHAR → varchar, DOUBLE → double (DOUBLE '<repr>', exact round trip),
    BIGINT → bigint, INTEGER → integer, DATE → date, TIMESTAMP → timestamp(6),
    BOOLEAN → boolean.

and filled one of two ways:

- `--parquet-dir DIR` (Trino on this machine, as scripts/services/trino.sh runs it):
  DuckDB writes each table to DIR/<table>/<n>.parquet and Trino registers the file
  with `ALTER TABLE … EXECUTE add_files` — about a second per table;
- otherwise `INSERT … VALUES` batches of typed literals through the `trino` client (a
  dependency of dbt-trino), for a Trino that cannot read this machine's files; about
  250 s for the bundled samples (170 k rows), Trino's planning of large VALUES lists
  being the cost.

    python -m aurum.trino_landing --database data/aurum.duckdb [--port 58080] [--parquet-dir DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import trino
import trino.auth

from aurum.settings import Settings, TrinoSettings

LANDING_SCHEMA = "landing"
TRINO_TYPES = {
    "VARCHAR": "varchar",
    "DOUBLE": "double",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DATE": "date",
    "TIMESTAMP": "timestamp(6)",
    "BOOLEAN": "boolean",
}
# Trino's default query.max-length is 1,000,000 characters; stay well below it.
MAX_STATEMENT_CHARS = 800_000


@dataclass(frozen=True)
class TrinoTarget:
    host: str = "127.0.0.1"
    port: int = 58080
    user: str = "aurum"
    catalog: str = "iceberg"
    http_scheme: str = "http"
    # profiles.yml's `method`: none, or ldap (password over HTTPS) for a secured cluster.
    auth: str = "none"
    password: str = ""

    @classmethod
    def from_settings(cls, trino: TrinoSettings) -> TrinoTarget:
        """settings.trino: the same AURUM_TRINO_* variables profiles.yml's trino target reads."""
        return cls(
            host=trino.host,
            port=trino.port,
            user=trino.user,
            catalog=trino.catalog,
            http_scheme=trino.http_scheme,
            auth=trino.auth,
            password=trino.password.get_secret_value(),
        )

    def connect(self) -> trino.dbapi.Connection:
        auth = None
        if self.auth == "ldap":
            auth = trino.auth.BasicAuthentication(self.user, self.password)
        elif self.auth != "none":
            raise ValueError(f"AURUM_TRINO_AUTH={self.auth!r}: only none and ldap are supported")
        return trino.dbapi.connect(
            host=self.host, port=self.port, user=self.user, catalog=self.catalog,
            http_scheme=self.http_scheme, auth=auth,
        )  # fmt: skip


def one_row(cursor: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The one row of an aggregate query (which always has one)."""
    row = cursor.fetchone()
    assert row is not None
    return row


def literal(value: object) -> str:
    """A Trino SQL literal for one DuckDB value (types above)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan()"
        if math.isinf(value):
            return "infinity()" if value > 0 else "-infinity()"
        # A bare 0.1 would be a DECIMAL literal; DOUBLE '…' parses with Java's correctly
        # rounded Double.parseDouble, so repr's shortest round-trip form is exact.
        return f"DOUBLE '{value!r}'"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.strftime('%Y-%m-%d %H:%M:%S.%f')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no Trino literal for {type(value).__name__}: {value!r}")


def insert_statements(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> Iterator[str]:
    """`INSERT INTO table (columns) VALUES …` statements of at most MAX_STATEMENT_CHARS."""
    head = f"insert into {table} ({', '.join(quote(c) for c in columns)}) values\n"
    batch: list[str] = []
    size = len(head)
    for row in rows:
        tuple_sql = "(" + ", ".join(literal(v) for v in row) + ")"
        if batch and size + len(tuple_sql) + 2 > MAX_STATEMENT_CHARS:
            yield head + ",\n".join(batch)
            batch, size = [], len(head)
        batch.append(tuple_sql)
        size += len(tuple_sql) + 2
    if batch:
        yield head + ",\n".join(batch)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def execute(cursor: trino.dbapi.Cursor, sql: str) -> list:
    cursor.execute(sql)
    return cursor.fetchall()


def landing_tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by table_name",
            [LANDING_SCHEMA],
        ).fetchall()
    ]


def copy_table(
    duck: duckdb.DuckDBPyConnection,
    cursor: trino.dbapi.Cursor,
    target: TrinoTarget,
    table: str,
    parquet_dir: Path | None = None,
) -> int:
    (catalog,) = one_row(duck.execute("select current_database()"))
    columns = duck.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, LANDING_SCHEMA, table],
    ).fetchall()
    unknown = [f"{name} {kind}" for name, kind in columns if kind not in TRINO_TYPES]
    if unknown:
        raise ValueError(f"landing.{table}: no Trino type for {', '.join(unknown)}")
    qualified = f"{target.catalog}.{LANDING_SCHEMA}.{quote(table)}"
    ddl = ", ".join(f"{quote(name)} {TRINO_TYPES[kind]}" for name, kind in columns)
    execute(cursor, f"drop table if exists {qualified}")
    if parquet_dir is not None:
        # Files an earlier load added belonged to the dropped table only.
        shutil.rmtree(parquet_dir / table, ignore_errors=True)
    execute(cursor, f"create table {qualified} ({ddl})")
    names = [name for name, _ in columns]
    select = ", ".join(quote(n) for n in names)
    source = f'select {select} from "{catalog}".{LANDING_SCHEMA}.{quote(table)}'
    if parquet_dir is not None:
        (rows,) = one_row(duck.execute(f"select count(*) from ({source})"))
        if rows:
            # Trino's native local filesystem names files local:///…, and add_files wants the
            # location in the scheme its files will have. A fresh directory per load: add_files refuses files the table already has,
            # and the files belong to the table once added (never rewrite them).
            directory = parquet_dir / table / uuid.uuid4().hex
            directory.mkdir(parents=True)
            file = directory / "part-0.parquet"
            duck.execute(f"copy ({source}) to '{file}' (format parquet)")
            execute(
                cursor,
                f"alter table {qualified} execute add_files("
                f"location => 'local://{directory.resolve()}', format => 'PARQUET')",
            )
    else:
        rows = duck.execute(source)
        for statement in insert_statements(qualified, names, iter(rows.fetchone, None)):
            execute(cursor, statement)
    (count,) = execute(cursor, f"select count(*) from {qualified}")[0]
    return count


def load(
    database: str | duckdb.DuckDBPyConnection,
    target: TrinoTarget,
    tables: Sequence[str] | None = None,
    parquet_dir: Path | None = None,
) -> dict[str, int]:
    """Recreate every (or the named) landing table in Trino from DuckDB; rows per table.

    `database` is a path (opened read-only) or an open connection (left open)."""
    own = isinstance(database, str)
    duck = duckdb.connect(database, read_only=True) if isinstance(database, str) else database
    try:
        names = list(tables) if tables else landing_tables(duck)
        conn = target.connect()
        cursor = conn.cursor()
        execute(cursor, f"create schema if not exists {target.catalog}.{LANDING_SCHEMA}")
        counts = {}
        for name in names:
            counts[name] = copy_table(duck, cursor, target, name, parquet_dir)
        conn.close()
        return counts
    finally:
        if own:
            duck.close()


def main(argv: Sequence[str] | None = None) -> int:
    settings = Settings()
    configured = TrinoTarget.from_settings(settings.trino)
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--database", default=str(settings.duckdb_path))
    parser.add_argument("--host", default=configured.host)
    parser.add_argument("--port", type=int, default=configured.port)
    parser.add_argument("--table", action="append", help="only this landing table (repeatable)")
    parser.add_argument(
        "--parquet-dir", type=Path, help="write Parquet here and add_files it (Trino on this host)"
    )
    args = parser.parse_args(argv)
    target = dataclasses.replace(configured, host=args.host, port=args.port)
    start = time.monotonic()
    counts = load(args.database, target, args.table, args.parquet_dir)
    for name, count in counts.items():
        print(f"{target.catalog}.{LANDING_SCHEMA}.{name}: {count} rows")
    print(f"{sum(counts.values())} rows in {len(counts)} tables, {time.monotonic() - start:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
