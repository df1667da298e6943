"""SPP LMP-by-settlement-location decoder against the real DA and RTBM samples."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import detect
from aurum.sources.core.records import Record, Rejection
from aurum.sources.spp import formats as spp

SPP_DIR = Path(__file__).parents[2] / "sample_data" / "spp"
DA = SPP_DIR / "DA-LMP-SL-202606010100_subset.csv"
RTBM = SPP_DIR / "RTBM-LMP-DAILY-SL-20250701_subset.csv"


def _decode(data: bytes, name: str):
    items = list(spp.decode(data, name))
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, Rejection)],
    )


def test_content_claims_both_layouts_under_any_name():
    assert detect(DA.read_bytes(), "spp.csv") is spp.LMP_BY_SETTLEMENT_LOCATION
    assert detect(RTBM.read_bytes(), "spp (2).csv") is spp.LMP_BY_SETTLEMENT_LOCATION


def test_file_kind_comes_from_the_content_not_the_name():
    da, _ = _decode(DA.read_bytes(), "RTBM-LMP-SL-misnamed.csv")  # hourly stamps: DA
    rtbm, _ = _decode(RTBM.read_bytes(), "DA-LMP-SL-misnamed.csv")  # daily RTBM layout
    assert {r.values["file_kind"] for r in da} == {"DA"}
    assert {r.values["file_kind"] for r in rtbm} == {"RTBM"}
    # The shared layout with 5-minute stamps is RTBM too.
    lines = DA.read_text().splitlines()
    five_minute = "\n".join([lines[0], *(x.replace(" 01:00,", " 00:05,", 1) for x in lines[1:3])])
    records, _ = _decode(five_minute.encode(), "x.csv")
    assert {r.values["file_kind"] for r in records} == {"RTBM"}


def test_one_stamp_on_the_hour_needs_the_name_or_is_refused():
    lines = DA.read_text().splitlines()
    single = "\n".join(lines[:7]).encode()  # six locations, HE01 only
    records, _ = _decode(single, "RTBM-LMP-SL-202606010100.csv")
    assert {r.values["file_kind"] for r in records} == {"RTBM"}
    records, rejections = _decode(single, "prices.csv")
    assert records == [] and "cannot tell DA from RTBM" in rejections[0].reason


def test_da_sample_by_hand():
    records, rejections = _decode(DA.read_bytes(), DA.name)
    assert rejections == []
    assert len(records) == 12  # MANIFEST: 6 locations x 2 hours
    # line 2: 6/1/2026 01:00,6/1/2026 06:00,SPP,AEC,SOUC,23.0201,0.9433,4.6205,17.4563
    assert records[0].values == {
        "file_kind": "DA",
        "interval_local": datetime(2026, 6, 1, 1),
        "gmt_interval_end": datetime(2026, 6, 1, 6),
        "baa": "SPP",
        "settlement_location": "AEC",
        "pnode": "SOUC",
        "lmp": 23.0201,
        "mlc": 0.9433,
        "mcc": 4.6205,
        "mec": 17.4563,
    }
    # line 13: ...SWPW,SWPW_HUB,SWPW_HUB_H,19.6248,-0.239,-0.0021,19.8659 (negative MLC/MCC)
    last = records[-1].values
    assert (last["baa"], last["settlement_location"], last["mcc"]) == ("SWPW", "SWPW_HUB", -0.0021)
    for record in records:
        v = record.values
        assert abs(v["mec"] + v["mcc"] + v["mlc"] - v["lmp"]) < 1e-3


def test_rtbm_sample_by_hand():
    records, rejections = _decode(RTBM.read_bytes(), RTBM.name)
    assert rejections == []
    assert len(records) == 69  # MANIFEST: 3 locations x 23 intervals
    # line 69: 07/01/2025 01:55:00,07/01/2025 06:55:00,SPPNORTH_HUB,SPPNORTH_H,24.4261,-0.2511,...
    v = records[67].values
    assert records[67].row_number == 68
    assert v["file_kind"] == "RTBM"
    assert v["interval_local"] == datetime(2025, 7, 1, 1, 55)
    assert v["gmt_interval_end"] == datetime(2025, 7, 1, 6, 55)
    assert v["baa"] is None
    assert (v["settlement_location"], v["pnode"]) == ("SPPNORTH_HUB", "SPPNORTH_H")
    assert (v["lmp"], v["mlc"], v["mcc"], v["mec"]) == (24.4261, -0.2511, 0.0, 24.6772)


def test_older_da_layout_without_baa():
    header = "Interval,GMTIntervalEnd,Settlement Location,Pnode,LMP,MLC,MCC,MEC\n"
    row = "09/23/2025 01:00:00,09/23/2025 06:00:00,SPPNORTH_HUB,SPPNORTH_H,-5.5,0.1,-0.6,-5.0\n"
    records, rejections = _decode((header + row).encode(), "DA-LMP-SL-202509230100.csv")
    assert rejections == []
    assert records[0].values["baa"] is None
    assert records[0].values["lmp"] == -5.5


def test_upper_case_layout_with_trailing_baa():
    header = "INTERVAL,GMTINTERVALEND,SETTLEMENT_LOCATION,PNODE,LMP,MLC,MCC,MEC,BAA\n"
    row = "10/01/2026 01:00:00,10/01/2026 06:00:00,AEC,SOUC,1.5,0.5,0.5,0.5,SPP\n"
    records, rejections = _decode((header + row).encode(), "DA-LMP-SL-202610010100.csv")
    assert rejections == []
    assert records[0].values["baa"] == "SPP"


def test_wrong_header_and_empty_file_are_file_rejections():
    text = DA.read_text().replace("MEC", "XYZ", 1)
    records, rejections = _decode(text.encode(), DA.name)
    assert records == []
    assert [r.row_number for r in rejections] == [None]
    assert "unexpected SPP LMP header" in rejections[0].reason
    records, rejections = _decode(b"", DA.name)
    assert records == [] and [r.row_number for r in rejections] == [None]
    assert "empty file" in rejections[0].reason


def test_bad_rows_are_rejected_and_the_rest_decode():
    lines = DA.read_text().splitlines()
    lines[1] = lines[1].replace("23.0201", "abc")  # data row 1: non-numeric LMP
    lines[2] = lines[2] + ",1"  # data row 2: wrong field count
    lines[3] = lines[3].replace("6/1/2026 06:00", "2026-06-01T06:00")  # data row 3: bad date
    records, rejections = _decode(("\n".join(lines) + "\n").encode(), DA.name)
    assert len(records) == 9
    assert [r.row_number for r in rejections] == [1, 2, 3]
    assert "'abc'" in rejections[0].reason and "'LMP'" in rejections[0].reason
    assert rejections[1].reason == "expected 9 fields, got 10"
    assert "GMTIntervalEnd" in rejections[2].reason


def test_lands_into_duckdb():
    conn = duckdb.connect()
    ensure_landing_tables(conn, spp.FORMATS)
    for path in (DA, RTBM):
        result = land_decoded(
            conn,
            spp.LMP_BY_SETTLEMENT_LOCATION,
            path.name,
            spp.decode(path.read_bytes(), path.name),
        )
        assert result.rejected == 0
    counts = conn.execute(
        "select file_kind, count(*) from landing.spp_lmp_by_settlement_location "
        "group by file_kind order by file_kind"
    ).fetchall()
    assert counts == [("DA", 12), ("RTBM", 69)]
