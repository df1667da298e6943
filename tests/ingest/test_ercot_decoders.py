"""ERCOT decoders against the real sample files and malformed variants derived from them."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import Unclaimed, detect
from aurum.sources.core.records import Record, Rejection
from aurum.sources.ercot import formats as ercot

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "ercot"
DAM_FILE = "np4-190-cd_DAMSPNP4190_2026-09-29_sample.csv"
RT_FILE = "np6-905-cd_SPPHLZNP6905_2026-09-29_HE12_int1_sample.csv"
SCED_FILE = "np6-788-cd_LMPSROSNODENP6788_2026-09-29T112517_sample.csv"
API_FILE = "api_np6-905-cd_spp_node_zone_hub_2026-09-28_sample.json"


def _decode(source_format, name: str, data: bytes | None = None):
    data = (SAMPLES / name).read_bytes() if data is None else data
    out = list(source_format.decode(data, name))
    return (
        [o for o in out if isinstance(o, Record)],
        [o for o in out if isinstance(o, Rejection)],
    )


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (DAM_FILE, ercot.DAM_SPP),
        (RT_FILE, ercot.RT_SPP),
        (SCED_FILE, ercot.SCED_LMP),
        (API_FILE, ercot.API_RT_SPP),
    ],
)
def test_each_sample_is_claimed_by_its_content(name, expected):
    data = (SAMPLES / name).read_bytes()
    assert detect(data, "ercot_download") is expected
    if not name.endswith(".json"):  # and as ERCOT serves it, inside a *_csv.zip
        assert detect(_zip("inner.csv", data), "x.zip") is expected


def test_other_documents_are_not_claimed():
    for data in (_zip("DAMSPNP4190.xml", b"<x/>"), b"DeliveryDate,Load\n01/01/2026,1\n"):
        with pytest.raises(Unclaimed):
            detect(data, "cdr.00012331.0000000000000000.20260928.123005.DAMSPNP4190_csv.zip")


def test_dam_sample():
    records, rejections = _decode(ercot.DAM_SPP, DAM_FILE)
    assert rejections == [] and len(records) == 40
    # Line 2: `09/29/2026,01:00,7RNCHSLR_ALL, 28.4,N` (leading space on the price).
    assert records[0].values == {
        "delivery_date": date(2026, 9, 29),
        "hour_ending": 1,
        "settlement_point": "7RNCHSLR_ALL",
        "settlement_point_price": 28.4,
        "dst_flag": False,
    }
    # Line 34: `09/29/2026,02:00,LZ_AEN, 27.64,N` -> data row 33.
    assert records[32].row_number == 33
    assert records[32].values["hour_ending"] == 2
    assert records[32].values["settlement_point_price"] == 27.64


def test_rt_sample():
    records, rejections = _decode(ercot.RT_SPP, RT_FILE)
    assert rejections == [] and len(records) == 28
    # Lines 14/15: LZ_AEN published as LZ (21.72) and LZEW (21.71).
    assert [
        (r.values["settlement_point_type"], r.values["settlement_point_price"])
        for r in records[12:14]
    ] == [
        ("LZ", 21.72),
        ("LZEW", 21.71),
    ]
    assert {(r.values["delivery_hour"], r.values["delivery_interval"]) for r in records} == {
        (12, 1)
    }


def test_sced_sample():
    records, rejections = _decode(ercot.SCED_LMP, SCED_FILE)
    assert rejections == [] and len(records) == 20
    # Line 10: `09/29/2026 11:25:17,N,HB_NORTH,       14.20` (right-justified).
    assert records[8].values == {
        "sced_timestamp": datetime(2026, 9, 29, 11, 25, 17),
        "repeated_hour_flag": False,
        "settlement_point": "HB_NORTH",
        "lmp": 14.2,
    }


def test_api_sample():
    records, rejections = _decode(ercot.API_RT_SPP, API_FILE)
    assert rejections == [] and len(records) == 56
    assert records[0].values == {
        "delivery_date": date(2026, 9, 28),
        "delivery_hour": 1,
        "delivery_interval": 1,
        "settlement_point": "LGE_LGE_STG",
        "settlement_point_type": "PCCRN",
        "settlement_point_price": 45.05,
        "dst_flag": False,
    }


def test_api_columns_follow_fields_not_positions():
    document = json.loads((SAMPLES / API_FILE).read_text())
    order = [6, 5, 4, 3, 2, 1, 0]
    document["fields"] = [document["fields"][i] for i in order]
    document["data"] = [[row[i] for i in order] for row in document["data"]]
    records, rejections = _decode(ercot.API_RT_SPP, API_FILE, json.dumps(document).encode())
    assert rejections == [] and records[0].values["settlement_point_price"] == 45.05


def test_api_bad_rows_rejected_and_missing_field_rejects_file():
    document = json.loads((SAMPLES / API_FILE).read_text())
    document["data"][0][5] = "high"
    document["data"][1][6] = "maybe"
    document["data"][2] = document["data"][2][:3]
    records, rejections = _decode(ercot.API_RT_SPP, API_FILE, json.dumps(document).encode())
    assert [r.row_number for r in rejections] == [1, 2, 3]
    assert "'settlementPointPrice'" in rejections[0].reason
    assert "'DSTFlag'" in rejections[1].reason
    assert len(records) == 53
    del document["fields"][5]
    records, rejections = _decode(ercot.API_RT_SPP, API_FILE, json.dumps(document).encode())
    assert records == [] and len(rejections) == 1 and rejections[0].row_number is None


@pytest.mark.parametrize(
    ("source_format", "name", "line", "old", "new", "needle"),
    [
        (ercot.DAM_SPP, DAM_FILE, 1, " 28.4", " 28.4x", "'SettlementPointPrice'"),
        (ercot.DAM_SPP, DAM_FILE, 1, "01:00", "01:30", "'HourEnding'"),
        (ercot.DAM_SPP, DAM_FILE, 1, ",N", ",X", "'DSTFlag'"),
        (ercot.RT_SPP, RT_FILE, 1, ",12,1,", ",12,5,", "'DeliveryInterval'"),
        (ercot.SCED_LMP, SCED_FILE, 1, "30.72", "--", "'LMP'"),
        (ercot.SCED_LMP, SCED_FILE, 1, "11:25:17", "25:61:00", "'SCEDTimestamp'"),
    ],
)
def test_bad_value_rejects_only_its_row(source_format, name, line, old, new, needle):
    lines = (SAMPLES / name).read_text().splitlines()
    lines[line] = lines[line].replace(old, new, 1)
    records, rejections = _decode(source_format, name, "\n".join(lines).encode())
    assert len(rejections) == 1 and rejections[0].row_number == line
    assert needle in rejections[0].reason
    assert len(records) == len(lines) - 2


def test_wrong_field_count_and_wrong_header():
    lines = (SAMPLES / DAM_FILE).read_text().splitlines()
    lines[2] += ",extra"
    records, rejections = _decode(ercot.DAM_SPP, DAM_FILE, "\n".join(lines).encode())
    assert [(r.row_number, r.reason) for r in rejections] == [(2, "expected 5 fields, got 6")]
    assert len(records) == 39
    lines = (SAMPLES / DAM_FILE).read_text().splitlines()
    lines[0] = lines[0].replace("DSTFlag", "RepeatedHourFlag")
    records, rejections = _decode(ercot.DAM_SPP, DAM_FILE, "\n".join(lines).encode())
    assert records == [] and len(rejections) == 1 and rejections[0].row_number is None


@pytest.mark.parametrize(
    "source_format", [ercot.DAM_SPP, ercot.RT_SPP, ercot.SCED_LMP, ercot.API_RT_SPP]
)
def test_empty_file_is_one_file_rejection(source_format):
    records, rejections = _decode(source_format, "x", b"")
    assert records == [] and len(rejections) == 1 and rejections[0].row_number is None


def test_zip_wrapper_decodes_like_the_bare_csv():
    data = (SAMPLES / RT_FILE).read_bytes()
    wrapped = _zip("cdr.00012301.SPPHLZNP6905_20260929_1115.csv", data)
    name = "cdr.00012301.SPPHLZNP6905_20260929_1115_csv.zip"
    zipped, rejections = _decode(ercot.RT_SPP, name, wrapped)
    bare, _ = _decode(ercot.RT_SPP, RT_FILE)
    assert rejections == [] and zipped == bare


def test_truncated_or_empty_zip_is_one_file_rejection():
    wrapped = _zip("inner.csv", (SAMPLES / DAM_FILE).read_bytes())
    for data in (wrapped[: len(wrapped) // 2], _zip("readme.txt", b"hello")):
        records, rejections = _decode(ercot.DAM_SPP, "x_csv.zip", data)
        assert records == [] and len(rejections) == 1 and rejections[0].row_number is None


def test_landing_into_duckdb():
    conn = duckdb.connect()
    ensure_landing_tables(conn, ercot.FORMATS)
    expected = {DAM_FILE: 40, RT_FILE: 28, SCED_FILE: 20, API_FILE: 56}
    for name, rows in expected.items():
        source_format = detect((SAMPLES / name).read_bytes(), name)
        result = land_decoded(
            conn, source_format, name, source_format.decode((SAMPLES / name).read_bytes(), name)
        )
        assert (result.rows, result.rejected) == (rows, 0)
    assert conn.execute(
        "select settlement_point_price from landing.ercot_rt_spp "
        "where settlement_point_name = 'LZ_AEN' and settlement_point_type = 'LZEW'"
    ).fetchone() == (21.71,)
    assert conn.execute("select count(*) from landing.rejected_rows").fetchone() == (0,)


API_DAM_FILE = "api_np4-190-cd_dam_stlmnt_pnt_prices_2026-09-28_sample.json"


def test_public_api_dam_prices():
    data = (SAMPLES / API_DAM_FILE).read_bytes()
    assert detect(data, "response.json") is ercot.API_DAM_SPP
    records, rejections = _decode(ercot.API_DAM_SPP, API_DAM_FILE)
    assert rejections == [] and len(records) == 40
    # data[0]: ["2026-09-28", "01:00", "7RNCHSLR_ALL", 42.42, false]
    assert records[0].values == {
        "delivery_date": date(2026, 9, 28),
        "hour_ending": 1,
        "settlement_point": "7RNCHSLR_ALL",
        "settlement_point_price": 42.42,
        "dst_flag": False,
    }
    # data[39]: ["2026-09-28", "02:00", "LZ_WEST", 44.98, false]
    assert (records[-1].values["hour_ending"], records[-1].values["settlement_point_price"]) == (
        2,
        44.98,
    )


def test_public_api_dam_and_rt_reports_are_told_apart_by_their_fields():
    dam = json.loads((SAMPLES / API_DAM_FILE).read_text())
    rt = json.loads((SAMPLES / API_FILE).read_text())
    assert detect(json.dumps(dam).encode(), "x.json") is ercot.API_DAM_SPP
    assert detect(json.dumps(rt).encode(), "x.json") is ercot.API_RT_SPP
    dam["data"][0][1] = "25:00"
    records, rejections = _decode(ercot.API_DAM_SPP, API_DAM_FILE, json.dumps(dam).encode())
    assert len(records) == 39 and "out of range 1..24" in rejections[0].reason
