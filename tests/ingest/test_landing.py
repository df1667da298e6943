"""The landing writer: idempotent reloads, rejected rows kept, nothing half-written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import FORMATS, detect, format_named
from aurum.sources.core.records import Record, Rejection

PJM = format_named("pjm_dataminer_lmp")
PJM_DA = "sample_data/pjm/da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"


@pytest.fixture
def conn():
    with duckdb.connect() as connection:
        ensure_landing_tables(connection, FORMATS)
        yield connection


def _count(conn, sql: str, *params) -> int:
    return conn.execute(sql, list(params)).fetchone()[0]


def test_every_format_has_a_landing_table_and_the_rejected_rows_table(conn):
    tables = {
        row[0]
        for row in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'landing'"
        ).fetchall()
    }
    assert tables == {f.name for f in FORMATS} | {"rejected_rows", "landed_files"}


def test_format_names_are_unique():
    names = [f.name for f in FORMATS]
    assert len(names) == len(set(names))


def test_reloading_a_file_replaces_its_rows(conn):
    data = Path(PJM_DA).read_bytes()
    first = land_decoded(conn, PJM, "da.csv", PJM.decode(data, "da_hrl_lmps.csv"))
    second = land_decoded(conn, PJM, "da.csv", PJM.decode(data, "da_hrl_lmps.csv"))
    assert first.rows == second.rows == 2880
    assert _count(conn, "select count(*) from landing.pjm_dataminer_lmp") == 2880


def test_rejections_land_beside_good_rows_with_reason_and_payload(conn):
    decoded = [
        Record(1, {"feed": "da_hrl_lmps", "pnode_id": 1, "total_lmp": 10.0}),
        Rejection(2, "non-numeric value 'abc' in column 'total_lmp'", "a,b,abc"),
    ]
    result = land_decoded(conn, PJM, "mixed.csv", decoded)
    assert (result.rows, result.rejected) == (1, 1)
    row = conn.execute(
        "select source_format, source_file, source_row, reason, payload from landing.rejected_rows"
    ).fetchone()
    assert row == (
        "pjm_dataminer_lmp",
        "mixed.csv",
        2,
        "non-numeric value 'abc' in column 'total_lmp'",
        "a,b,abc",
    )


def test_a_failure_mid_load_leaves_the_previous_load_intact(conn):
    land_decoded(conn, PJM, "da.csv", [Record(1, {"feed": "da_hrl_lmps", "total_lmp": 1.0})])

    def exploding():
        yield Record(1, {"feed": "da_hrl_lmps", "total_lmp": 2.0})
        yield Record(2, {"feed": "da_hrl_lmps", "total_lmp": "not a number"})  # arrow refuses

    with pytest.raises(Exception):  # noqa: B017 - any error must roll back
        land_decoded(conn, PJM, "da.csv", exploding())
    rows = conn.execute("select total_lmp from landing.pjm_dataminer_lmp").fetchall()
    assert rows == [(1.0,)]


def test_provenance_columns_are_filled(conn):
    loaded_at = datetime(2026, 1, 2, 3, 4, 5)
    land_decoded(conn, PJM, "p.csv", [Record(7, {"feed": "da_hrl_lmps"})], loaded_at=loaded_at)
    row = conn.execute(
        "select _source_file, _source_row, _loaded_at from landing.pjm_dataminer_lmp"
    ).fetchone()
    assert row == ("p.csv", 7, loaded_at)


def test_detect_rejects_content_no_format_claims():
    with pytest.raises(LookupError, match="no source format claims it"):
        detect(b"month,notes\n2025-01,quiet\n", "notes_2025-01_to_02.csv")


def test_records_from_one_source_row_are_numbered_and_rejections_pass_through():
    from aurum.sources.core.records import number_items

    decoded = [
        Record(1, {"a": 1}),
        Record(1, {"a": 2}),
        Rejection(2, "bad", "x"),
        Record(3, {"a": 3}),
        Record(3, {"a": 4}),
        Record(3, {"a": 5}),
    ]
    numbered = list(number_items(decoded))
    assert [(r.row_number, getattr(r, "item", None)) for r in numbered] == [
        (1, 0),
        (1, 1),
        (2, None),
        (3, 0),
        (3, 1),
        (3, 2),
    ]
