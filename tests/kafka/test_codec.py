"""Avro round trips of real decoded rows, dead letters and validation rules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aurum.ingest.validate import validated
from aurum.kafka.codec import decode, encode, encode_landing, landing_message
from aurum.kafka.dead_letters import DLQ_SUBJECT, DeadLetter
from aurum.kafka.schemas import landing_subject
from aurum.sources import format_named
from aurum.sources.core.records import Record

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
FETCHED = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _records(format_name: str, path: Path) -> list[Record]:
    source_format = format_named(format_name)
    return [r for r in source_format.decode(path.read_bytes(), path.name) if isinstance(r, Record)]


def test_a_real_pjm_row_survives_avro_with_its_aliases():
    pjm = format_named("pjm_dataminer_lmp")
    record = _records(
        "pjm_dataminer_lmp", SAMPLES / "pjm/da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"
    )[0]
    payload = encode_landing(pjm, record, "da.csv", FETCHED)
    decoded = decode(landing_subject(pjm.name), payload)
    assert {k: decoded[k] for k in record.values} == record.values
    assert decoded["iso_code"] == "PJM"
    assert decoded["location_id"] == "51217"
    assert decoded["location_name"] == "EASTERN HUB"
    assert decoded["market"] == "da_hrl_lmps"
    assert (decoded["currency"], decoded["uom"], decoded["interval_seconds"]) == (
        "USD",
        "MWh",
        None,
    )
    assert (decoded["source_file"], decoded["source_row"], decoded["fetched_at"]) == (
        "da.csv",
        1,
        FETCHED,
    )


def test_every_real_lmp_sample_encodes():
    for path, format_name in [
        (SAMPLES / "caiso/oasis_PRC_LMP_DAM_20200101_subset_A.zip", "caiso_oasis_prc_lmp"),
        (SAMPLES / "miso/20110716_da_lmp.csv", "miso_report_lmp"),
        (SAMPLES / "ercot/np6-905-cd_SPPHLZNP6905_2026-09-29_HE12_int1_sample.csv", "ercot_rt_spp"),
        (SAMPLES / "nyiso/20220718realtime_zone.csv", "nyiso_mis_zonal_lbmp"),
        (SAMPLES / "spp/RTBM-LMP-DAILY-SL-20250701_subset.csv", "spp_lmp_by_settlement_location"),
    ]:
        source_format = format_named(format_name)
        for record in _records(format_name, path)[:50]:
            message = landing_message(source_format, record, path.name, FETCHED)
            assert decode(
                landing_subject(format_name), encode(landing_subject(format_name), message)
            )


def test_dead_letter_round_trip_keeps_reason_and_payload():
    letter = DeadLetter(
        source="pjm_da_hrl_lmps",
        stage="decode",
        error_class="RowRejected",
        error_message="non-numeric value 'abc' in column 'total_lmp'",
        payload=b"5/1/2025 4:00:00 AM,abc",
        source_format="pjm_dataminer_lmp",
        source_file="da.csv",
        source_row=3,
    )
    decoded = decode(DLQ_SUBJECT, encode(DLQ_SUBJECT, letter.to_record(FETCHED)))
    assert decoded["stage"] == "decode"
    assert decoded["payload"] == b"5/1/2025 4:00:00 AM,abc"
    assert decoded["error_message"].startswith("non-numeric")
    assert decoded["occurred_at"] == FETCHED


def test_a_huge_payload_travels_as_a_pointer():
    letter = DeadLetter(
        "s", "decode", "FileRejected", "bad", payload=b"x" * (2 << 20), source_file="f.zip"
    )
    record = letter.to_record()
    assert record["payload"] is None and record["payload_pointer"] == "f.zip"


def test_validation_flags_duplicates_and_impossible_prices_and_keeps_the_rest():
    pjm = format_named("pjm_dataminer_lmp")
    rows = _records("pjm_dataminer_lmp", SAMPLES / "pjm/da_hrl_lmps_hubs_2025-05-01_to_05-10.csv")[
        :3
    ]
    duplicate = Record(99, dict(rows[0].values))
    absurd = Record(100, {**rows[1].values, "total_lmp": 2.5e6})
    results = [
        (r.row_number, p.rule if p else None) for r, p in validated(pjm, [*rows, duplicate, absurd])
    ]
    assert results == [
        (1, None),
        (2, None),
        (3, None),
        (99, "duplicate_row"),
        (100, "price_out_of_range"),
    ]


def test_the_price_bound_applies_to_lmp_formats_only():
    load = format_named("pjm_hrl_load_metered")
    records = _records(
        "pjm_hrl_load_metered", SAMPLES / "pjm/hrl_load_metered_RTO_2025-01_to_02.csv"
    )
    assert max(r.values["mw"] for r in records) > 100_000  # RTO load in MW, not a price
    assert [p for _, p in validated(load, records) if p] == []
