"""The real ingestion path on the local services: HTTP (replay server at the sources'
URL paths) → decode → validate → Avro → Kafka → Kafka→DuckDB lander → dbt build."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from aurum.db import connect, pg_dsn
from aurum.db.migrations import apply_migrations
from aurum.dbt_runner import run_dbt
from aurum.ingest.http import HttpFetcher
from aurum.ingest.kafka_landing import KafkaLander
from aurum.ingest.pipeline import ingest_day, ingest_days
from aurum.ingest.publish import publish_file
from aurum.ingest.watermarks import get_watermark, update_watermark
from aurum.kafka.admin import all_topics, ensure_topics
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import landing_topics
from aurum.sources import FORMATS, SOURCES, detect
from kafka_helpers import bootstrap, fresh_group, require_kafka
from replay.routes import FIXTURES, SAMPLE_DATA, SAMPLES
from replay.server import ReplayServer

pytestmark = pytest.mark.integration

# Everything but where the row came from and when it was loaded.
COMPARED = """
    iso_code, market, location_id, location_name, location_type, published_location_type,
    zone, hub, timezone, is_registered, interval_start_utc, interval_end_utc, interval_seconds,
    lmp, energy, congestion, loss, currency, uom, published_version, revision_count,
    source_format, source_row
"""


def _claimed(path: Path) -> bool:
    try:
        return bool(detect(path.read_bytes(), path.name))
    except LookupError:
        return False


def _in_the_demo(path: Path) -> bool:
    """What the demo build lands: sample_data/ and the ISO-NE LMP fixtures (the replay
    server also serves other fixtures, e.g. a real ECB eurofxref.zip)."""
    return path.is_relative_to(SAMPLE_DATA) or path.is_relative_to(FIXTURES / "isone")


def _land(database: Path, group: str) -> dict:
    with duckdb.connect(str(database)) as conn:
        stats = KafkaLander(conn, bootstrap_servers=bootstrap(), group_id=group).run(idle_seconds=3)
    return stats


@pytest.fixture(scope="module")
def services():
    require_kafka()
    ensure_topics(bootstrap(), all_topics())
    apply_migrations(pg_dsn())
    with connect() as conn:
        yield conn


def test_http_kafka_duckdb_gives_the_same_fct_lmp_as_file_landing(
    services, demo_warehouse, tmp_path
):
    group = fresh_group(landing_topics())
    producer = ConfirmingProducer(bootstrap())
    fetcher = HttpFetcher(backoff_seconds=0.01)
    key = f"test-{uuid.uuid4().hex[:8]}"
    published = 0
    with ReplayServer() as server:
        for sample in (s for s in SAMPLES if _in_the_demo(s.file) and _claimed(s.file)):
            if sample.source:
                result = ingest_day(
                    SOURCES[sample.source],
                    sample.day,
                    fetcher=fetcher,
                    producer=producer,
                    watermark_conn=services,
                    watermark_key=key,
                    base_url=server.base_url,
                )
                assert result.ok and result.dead_letters == 0, (sample.file.name, result)
                published += result.rows
            else:  # no public URL (NYISO OASIS exports, ISO-NE metadata): same bytes and decoder
                fetched = fetcher.fetch(server.base_url + sample.path)
                report = publish_file(
                    producer,
                    detect(fetched.content, sample.file.name),
                    fetched.content,
                    sample.file.name,
                )
                assert not report.dead_letters
                published += report.rows
        assert {r.path.split("?")[0] for r in server.requests}, "nothing was fetched over HTTP"

    database = tmp_path / "kafka_path.duckdb"
    stats = _land(database, group)
    assert stats.messages == published and stats.dead_letters == 0
    run_dbt(
        ["build", "--exclude", "tag:test_fixture"],
        duckdb_path=database,
        target_path=tmp_path / "target",
    )
    with duckdb.connect(str(database)) as conn:
        via_kafka = sorted(conn.execute(f"select {COMPARED} from market.fct_lmp").fetchall())
    direct = sorted(demo_warehouse.execute(f"select {COMPARED} from market.fct_lmp").fetchall())
    assert len(via_kafka) == len(direct) > 50_000
    assert via_kafka == direct
    # Every landing table, LMP and reference alike, holds the same rows by both paths.
    for source_format in FORMATS:
        columns = ", ".join(f'"{c}"' for c in source_format.column_names)
        query = f"select {columns} from landing.{source_format.name}"
        with duckdb.connect(str(database)) as conn:
            kafka_rows = sorted(map(repr, conn.execute(query).fetchall()))
        assert kafka_rows == sorted(map(repr, demo_warehouse.execute(query).fetchall())), (
            source_format.name
        )


def _sample(source: str) -> tuple:
    sample = next(s for s in SAMPLES if s.source == source)
    return SOURCES[source], sample.day, sample.file.read_bytes(), sample.route()


def test_malformed_inputs_become_dead_letters_and_good_rows_still_land(services, tmp_path):
    group = fresh_group(landing_topics())
    producer = ConfirmingProducer(bootstrap())
    fetcher = HttpFetcher(backoff_seconds=0.01)
    key = f"test-{uuid.uuid4().hex[:8]}"
    caiso, caiso_day, caiso_zip, caiso_route = _sample("caiso_prc_lmp_dam")
    pjm, pjm_day, pjm_csv, pjm_route = _sample("pjm_da_hrl_lmps")
    nyiso, nyiso_day, nyiso_csv, nyiso_route = _sample("nyiso_damlbmp_zone")
    spp, spp_day, spp_csv, spp_route = _sample("spp_da_lmp_sl")
    miso, miso_day, _, miso_route = _sample("miso_rt_lmp_final")
    ercot, ercot_day, _, ercot_route = _sample("ercot_api_np6_905_spp")

    with ReplayServer() as server:
        server.serve_bytes(caiso_route, caiso_zip[: len(caiso_zip) // 2])  # truncated zip
        server.serve_bytes(pjm_route, pjm_csv.replace(b"total_lmp_da", b"lmp_total", 1))
        lines = nyiso_csv.split(b"\n")
        lines[5] = lines[5].replace(b",", b",abc", 1).replace(b"abc", b"", 1)
        parts = lines[5].split(b",")
        parts[3] = b"abc"  # LBMP
        lines[5] = b",".join(parts)
        server.serve_bytes(nyiso_route, b"\n".join(lines))
        spp_lines = spp_csv.split(b"\n")
        server.serve_bytes(spp_route, b"\n".join([*spp_lines[:3], spp_lines[2], *spp_lines[3:]]))
        server.serve_bytes(miso_route, b"")  # empty file
        server.fail_next(ercot_route.split("?")[0], [500])  # HTTP 500, then success

        def run(source, day):
            return ingest_day(
                source,
                day,
                fetcher=fetcher,
                producer=producer,
                watermark_conn=services,
                watermark_key=key,
                base_url=server.base_url,
            )

        truncated, wrong_header = run(caiso, caiso_day), run(pjm, pjm_day)
        non_numeric, duplicate = run(nyiso, nyiso_day), run(spp, spp_day)
        empty, flaky = run(miso, miso_day), run(ercot, ercot_day)

    for failed in (truncated, wrong_header, empty):
        assert not failed.ok and failed.status == "file_rejected" and failed.rows == 0
        assert get_watermark(services, failed.source, key=key) is None
    assert non_numeric.ok and non_numeric.dead_letters == 1 and non_numeric.rows == 359
    assert duplicate.ok and duplicate.dead_letters == 1 and duplicate.rows == 12
    assert flaky.ok and flaky.attempts == 2 and flaky.rows == 56
    for ok in (non_numeric, duplicate, flaky):
        end = datetime.combine(ok.day, datetime.min.time(), tzinfo=UTC)
        assert get_watermark(services, ok.source, key=key) > end

    database = tmp_path / "dlq.duckdb"
    stats = _land(database, group)
    assert stats.dead_letters == 5
    with duckdb.connect(str(database)) as conn:
        reasons = conn.execute(
            "select source_format, stage, reason, payload is not null from landing.rejected_rows"
            " order by source_format"
        ).fetchall()
        landed = dict(
            conn.execute(
                """
                select 'nyiso', count(*) from landing.nyiso_mis_zonal_lbmp
                union all select 'spp', count(*) from landing.spp_lmp_by_settlement_location
                union all select 'ercot', count(*) from landing.ercot_api_rt_spp
                """
            ).fetchall()
        )
    assert landed == {"nyiso": 359, "spp": 12, "ercot": 56}
    by_format = {r[0]: r for r in reasons}
    # Files their source's format does not claim die at the detect stage, with the reason.
    assert by_format["caiso_oasis_prc_lmp"][1] == "detect"
    assert "not a readable ZIP" in by_format["caiso_oasis_prc_lmp"][2]
    assert by_format["pjm_dataminer_lmp"][1] == "detect"
    assert "pjm_dataminer_lmp expects a CSV header" in by_format["pjm_dataminer_lmp"][2]
    assert "non-numeric value 'abc'" in by_format["nyiso_mis_zonal_lbmp"][2]
    assert by_format["spp_lmp_by_settlement_location"][1:3] == (
        "validate",
        "duplicate_row: exact duplicate of row 2",
    )
    assert by_format["miso_report_lmp"][1:3] == (
        "detect",
        "Unclaimed: no source format claims it: an empty file; miso_report_lmp expects a CSV "
        "header ['Node', 'Type', 'Value', 'HE 1', 'HE 2', 'HE 3', 'HE 4', 'HE 5', 'HE 6', "
        "'HE 7', 'HE 8', 'HE 9', 'HE 10', 'HE 11', 'HE 12', 'HE 13', 'HE 14', 'HE 15', 'HE 16', "
        "'HE 17', 'HE 18', 'HE 19', 'HE 20', 'HE 21', 'HE 22', 'HE 23', 'HE 24']",
    )
    assert all(r[3] for r in reasons), "every dead letter keeps its payload"


def test_the_watermark_does_not_pass_a_failed_day(services):
    producer = ConfirmingProducer(bootstrap())
    fetcher = HttpFetcher(backoff_seconds=0.01)
    key = f"test-{uuid.uuid4().hex[:8]}"
    nyiso = SOURCES["nyiso_damlbmp_zone"]
    body = next(s for s in SAMPLES if s.source == nyiso.name).file.read_bytes()
    days = [date(2022, 7, 16), date(2022, 7, 17), date(2022, 7, 18)]
    with ReplayServer() as server:
        routes = [nyiso.url(d, server.base_url).removeprefix(server.base_url) for d in days]
        server.serve_bytes(routes[0], body)
        server.serve_bytes(routes[1], b"Time Stamp,Name\n")  # wrong header: a failed day
        server.serve_bytes(routes[2], body)
        results = ingest_days(
            nyiso,
            days,
            fetcher=fetcher,
            producer=producer,
            watermark_conn=services,
            watermark_key=key,
            base_url=server.base_url,
        )
    assert [r.status for r in results] == ["published", "file_rejected"]  # day 3 never runs
    assert get_watermark(services, nyiso.name, key=key) == datetime(2022, 7, 17, tzinfo=UTC)
    # and a later success does not move it backwards either
    assert update_watermark(services, nyiso.name, datetime(2022, 7, 1, tzinfo=UTC), key=key) == (
        datetime(2022, 7, 17, tzinfo=UTC)
    )
