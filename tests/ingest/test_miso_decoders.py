"""MISO decoders against the real sample files and malformed variants derived from them."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import detect
from aurum.sources.core.records import Record, Rejection
from aurum.sources.miso import formats as miso

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "miso"
DA_FILE = "20110716_da_lmp.csv"
RT_FILE = "20260926_rt_lmp_final.csv"
API_FILE = "GetRealTimeFiveMinExPost_Current_subset.json"


def _decode(source_format, name: str, data: bytes | None = None):
    data = (SAMPLES / name).read_bytes() if data is None else data
    out = list(source_format.decode(data, name))
    return (
        [o for o in out if isinstance(o, Record)],
        [o for o in out if isinstance(o, Rejection)],
    )


def _pick(records, node, kind, hour):
    (match,) = [
        r
        for r in records
        if r.values["node"] == node
        and r.values["value_kind"] == kind
        and r.values["hour_ending"] == hour
    ]
    return match


@pytest.mark.parametrize("name", [DA_FILE, RT_FILE])
def test_reports_are_claimed_by_content_under_any_name(name):
    assert detect((SAMPLES / name).read_bytes(), "miso_prices.csv") is miso.REPORT_LMP


def test_api_response_is_claimed_by_content():
    assert detect((SAMPLES / API_FILE).read_bytes(), "Current.json") is miso.API_FIVEMIN_LMP


@pytest.mark.parametrize(
    ("title", "name", "kind"),
    [
        ("Day Ahead Market ExPost LMPs", "x.csv", "da_expost_lmp"),
        ("Day Ahead Market ExAnte LMPs", "x.csv", "da_exante_lmp"),
        ("Day Ahead Market LMPs", "20260926_rt_lmp_final.csv", "da_lmp"),  # title wins
        ("Realtime Market LMPs", "x.csv", "rt_lmp_final"),
        ("Realtime Market LMPs", "20260926_rt_lmp_prelim.csv", "rt_lmp_prelim"),  # name: tie
        ("Real-Time Market Preliminary LMPs", "x.csv", "rt_lmp_prelim"),
    ],
)
def test_report_kind_comes_from_the_title(title, name, kind):
    lines = _rt_lines()
    lines[0] = title
    records, rejections = _decode(miso.REPORT_LMP, name, "\n".join(lines).encode())
    assert rejections == [] and {r.values["report_kind"] for r in records} == {kind}


def test_a_title_naming_no_market_rejects_the_file():
    lines = _rt_lines()
    lines[0] = "Market LMPs"
    records, rejections = _decode(miso.REPORT_LMP, RT_FILE, "\n".join(lines).encode())
    assert records == [] and "names neither" in rejections[0].reason


def test_da_report_decodes_every_cell():
    records, rejections = _decode(miso.REPORT_LMP, DA_FILE)
    assert rejections == []
    # MANIFEST: 5,391 rows (1,797 nodes x LMP/MCC/MLC), each de-pivoted to 24 hours.
    assert len(records) == 5391 * 24
    assert {r.values["operating_date"] for r in records} == {date(2011, 7, 16)}
    assert {r.values["report_title"] for r in records} == {"Day Ahead Market LMPs"}
    assert {r.values["report_kind"] for r in records} == {"da_lmp"}
    # Line 6: AEC,Interface,LMP,26.82,... (HE 1), line 1803: AEC MCC HE 4 = .58,
    # HE 6 = -.38; line 3600: AEC MLC HE 1 = -.21.
    first = _pick(records, "AEC", "LMP", 1)
    assert first.row_number == 6
    assert first.values["price"] == 26.82
    assert first.values["node_type"] == "Interface"
    assert _pick(records, "AEC", "MCC", 4).values["price"] == 0.58
    mcc_he6 = _pick(records, "AEC", "MCC", 6)
    assert mcc_he6.values["price"] == -0.38
    assert mcc_he6.row_number == 1803
    assert _pick(records, "AEC", "MLC", 1).values["price"] == -0.21


def test_rt_report_decodes_every_cell():
    records, rejections = _decode(miso.REPORT_LMP, RT_FILE)
    assert rejections == []
    assert len(records) == 66 * 24
    assert {r.values["operating_date"] for r in records} == {date(2026, 9, 26)}
    assert {r.values["report_kind"] for r in records} == {"rt_lmp_final"}
    # Line 8: ARKANSAS.HUB,Hub,LMP,29.38,...; line 30 MCC HE 1 = 0.09; line 52 MLC HE 1 = -0.74.
    assert _pick(records, "ARKANSAS.HUB", "LMP", 1).values["price"] == 29.38
    assert _pick(records, "ARKANSAS.HUB", "LMP", 1).row_number == 8
    assert _pick(records, "ARKANSAS.HUB", "MCC", 1).values["price"] == 0.09
    assert _pick(records, "ARKANSAS.HUB", "MLC", 1).values["price"] == -0.74


def _rt_lines() -> list[str]:
    return (SAMPLES / RT_FILE).read_text().splitlines()


def test_bad_cell_rejects_only_its_row_with_line_number():
    lines = _rt_lines()
    lines[7] = lines[7].replace(",29.38,", ",abc,")  # line 8, ARKANSAS.HUB LMP HE 1
    records, rejections = _decode(miso.REPORT_LMP, RT_FILE, "\n".join(lines).encode())
    assert len(rejections) == 1
    assert rejections[0].row_number == 8
    assert "'abc'" in rejections[0].reason and "HE 1" in rejections[0].reason
    assert len(records) == 65 * 24


def test_wrong_field_count_rejects_only_its_row():
    lines = _rt_lines()
    lines[5] = lines[5] + ",99.0"
    records, rejections = _decode(miso.REPORT_LMP, RT_FILE, "\n".join(lines).encode())
    assert [(r.row_number, r.reason) for r in rejections] == [(6, "expected 27 fields, got 28")]
    assert len(records) == 65 * 24


def test_unknown_value_kind_is_rejected():
    lines = _rt_lines()
    lines[5] = lines[5].replace(",LMP,", ",MEC,", 1)
    _, rejections = _decode(miso.REPORT_LMP, RT_FILE, "\n".join(lines).encode())
    assert len(rejections) == 1 and "'MEC'" in rejections[0].reason


@pytest.mark.parametrize(
    ("line", "replacement", "needle"),
    [
        (1, "09-26-2026", "operating_date"),
        (3, ",,,All Hours-Ending are Central Time", "EST note"),
        (0, "Realtime Market MCPs", "report title"),
        (4, "Node,Type,Value,HE1", "unexpected header"),
    ],
)
def test_odd_preamble_or_header_rejects_the_file(line, replacement, needle):
    lines = _rt_lines()
    lines[line] = replacement
    records, rejections = _decode(miso.REPORT_LMP, RT_FILE, "\n".join(lines).encode())
    assert records == []
    assert len(rejections) == 1 and rejections[0].row_number is None
    assert needle in rejections[0].reason


def test_empty_report_is_one_file_rejection():
    records, rejections = _decode(miso.REPORT_LMP, RT_FILE, b"")
    assert records == [] and len(rejections) == 1 and rejections[0].row_number is None


def test_api_decodes_all_rows():
    records, rejections = _decode(miso.API_FIVEMIN_LMP, API_FILE)
    assert rejections == []
    assert len(records) == 48
    # First entry: ["2026-10-02T16:50:00","AMIL.RICHLAND","31.55","-2.95","0.00"].
    assert records[0].values == {
        "interval": datetime(2026, 10, 2, 16, 50),
        "cpnode": "AMIL.RICHLAND",
        "lmp": 31.55,
        "mlc": -2.95,
        "mcc": 0.0,
    }


def test_api_columns_are_found_by_header_name():
    document = json.loads((SAMPLES / API_FILE).read_text())
    order = [4, 3, 2, 1, 0]
    shuffled = {
        "headers": [document["headers"][i] for i in order],
        "data": [[row[i] for i in order] for row in document["data"]],
    }
    records, rejections = _decode(miso.API_FIVEMIN_LMP, API_FILE, json.dumps(shuffled).encode())
    assert rejections == [] and records[0].values["lmp"] == 31.55


def test_api_bad_row_is_rejected_and_others_decode():
    document = json.loads((SAMPLES / API_FILE).read_text())
    document["data"][1][2] = "n/a"
    document["data"][2] = document["data"][2][:4]
    records, rejections = _decode(miso.API_FIVEMIN_LMP, API_FILE, json.dumps(document).encode())
    assert [r.row_number for r in rejections] == [2, 3]
    assert "'n/a'" in rejections[0].reason and "'LMP'" in rejections[0].reason
    assert len(records) == 46


def test_api_wrong_headers_or_garbage_reject_the_file():
    document = json.loads((SAMPLES / API_FILE).read_text())
    document["headers"][2] = "PRICE"
    for data in (json.dumps(document).encode(), b"", b"<html>"):
        records, rejections = _decode(miso.API_FIVEMIN_LMP, API_FILE, data)
        assert records == [] and len(rejections) == 1 and rejections[0].row_number is None


def test_landing_into_duckdb():
    conn = duckdb.connect()
    ensure_landing_tables(conn, miso.FORMATS)
    result = land_decoded(
        conn,
        miso.REPORT_LMP,
        RT_FILE,
        miso.REPORT_LMP.decode((SAMPLES / RT_FILE).read_bytes(), RT_FILE),
    )
    assert (result.rows, result.rejected) == (66 * 24, 0)
    result = land_decoded(
        conn,
        miso.API_FIVEMIN_LMP,
        API_FILE,
        miso.API_FIVEMIN_LMP.decode((SAMPLES / API_FILE).read_bytes(), API_FILE),
    )
    assert (result.rows, result.rejected) == (48, 0)
    price = conn.execute(
        "select price from landing.miso_report_lmp where node = 'ARKANSAS.HUB' "
        "and value_kind = 'LMP' and hour_ending = 1"
    ).fetchone()
    assert price == (29.38,)
    assert conn.execute("select count(*) from landing.rejected_rows").fetchone() == (0,)


PRELIM = Path(__file__).resolve().parents[1] / "fixtures" / "miso" / "20261001_rt_lmp_prelim.csv"


def test_a_real_preliminary_report_is_told_apart_only_by_its_name():
    # MISO titles the preliminary and the final report alike ("Realtime Market LMPs").
    data = PRELIM.read_bytes()
    assert data.startswith(b"Realtime Market LMPs\n")
    prelim, rejections = _decode(miso.REPORT_LMP, PRELIM.name, data)
    assert rejections == [] and len(prelim) == 66 * 24
    assert {r.values["report_kind"] for r in prelim} == {"rt_lmp_prelim"}
    renamed, _ = _decode(miso.REPORT_LMP, "prices.csv", data)
    assert {r.values["report_kind"] for r in renamed} == {"rt_lmp_final"}  # documented
