"""The Kafka -> Timescale job's JDBC statement, run for real against PostgreSQL.

Applies the migrations, loads the registry with `sync_registry`, then executes the exact
insert query from the rendered `iso_lmp_kafka_to_timescale` config (SeaTunnel binds `?`
positionally; psycopg takes `%s`) with the standard fields of one real PJM row, and checks
that the row landed with zone, hub and time zone from `ref.iso_nodes`. SeaTunnel runs the
same statement in test_seatunnel_jobs.py.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from seatunnel_helpers import parse, render_sample

from aurum.db.registry import SEED_PATH, read_seed, sync_registry
from aurum.sources import detect
from aurum.sources.core.records import Record

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "postgres" / "migrations"
PJM_SAMPLE = ROOT / "sample_data" / "pjm" / "da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"
DSN = os.environ.get("AURUM_PG_DSN", "postgresql://aurum@127.0.0.1:55432/aurum")


def apply_migrations(dsn: str) -> None:
    """The shared runner when it exists; otherwise each file in name order (all idempotent)."""
    try:
        from aurum.db.migrations import apply_migrations as runner
    except ImportError:
        runner = None
    if runner is not None:
        runner(dsn, MIGRATIONS)
        return
    with psycopg.connect(dsn, autocommit=True) as conn:
        for path in sorted(MIGRATIONS.glob("*.sql")):
            conn.execute(path.read_text())


@pytest.fixture(scope="module")
def pg() -> str:
    try:
        with psycopg.connect(DSN, connect_timeout=3) as conn:
            conn.execute("select 1")
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL not reachable at {DSN}: run scripts/services/up.sh ({exc})")
    apply_migrations(DSN)
    sync_registry(DSN)
    return DSN


def jdbc_query() -> str:
    config = parse(render_sample("iso_lmp_kafka_to_timescale", batch_size="1000"))
    query = config["sink"]["Jdbc"]["query"]
    assert "%" not in query
    return query.replace("?", "%s")


def pjm_row(pnode_id: int) -> tuple:
    """Standard fields (Kafka source order) of the first decoded sample row for `pnode_id`."""
    source_format = detect(PJM_SAMPLE.read_bytes(), PJM_SAMPLE.name)
    for item in source_format.decode(PJM_SAMPLE.read_bytes(), PJM_SAMPLE.name):
        if isinstance(item, Record) and item.values["pnode_id"] == pnode_id:
            v = item.values
            start = v["datetime_beginning_utc"]
            return (
                "PJM",
                str(v["pnode_id"]),
                v["pnode_name"],
                v["type"],
                "day_ahead_hourly",
                "USD",
                "MWh",
                3600,
                start,
                start + timedelta(hours=1),
                v["total_lmp"],
                v["system_energy_price"],
                v["congestion_price"],
                v["marginal_loss_price"],
                PJM_SAMPLE.name,
                item.row_number,
                datetime(2025, 5, 11, 12, 0, 0),
            )
    raise AssertionError(f"pnode {pnode_id} not in {PJM_SAMPLE.name}")


def test_registry_table_equals_the_seed(pg):
    seed = read_seed(SEED_PATH)
    with psycopg.connect(pg) as conn:
        conn.execute(
            "insert into ref.iso_nodes (iso_code, location_id, location_name) "
            "values ('PJM', 'not-in-seed', 'stale') on conflict do nothing"
        )
        conn.execute("update ref.iso_nodes set zone = 'WRONG' where location_id = '116013751'")
    assert sync_registry(pg) == len(seed) > 1900
    with psycopg.connect(pg) as conn:
        rows = conn.execute(
            "select iso_code, location_id, location_name, location_type, zone, hub, timezone "
            "from ref.iso_nodes"
        ).fetchall()
    assert sorted(rows, key=str) == sorted(seed, key=str)


def test_jdbc_insert_enriches_a_real_pjm_row_from_the_registry(pg):
    row = pjm_row(116013751)  # ATSI GEN HUB: zone ATSI in the registry
    query = jdbc_query()
    with psycopg.connect(pg) as conn, conn.transaction(force_rollback=True):
        conn.execute(query, row)
        conn.execute(query, row)  # a replay (or a revision) upserts, never duplicates
        landed = conn.execute(
            "select location_name, zone, hub, timezone, in_registry, lmp, energy, "
            "congestion, loss, interval_start_utc, interval_end_utc, source_row "
            "from market.lmp_timescale where iso_code = 'PJM' and market = %s "
            "and location_id = %s and interval_start_utc = %s",
            (row[4], row[1], row[8].replace(tzinfo=UTC)),
        ).fetchall()
    assert len(landed) == 1
    name, zone, hub, tz, in_registry, lmp, energy, congestion, loss, start, end, src = landed[0]
    assert (name, zone, hub, tz, in_registry) == (
        "ATSI GEN HUB",
        "ATSI",
        "116013751",
        "America/New_York",
        True,
    )
    assert (lmp, energy, congestion, loss) == row[10:14]
    assert start == row[8].replace(tzinfo=UTC) and end == row[9].replace(tzinfo=UTC)
    assert src == row[15]


def test_unknown_location_is_kept_and_flagged(pg):
    row = list(pjm_row(116013751))
    row[1], row[2] = "999999999", "NOT A PJM NODE"
    with psycopg.connect(pg) as conn, conn.transaction(force_rollback=True):
        conn.execute(jdbc_query(), row)
        landed = conn.execute(
            "select location_name, zone, hub, timezone, in_registry from market.lmp_timescale "
            "where iso_code = 'PJM' and location_id = '999999999'"
        ).fetchall()
    assert landed == [("NOT A PJM NODE", None, None, None, False)]


def test_migrations_are_idempotent(pg):
    apply_migrations(pg)
    apply_migrations(pg)
    with psycopg.connect(pg) as conn:
        key = conn.execute(
            "select array_agg(a.attname order by k.ord) from pg_index i "
            "cross join unnest(i.indkey) with ordinality as k(attnum, ord) "
            "join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum "
            "where i.indrelid = 'market.lmp_timescale'::regclass and i.indisprimary"
        ).fetchone()[0]
    assert key == ["iso_code", "market", "location_id", "interval_start_utc"]
