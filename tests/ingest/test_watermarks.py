"""Migrations and watermarks on the real local PostgreSQL (scripts/services/up.sh).

These fail, not skip, when PostgreSQL is unreachable: the message says what to run.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from aurum.db import connect, pg_dsn
from aurum.db.migrations import MIGRATIONS_DIR, apply_migrations
from aurum.ingest.http import PostgresValidatorStore
from aurum.ingest.watermarks import get_watermark, update_watermark

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def conn():
    apply_migrations(pg_dsn())  # ConnectionError (a failure) names scripts/services/up.sh
    with connect() as connection:
        yield connection


@pytest.fixture
def source() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


def test_migrations_apply_once_and_are_recorded(tmp_path):
    dsn = pg_dsn()
    apply_migrations(dsn)
    assert apply_migrations(dsn) == []  # idempotent
    with connect(dsn) as connection:
        versions = {
            row[0] for row in connection.execute("select version from public.schema_migrations")
        }
        assert {p.stem for p in MIGRATIONS_DIR.glob("*.sql")} <= versions
        columns = connection.execute(
            """
            select column_name, data_type, is_nullable, column_default
            from information_schema.columns
            where table_schema = 'ingest' and table_name = 'watermarks' order by ordinal_position
            """
        ).fetchall()
    assert [c[0] for c in columns] == ["source", "watermark_key", "watermark", "updated_at"]
    assert columns[2][1:3] == ("timestamp with time zone", "NO")
    assert columns[1][3].startswith("'default'")


def test_a_new_migration_directory_applies_in_name_order_in_own_transactions(tmp_path):
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    (tmp_path / "0002_b.sql").write_text(f"create table {schema}.t2 (id int);")
    (tmp_path / "0001_a.sql").write_text(
        f"create schema {schema}; create table {schema}.t1 (id int);"
    )
    (tmp_path / "0003_broken.sql").write_text(f"create table {schema}.t3 (id int); select 1/0;")
    dsn = pg_dsn()
    try:
        with pytest.raises(Exception, match="division by zero"):
            apply_migrations(dsn, tmp_path)
        with connect(dsn) as connection:
            tables = {
                row[0]
                for row in connection.execute(
                    "select table_name from information_schema.tables where table_schema = %s",
                    (schema,),
                )
            }
            assert tables == {"t1", "t2"}  # 0003 rolled back entirely, 0001/0002 kept
    finally:
        with connect(dsn) as connection:
            connection.execute(f"drop schema if exists {schema} cascade")
            connection.execute(
                "delete from public.schema_migrations where version in ('0001_a', '0002_b')"
            )


def test_get_returns_none_then_the_stored_value(conn, source):
    assert get_watermark(conn, source) is None
    value = datetime(2025, 5, 2, tzinfo=UTC)
    assert update_watermark(conn, source, value) == value
    assert get_watermark(conn, source) == value
    assert get_watermark(conn, source, key="other") is None


def test_update_never_moves_backwards(conn, source):
    later = datetime(2025, 5, 3, tzinfo=UTC)
    update_watermark(conn, source, later)
    assert update_watermark(conn, source, later - timedelta(days=2)) == later
    assert get_watermark(conn, source) == later
    newest = later + timedelta(hours=1)
    assert update_watermark(conn, source, newest) == newest


def test_keys_are_independent(conn, source):
    update_watermark(conn, source, datetime(2025, 1, 1, tzinfo=UTC), key="a")
    update_watermark(conn, source, datetime(2024, 1, 1, tzinfo=UTC), key="b")
    assert get_watermark(conn, source, "a").year == 2025
    assert get_watermark(conn, source, "b").year == 2024


def test_naive_datetime_is_rejected(conn, source):
    with pytest.raises(ValueError, match="naive"):
        update_watermark(conn, source, datetime(2025, 5, 2))
    assert get_watermark(conn, source) is None


def test_aware_non_utc_is_stored_as_the_same_instant_in_utc(conn, source):
    eastern = timezone(timedelta(hours=-4))
    stored = update_watermark(conn, source, datetime(2025, 5, 2, 20, 0, tzinfo=eastern))
    assert stored == datetime(2025, 5, 3, 0, 0, tzinfo=UTC)
    assert stored.tzinfo == UTC


def test_update_joins_the_callers_transaction(source):
    with connect(autocommit=False) as connection:
        update_watermark(connection, source, datetime(2025, 5, 2, tzinfo=UTC))
        connection.rollback()
        assert get_watermark(connection, source) is None
        update_watermark(connection, source, datetime(2025, 5, 3, tzinfo=UTC))
        connection.commit()
    with connect() as other:
        assert get_watermark(other, source) == datetime(2025, 5, 3, tzinfo=UTC)


def test_postgres_validator_store_round_trip(conn):
    store = PostgresValidatorStore(conn)
    url = f"http://example.invalid/{uuid.uuid4().hex}"
    assert store.get(url) is None
    store.put(url, '"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
    assert store.get(url) == ('"abc"', "Mon, 01 Jan 2024 00:00:00 GMT")
    store.put(url, '"def"', None)
    assert store.get(url) == ('"def"', None)


def test_unreachable_postgres_says_what_to_run():
    with pytest.raises(ConnectionError, match=r"scripts/services/up\.sh"):
        connect("postgresql://aurum@127.0.0.1:9/aurum")
