"""CAISO OASIS LMP decoder against the real sample ZIP and variants derived from it."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import Unclaimed, detect
from aurum.sources.caiso import formats as caiso
from aurum.sources.core.records import Record, Rejection

SAMPLE = (
    Path(__file__).parents[2] / "sample_data" / "caiso" / "oasis_PRC_LMP_DAM_20200101_subset_A.zip"
)
INNER = "20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1.csv"


def _decode(data: bytes, name: str = SAMPLE.name):
    items = list(caiso.decode(data, name))
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, Rejection)],
    )


def _csv_text() -> str:
    with zipfile.ZipFile(SAMPLE) as archive:
        return archive.read(INNER).decode()


def _zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


OASIS_ERROR = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<m:OASISReport xmlns:m="http://www.caiso.com/soa/OASISReport_v1.xsd">'
    "<m:MessagePayload><m:RTO><m:name>CAISO</m:name><m:ERROR>"
    "<m:ERR_CODE>1000</m:ERR_CODE>"
    "<m:ERR_DESC>No data returned for the specified selection</m:ERR_DESC>"
    "</m:ERROR></m:RTO></m:MessagePayload></m:OASISReport>"
)


def test_content_claims_oasis_zips_their_csv_and_their_error_reports():
    # The name plays no part: a download renamed by a user is still an OASIS answer.
    assert detect(SAMPLE.read_bytes(), "caiso_prices (1).zip") is caiso.OASIS_PRC_LMP
    assert detect(_csv_text().encode(), "unzipped.csv") is caiso.OASIS_PRC_LMP
    assert detect(_zip({"INVALID_REQUEST.xml": OASIS_ERROR}), "x.zip") is caiso.OASIS_PRC_LMP
    with pytest.raises(Unclaimed, match="ZIP holding"):
        detect(_zip({"readme.txt": "nothing here"}), "oasis_PRC_LMP_DAM_20200101.zip")


def test_the_unzipped_csv_decodes_like_the_zip():
    records, rejections = _decode(_csv_text().encode(), INNER)
    assert rejections == [] and len(records) == 4512
    assert records[0].values["inner_file"] == INNER


def test_real_sample_decodes_every_row():
    records, rejections = _decode(SAMPLE.read_bytes())
    assert rejections == []
    assert len(records) == 4512  # MANIFEST: 47 nodes x 4 LMP_TYPE x 24 h
    assert {r.values["lmp_type"] for r in records} == {"LMP", "MCE", "MCC", "MCL"}
    assert {r.values["value_column"] for r in records} == {"MW"}
    assert [r.row_number for r in records] == list(range(1, 4513))


def test_real_sample_first_row_by_hand():
    # inner CSV line 2: 2020-01-02T05:00:00-00:00,2020-01-02T06:00:00-00:00,2020-01-01,22,0,
    # AFPR_1_TOT_GEN-APND,...,DAM,LMP,LMP_PRC,AFPR_1_TOT_GEN-APND,ALL_APNODES,0,34.04259,1
    records, _ = _decode(SAMPLE.read_bytes())
    first = records[0].values
    assert first["interval_start_gmt"] == datetime(2020, 1, 2, 5)
    assert first["interval_end_gmt"] == datetime(2020, 1, 2, 6)
    assert first["opr_dt"] == date(2020, 1, 1)
    assert first["opr_hr"] == 22
    assert first["opr_interval"] == 0
    assert first["node"] == "AFPR_1_TOT_GEN-APND"
    assert first["market_run_id"] == "DAM"
    assert first["lmp_type"] == "LMP"
    assert first["value"] == 34.04259
    assert first["inner_file"] == INNER


def test_real_sample_np15_components_add_up():
    # inner CSV lines 4329 (LMP 28.57089), 4338 (MCC 0), 4356 (MCE 27.90399),
    # 4376 (MCL 0.66691): TH_NP15_GEN-APND, GMT 2020-01-02 19:00-20:00, OPR_DT 2020-01-02 HE12
    records, _ = _decode(SAMPLE.read_bytes())
    by_line = {r.row_number + 1: r.values for r in records}
    parts = {by_line[n]["lmp_type"]: by_line[n]["value"] for n in (4329, 4338, 4356, 4376)}
    assert parts == {"LMP": 28.57089, "MCC": 0.0, "MCE": 27.90399, "MCL": 0.66691}
    assert {by_line[n]["node"] for n in (4329, 4338, 4356, 4376)} == {"TH_NP15_GEN-APND"}
    assert abs(parts["MCE"] + parts["MCC"] + parts["MCL"] - parts["LMP"]) < 1e-4


def test_negative_loss_component_survives():
    # last line of the inner CSV: TH_ZP26_GEN-APND MCL at GMT 11:00 is -1.10198
    records, _ = _decode(SAMPLE.read_bytes())
    assert records[-1].values["node"] == "TH_ZP26_GEN-APND"
    assert records[-1].values["value"] == -1.10198


def test_truncated_zip_is_one_file_rejection():
    data = SAMPLE.read_bytes()
    records, rejections = _decode(data[: len(data) // 2])
    assert records == []
    assert len(rejections) == 1
    assert rejections[0].row_number is None
    assert "ZIP" in rejections[0].reason


def test_empty_file_and_zip_without_csv():
    _, rejections = _decode(b"")
    assert [r.row_number for r in rejections] == [None]
    records, rejections = _decode(_zip({"readme.txt": "nothing here"}))
    assert records == []
    assert len(rejections) == 1
    assert "no CSV" in rejections[0].reason


def test_oasis_xml_error_rejects_file_with_its_text():
    records, rejections = _decode(_zip({"INVALID_REQUEST.xml": OASIS_ERROR}))
    assert records == []
    assert len(rejections) == 1
    assert rejections[0].row_number is None
    assert rejections[0].reason == "OASIS error 1000: No data returned for the specified selection"


def test_wrong_header_is_one_file_rejection():
    text = _csv_text().replace(",MW,", ",PRICE,", 1)
    records, rejections = _decode(_zip({INNER: text}))
    assert records == []
    assert len(rejections) == 1
    assert rejections[0].row_number is None
    assert "unexpected OASIS LMP header" in rejections[0].reason


def test_bad_rows_are_rejected_and_the_rest_decode():
    lines = _csv_text().splitlines()
    lines[1] = lines[1].replace("34.04259", "n/a")  # data row 1: non-numeric price
    lines[2] = lines[2] + ",extra"  # data row 2: wrong field count
    lines[3] = lines[3].replace("2020-01-02T06:00:00-00:00", "2020-01-02 06:00")  # no offset
    records, rejections = _decode(_zip({INNER: "\n".join(lines) + "\n"}))
    assert len(records) == 4509
    assert [r.row_number for r in rejections] == [1, 2, 3]
    assert "'n/a'" in rejections[0].reason and "'MW'" in rejections[0].reason
    assert rejections[1].reason == "expected 16 fields, got 17"
    assert "INTERVALSTARTTIME_GMT" in rejections[2].reason


def test_rtm_interval_layout_reads_value_column_by_name():
    # PRC_INTVL_LMP puts VALUE before OPR_INTERVAL; derived from a real sample row.
    header = (
        "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,NODE_ID_XML,NODE_ID,NODE,"
        "MARKET_RUN_ID,LMP_TYPE,XML_DATA_ITEM,PNODE_RESMRID,GRP_TYPE,POS,VALUE,OPR_INTERVAL,GROUP"
    )
    row = (
        "2020-01-02T19:05:00-00:00,2020-01-02T19:10:00-00:00,2020-01-02,12,TH_NP15_GEN-APND,"
        "TH_NP15_GEN-APND,TH_NP15_GEN-APND,RTM,LMP,LMP_PRC,TH_NP15_GEN-APND,ALL_APNODES,0,"
        "-3.5,2,1"
    )
    records, rejections = _decode(_zip({"x_PRC_INTVL_LMP_RTM.csv": f"{header}\n{row}\n"}))
    assert rejections == []
    (record,) = records
    assert record.values["value"] == -3.5
    assert record.values["value_column"] == "VALUE"
    assert record.values["opr_interval"] == 2
    assert record.values["market_run_id"] == "RTM"


def test_several_csv_members_get_distinct_row_numbers():
    text = _csv_text()
    head = "\n".join(text.splitlines()[:3]) + "\n"
    records, rejections = _decode(_zip({"a_LMP.csv": head, "b_MCC.csv": head}))
    assert rejections == []
    assert [r.row_number for r in records] == [1, 2, 3, 4]
    assert [r.values["inner_file"] for r in records] == ["a_LMP.csv"] * 2 + ["b_MCC.csv"] * 2


def test_lands_into_duckdb():
    conn = duckdb.connect()
    ensure_landing_tables(conn, caiso.FORMATS)
    result = land_decoded(
        conn, caiso.OASIS_PRC_LMP, SAMPLE.name, caiso.decode(SAMPLE.read_bytes(), SAMPLE.name)
    )
    assert (result.rows, result.rejected) == (4512, 0)
    row = conn.execute(
        "select value, opr_hr from landing.caiso_oasis_prc_lmp "
        "where node = 'TH_NP15_GEN-APND' and lmp_type = 'LMP' "
        "and interval_start_gmt = timestamp '2020-01-02 19:00:00'"
    ).fetchone()
    assert row == (28.57089, 12)
