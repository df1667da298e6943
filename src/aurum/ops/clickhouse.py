"""ClickHouse for dead-letter triage: the client and the schema migrations.

    client = connect(settings)                 # native protocol (clickhouse-driver)
    apply_migrations(client, "ops")            # -> ["0001_ingest_errors", ...] applied now

Migrations are the `*.sql` files in ops/clickhouse/migrations, applied once each in
file-name order (like PostgreSQL's, aurum.db.migrations) and recorded in
`<database>.schema_migrations`. `$database` in a file is the configured database, so
tests can build the same schema in a database of their own. ClickHouse has no
transactions: every statement is written to be re-runnable (`IF NOT EXISTS`), so a
migration interrupted half-way is simply applied again.

    python -m aurum.ops.clickhouse [--database ops]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from string import Template
from typing import Any

from clickhouse_driver import Client
from clickhouse_driver.errors import Error as ClickHouseError

from aurum.paths import project_root
from aurum.settings import Settings

MIGRATIONS_DIR = project_root() / "ops" / "clickhouse" / "migrations"
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def connect(settings: Settings | None = None, **overrides: Any) -> Client:
    settings = settings or Settings()
    password = (
        settings.clickhouse_password.get_secret_value() if settings.clickhouse_password else ""
    )
    return Client(
        host=settings.clickhouse_host,
        port=settings.clickhouse_port,
        user=settings.clickhouse_user,
        password=password,
        connect_timeout=5,
        send_receive_timeout=60,
        settings={"use_client_time_zone": False},
        **overrides,
    )


def quote_identifier(name: str) -> str:
    """A database name for DDL: plain identifiers only (it is pasted into SQL)."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain ClickHouse identifier: {name!r}")
    return name


def statements(sql: str) -> list[str]:
    """Split a migration into statements: `;` at the end of a line ends one."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    parts = re.split(r";\s*$", "\n".join(lines), flags=re.MULTILINE)
    return [part.strip() for part in parts if part.strip()]


def apply_migrations(client: Client, database: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    database = quote_identifier(database)
    files = sorted(directory.glob("*.sql"), key=lambda path: path.name)
    if not files:
        raise FileNotFoundError(f"no ClickHouse migrations in {directory}")
    client.execute(f"CREATE DATABASE IF NOT EXISTS {database}")
    client.execute(
        f"CREATE TABLE IF NOT EXISTS {database}.schema_migrations "
        "(version String, applied_at DateTime DEFAULT now()) ENGINE = TinyLog"
    )
    done = {row[0] for row in client.execute(f"SELECT version FROM {database}.schema_migrations")}
    applied = []
    for path in files:
        if path.stem in done:
            continue
        sql = Template(path.read_text()).substitute(database=database)
        for statement in statements(sql):
            client.execute(statement)
        client.execute(f"INSERT INTO {database}.schema_migrations (version) VALUES", [[path.stem]])
        applied.append(path.stem)
    return applied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aurum.ops.clickhouse")
    parser.add_argument("--database", help="default: AURUM_CLICKHOUSE_DATABASE (ops)")
    args = parser.parse_args(argv)
    settings = Settings()
    database = args.database or settings.clickhouse_database
    try:
        applied = apply_migrations(connect(settings), database)
    except (OSError, ClickHouseError) as exc:
        print(f"error: ClickHouse at {settings.clickhouse_host}:{settings.clickhouse_port}: {exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"{database}: applied " + (", ".join(applied) if applied else "nothing (up to date)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
