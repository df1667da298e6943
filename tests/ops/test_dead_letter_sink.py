"""Dead letters from the real ingestion path reach the real ClickHouse through the sink,
and `ingest_errors_latest` shows each with the right source, stage, error class and
count; redelivering the same messages changes no count."""

from __future__ import annotations

import pytest
from ops_helpers import rewind, sink_for

from aurum.ops.clickhouse import apply_migrations
from aurum.ops.dlq_sink import payload_excerpt

pytestmark = pytest.mark.integration


def _latest(clickhouse, database: str) -> dict[tuple[str, str, str], tuple]:
    rows = clickhouse.execute(
        f"""
        SELECT source, stage, error_class, errors, first_seen, last_seen,
               latest_message, latest_payload_excerpt, latest_payload_pointer
        FROM {database}.ingest_errors_latest_summary
        """
    )
    return {(r[0], r[1], r[2]): r[3:] for r in rows}


def test_each_malformed_input_shows_its_source_stage_error_class_and_count(
    sunk, clickhouse, clickhouse_settings
):
    _, _, expected, stats = sunk
    assert stats.messages == sum(e.errors for e in expected)
    latest = _latest(clickhouse, clickhouse_settings.clickhouse_database)
    assert {k: v[0] for k, v in latest.items()} == {
        (e.source, e.stage, e.error_class): e.errors for e in expected
    }
    for _errors, first_seen, last_seen, *_ in latest.values():
        assert first_seen <= last_seen


def test_payloads_are_kept_readable_or_pointed_to(sunk, clickhouse, clickhouse_settings):
    database = clickhouse_settings.clickhouse_database
    latest = _latest(clickhouse, database)
    truncated = latest[("caiso_prc_lmp_dam", "detect", "Unclaimed")]
    assert "zip" in truncated[3].lower()
    assert truncated[4].startswith("<") and "binary> 50 4b 03 04" in truncated[4]  # PK\x03\x04
    wrong_header = latest[("pjm_da_hrl_lmps", "detect", "Unclaimed")]
    assert "lmp_total" in wrong_header[4]
    non_numeric = latest[("nyiso_damlbmp_zone", "decode", "RowRejected")]
    assert "abc" in non_numeric[3] and "abc" in non_numeric[4]
    http_500 = latest[("ercot_api_np6_905_spp", "fetch", "FetchError")]
    assert "500" in http_500[3] and http_500[5].startswith("http://127.0.0.1")
    # The whole payload is in the table, byte for byte, next to its excerpt.
    payload, size = clickhouse.execute(
        f"SELECT payload, payload_size FROM {database}.ingest_errors "
        "WHERE source = 'caiso_prc_lmp_dam' LIMIT 1"
    )[0]
    assert len(payload) == size > 1000


def test_redelivery_changes_no_count(sunk, clickhouse, clickhouse_settings):
    group, start, expected, _ = sunk
    database = clickhouse_settings.clickhouse_database
    before = _latest(clickhouse, database)
    over_time = clickhouse.execute(
        f"SELECT source, sum(errors) FROM {database}.ingest_error_counts GROUP BY source"
    )
    rewind(group, start)  # as after a crash between insert and commit
    again = sink_for(clickhouse, clickhouse_settings, group).run(idle_seconds=2)
    assert again.messages == sum(e.errors for e in expected), "the messages came again"
    raw = clickhouse.execute(f"SELECT count() FROM {database}.ingest_errors")[0][0]
    assert raw in (again.messages, 2 * again.messages)  # merged or not yet: either way…
    assert _latest(clickhouse, database) == before  # …no count, time or latest error moved
    assert sorted(
        clickhouse.execute(
            f"SELECT source, sum(errors) FROM {database}.ingest_error_counts GROUP BY source"
        )
    ) == sorted(over_time)


def test_migrations_apply_once(clickhouse, clickhouse_settings):
    assert apply_migrations(clickhouse, clickhouse_settings.clickhouse_database) == []


def test_payload_excerpt_keeps_text_and_previews_binary():
    assert payload_excerpt(b"a,b\n1,x\n") == "a,b\n1,x\n"
    assert payload_excerpt(None) == ""
    assert payload_excerpt(b"x" * 500, limit=10) == "x" * 10 + "…"
    binary = payload_excerpt(b"PK\x03\x04\x00\xff" * 20)
    assert binary.startswith("<120 bytes, binary> 50 4b 03 04 00 ff") and binary.endswith("…")
