"""NYISO decoders against the real sample files and malformed variants of them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import detect
from aurum.sources.core.records import Record, Rejection
from aurum.sources.nyiso import formats as nyiso

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data" / "nyiso"
DAM = "20220718damlbmp_zone.csv"
RT = "20220718realtime_zone.csv"
OASIS_DAM = "OASIS_Day-Ahead_Market_Zonal_LBMP_NYC_2024-06.csv"
OASIS_RTC = "OASIS_Real_Time_Commitment_Zonal_LBMP_NYC_2024-06-01_07.csv"


def _read(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _format(name: str):
    return detect(_read(name), name)


def _decode(name: str, data: bytes | None = None) -> tuple[list[Record], list[Rejection]]:
    source_format = _format(name)
    decoded = list(source_format.decode(_read(name) if data is None else data, name))
    records = [d for d in decoded if isinstance(d, Record)]
    rejections = [d for d in decoded if isinstance(d, Rejection)]
    return records, rejections


def _replace_line(name: str, line_number: int, new_line: str) -> bytes:
    """The real file with its 1-based `line_number` replaced (line 1 is the header)."""
    lines = _read(name).decode().splitlines()
    lines[line_number - 1] = new_line
    return ("\n".join(lines) + "\n").encode()


def _by_row(records: list[Record]) -> dict[int, dict]:
    return {r.row_number: r.values for r in records}


# ------------------------------------------------------------------ file claims


def test_each_sample_is_claimed_by_exactly_one_format_whatever_its_name():
    expected = {
        DAM: nyiso.MIS_ZONAL_LBMP,
        RT: nyiso.MIS_ZONAL_LBMP,
        OASIS_DAM: nyiso.OASIS_DAM_ZONAL_LBMP,
        OASIS_RTC: nyiso.OASIS_RTC_ZONAL_LBMP,
        "20171122pal.csv": nyiso.NYISO_PAL,
    }
    for name, source_format in expected.items():
        assert detect(_read(name), "nyiso_rt_zone_prices.csv") is source_format, name


def test_feed_comes_from_the_content():
    # 5-minute stamps are real-time whatever the name says; hourly unquoted stamps are
    # the day-ahead file as NYISO writes it, and a name saying rtlbmp breaks that tie.
    assert {r.values["feed"] for r in _decode_as(RT, "20220718damlbmp_zone.csv")} == {"realtime"}
    assert {r.values["feed"] for r in _decode_as(DAM, "prices.csv")} == {"damlbmp"}
    assert {r.values["feed"] for r in _decode_as(DAM, "20220718rtlbmp_zone.csv")} == {"rtlbmp"}
    quoted = "\n".join(
        '"{}","{}",{}'.format(*line.split(",", 2)) if i else line
        for i, line in enumerate(_read(DAM).decode().splitlines())
    )
    records = [
        d
        for d in nyiso.MIS_ZONAL_LBMP.decode(quoted.encode(), "prices.csv")
        if isinstance(d, Record)
    ]
    assert len(records) == 360 and {r.values["feed"] for r in records} == {"rtlbmp"}


def _decode_as(sample: str, name: str) -> list[Record]:
    records = [d for d in nyiso.MIS_ZONAL_LBMP.decode(_read(sample), name) if isinstance(d, Record)]
    assert records
    return records


# ------------------------------------------------------------------ MIS day-ahead


def test_mis_dam_sample_decodes_every_row():
    records, rejections = _decode(DAM)
    assert rejections == []
    assert len(records) == 360  # 15 zones x 24 hours (MANIFEST)
    assert {r.values["feed"] for r in records} == {"damlbmp"}


def test_mis_dam_values_read_by_hand():
    records = _by_row(_decode(DAM)[0])
    # Line 2: 07/18/2022 00:00,CAPITL,61757,72.06,5.27,0.75
    assert records[1] == {
        "feed": "damlbmp",
        "time_stamp": datetime(2022, 7, 18, 0, 0),
        "name": "CAPITL",
        "ptid": 61757,
        "lbmp": 72.06,
        "marginal_cost_losses": 5.27,
        "marginal_cost_congestion": 0.75,
    }
    # Line 6: 07/18/2022 00:00,H Q,61844,65.52,-2.02,0.00 (name with a space, negative loss)
    assert records[5]["name"] == "H Q"
    assert records[5]["marginal_cost_losses"] == -2.02
    # Line 206: 07/18/2022 13:00,N.Y.C.,61761,111.06,10.02,-18.15
    assert records[205]["time_stamp"] == datetime(2022, 7, 18, 13, 0)
    assert records[205]["marginal_cost_congestion"] == -18.15


def test_mis_dam_non_numeric_price_rejects_only_that_row():
    data = _replace_line(DAM, 3, "07/18/2022 00:00,CENTRL,61754,abc,1.55,0.00")
    records, rejections = _decode(DAM, data)
    assert len(records) == 359
    assert len(rejections) == 1
    assert rejections[0].row_number == 2
    assert "'abc'" in rejections[0].reason and "LBMP ($/MWHr)" in rejections[0].reason
    assert "CENTRL" in rejections[0].payload


def test_mis_dam_wrong_field_count_and_bad_timestamp_are_row_rejections():
    data = _replace_line(DAM, 4, "07/18/2022 00:00,DUNWOD,61760,75.41,7.09")
    data = data.replace(b"07/18/2022 00:00,GENESE", b"07/18/2022 25:00,GENESE")
    records, rejections = _decode(DAM, data)
    assert len(records) == 358
    reasons = {r.row_number: r.reason for r in rejections}
    assert reasons[3] == "expected 6 fields, got 5"
    assert "unparseable timestamp '07/18/2022 25:00'" in reasons[4]


def test_mis_wrong_header_is_one_file_rejection():
    data = _read(DAM).replace(b"Marginal Cost Congestion", b"Congestion", 1)
    records, rejections = _decode(DAM, data)
    assert records == []
    assert len(rejections) == 1
    assert rejections[0].row_number is None
    assert "unexpected header" in rejections[0].reason


def test_mis_empty_file_is_one_file_rejection():
    records, rejections = _decode(DAM, b"")
    assert records == []
    assert [(r.row_number, r.reason) for r in rejections] == [(None, "empty file: no header row")]


# ------------------------------------------------------------------ MIS real-time


def test_mis_realtime_sample_decodes_every_row_including_off_grid_stamps():
    records, rejections = _decode(RT)
    assert rejections == []
    assert len(records) == 4575  # 305 timestamps x 15 zones (MANIFEST)
    assert {r.values["feed"] for r in records} == {"realtime"}
    stamps = {r.values["time_stamp"] for r in records}
    assert len(stamps) == 305
    off_grid = {s for s in stamps if s.second or s.minute % 5}
    assert len(off_grid) == 17
    assert datetime(2022, 7, 18, 0, 15, 12) in off_grid


def test_mis_realtime_values_read_by_hand():
    records = _by_row(_decode(RT)[0])
    # Line 56: "07/18/2022 00:15:12","N.Y.C.",61761,59.36,6.27,-0.82 (off-grid RTD interval)
    assert records[55] == {
        "feed": "realtime",
        "time_stamp": datetime(2022, 7, 18, 0, 15, 12),
        "name": "N.Y.C.",
        "ptid": 61761,
        "lbmp": 59.36,
        "marginal_cost_losses": 6.27,
        "marginal_cost_congestion": -0.82,
    }
    # Line 4568: "07/19/2022 00:00:00","LONGIL",61762,531.30,8.11,-462.26 (hour 24 = next day)
    assert records[4567]["time_stamp"] == datetime(2022, 7, 19, 0, 0)
    assert records[4567]["lbmp"] == 531.30
    assert records[4567]["marginal_cost_congestion"] == -462.26
    # Line 1022: negative-congestion CAPITL at 05:25; NPX the same interval has a negative LBMP.
    assert records[1021]["lbmp"] == 242.86
    npx = [v for v in records.values() if v["name"] == "NPX"]
    assert min(v["lbmp"] for v in npx) == -278.20


def test_mis_realtime_bad_ptid_rejects_only_that_row():
    data = _replace_line(RT, 2, '"07/18/2022 00:05:00","CAPITL",X61757,77.34,6.43,1.32')
    records, rejections = _decode(RT, data)
    assert len(records) == 4574
    assert len(rejections) == 1
    assert rejections[0].row_number == 1
    assert rejections[0].reason == "non-integer value 'X61757' in column 'PTID'"


# ------------------------------------------------------------------ OASIS day-ahead


def test_oasis_dam_sample_decodes_every_row():
    records, rejections = _decode(OASIS_DAM)
    assert rejections == []
    assert len(records) == 720  # June 2024, 30 days x 24 hours
    assert {r.values["eastern_date_hour_time_zone"] for r in records} == {"EDT"}


def test_oasis_dam_values_read_by_hand():
    records = _by_row(_decode(OASIS_DAM)[0])
    # Line 2: 6/1/24 0:00,EDT,N.Y.C.,61761,22.21,1.18,0,1
    assert records[1] == {
        "eastern_date_hour": datetime(2024, 6, 1, 0, 0),
        "eastern_date_hour_time_zone": "EDT",
        "zone_name": "N.Y.C.",
        "zone_ptid": 61761,
        "dam_zonal_lbmp": 22.21,
        "dam_zonal_losses": 1.18,
        "dam_zonal_congestion": 0.0,
        "dam_zonal_price_version": 1,
    }
    # Line 291: 6/13/24 1:00,EDT,N.Y.C.,61761,20.05,1.53,-0.07,1
    assert records[290]["eastern_date_hour"] == datetime(2024, 6, 13, 1, 0)
    assert records[290]["dam_zonal_congestion"] == -0.07
    # Last line 721: 6/30/24 23:00,EDT,N.Y.C.,61761,30.08,2.62,-1.21,1
    assert records[720]["eastern_date_hour"] == datetime(2024, 6, 30, 23, 0)
    assert records[720]["dam_zonal_lbmp"] == 30.08


def test_oasis_dam_unknown_time_zone_and_bad_version_are_row_rejections():
    data = _replace_line(OASIS_DAM, 2, "6/1/24 0:00,CET,N.Y.C.,61761,22.21,1.18,0,1")
    data = data.replace(
        b"6/1/24 1:00,EDT,N.Y.C.,61761,20.66,1.04,0,1",
        b"6/1/24 1:00,EDT,N.Y.C.,61761,20.66,1.04,0,v1",
    )
    records, rejections = _decode(OASIS_DAM, data)
    assert len(records) == 718
    reasons = {r.row_number: r.reason for r in rejections}
    assert "unknown time zone 'CET'" in reasons[1]
    assert reasons[2] == "non-integer value 'v1' in column 'DAM Zonal Price Version'"


def test_oasis_dam_wrong_header_is_one_file_rejection():
    data = _read(OASIS_DAM).replace(b"Eastern Date Hour Time Zone,", b"", 1)
    records, rejections = _decode(OASIS_DAM, data)
    assert records == []
    assert [r.row_number for r in rejections] == [None]


# ------------------------------------------------------------------ OASIS RTC


def test_oasis_rtc_sample_decodes_every_row():
    records, rejections = _decode(OASIS_RTC)
    assert rejections == []
    assert len(records) == 671  # 2024-06-01 00:15 .. 06-07 23:45, every 15 minutes
    stamps = [r.values["rtc_end_time_stamp"] for r in records]
    assert stamps[0] == datetime(2024, 6, 1, 0, 15)
    assert stamps[-1] == datetime(2024, 6, 7, 23, 45)


def test_oasis_rtc_values_read_by_hand():
    records = _by_row(_decode(OASIS_RTC)[0])
    # Line 649: "2024/06/07 18:00:00","N.Y.C.","61761","27.58","2.67","-1.52","1"
    assert records[648] == {
        "rtc_end_time_stamp": datetime(2024, 6, 7, 18, 0),
        "zone_name": "N.Y.C.",
        "zone_ptid": 61761,
        "rtc_zonal_lbmp": 27.58,
        "rtc_zonal_losses": 2.67,
        "rtc_zonal_congestion": -1.52,
        "rtc_zonal_price_version": 1,
    }


def test_oasis_rtc_missing_price_and_extra_field_are_row_rejections():
    data = _replace_line(OASIS_RTC, 2, '"2024/06/01 00:15:00","N.Y.C.","61761","","1.04","0","1"')
    data = data.replace(
        b'"2024/06/01 00:30:00","N.Y.C.","61761","18.88","1.05","0","1"',
        b'"2024/06/01 00:30:00","N.Y.C.","61761","18.88","1.05","0","1","x"',
    )
    records, rejections = _decode(OASIS_RTC, data)
    assert len(records) == 669
    reasons = {r.row_number: r.reason for r in rejections}
    assert reasons == {
        1: "missing value in column 'RTC Zonal LBMP'",
        2: "expected 7 fields, got 8",
    }


# ------------------------------------------------------------------ landing


def test_landing_all_nyiso_samples_into_duckdb():
    conn = duckdb.connect()
    ensure_landing_tables(conn, nyiso.FORMATS)
    for name in (DAM, RT, OASIS_DAM, OASIS_RTC):
        source_format = _format(name)
        result = land_decoded(conn, source_format, name, source_format.decode(_read(name), name))
        assert result.rejected == 0
    counts = dict(
        conn.execute(
            "select 'mis', count(*) from landing.nyiso_mis_zonal_lbmp union all "
            "select 'dam', count(*) from landing.nyiso_oasis_dam_zonal_lbmp union all "
            "select 'rtc', count(*) from landing.nyiso_oasis_rtc_zonal_lbmp union all "
            "select 'rejected', count(*) from landing.rejected_rows"
        ).fetchall()
    )
    assert counts == {"mis": 360 + 4575, "dam": 720, "rtc": 671, "rejected": 0}
    row = conn.execute(
        "select time_stamp, lbmp, marginal_cost_congestion, _source_row "
        "from landing.nyiso_mis_zonal_lbmp "
        "where _source_file = ? and ptid = 61762 and time_stamp = '2022-07-19 00:00:00'",
        [RT],
    ).fetchone()
    assert row == (datetime(2022, 7, 19, 0, 0), 531.30, -462.26, 4567)


def test_landing_keeps_rejections_beside_good_rows():
    conn = duckdb.connect()
    ensure_landing_tables(conn, nyiso.FORMATS)
    data = _replace_line(DAM, 3, "07/18/2022 00:00,CENTRL,61754,abc,1.55,0.00")
    source_format = _format(DAM)
    result = land_decoded(conn, source_format, DAM, source_format.decode(data, DAM))
    assert (result.rows, result.rejected) == (359, 1)
    rejected = conn.execute(
        "select source_format, source_file, source_row from landing.rejected_rows"
    ).fetchall()
    assert rejected == [("nyiso_mis_zonal_lbmp", DAM, 2)]


# ------------------------------------------------------------------ real shapes from elsewhere

PYISO = Path(__file__).resolve().parents[1] / "fixtures" / "nyiso" / "pyiso_lmp_20160218.csv"


def test_a_leading_blank_line_does_not_hide_the_header():
    # pyiso's NYISO realtime fixture, byte for byte: a blank first line, then the header.
    data = PYISO.read_bytes()
    assert data.startswith(b'\n"Time Stamp"')
    assert detect(data, "lmp.csv") is nyiso.MIS_ZONAL_LBMP
    records, rejections = _decode_with(data, "20160218realtime_zone.csv")
    assert rejections == [] and len(records) == 45
    assert records[0].row_number == 1  # the header is row 0 whatever came before it
    # line 3: "02/18/2016 00:15:00","CAPITL",61757,21.53,1.69,0.00
    assert records[0].values["time_stamp"] == datetime(2016, 2, 18, 0, 15)
    assert (records[0].values["ptid"], records[0].values["lbmp"]) == (61757, 21.53)
    assert {r.values["feed"] for r in records} == {"realtime"}


def test_fifteen_minute_stamps_are_not_guessed():
    # The same extract under a name that says nothing: 15-minute stamps are neither the
    # 5-minute realtime file as published nor a supported feed, so the file is refused.
    records, rejections = _decode_with(PYISO.read_bytes(), "lmp.csv")
    assert records == [] and "15-minute stamps" in rejections[0].reason


def _decode_with(data: bytes, name: str) -> tuple[list[Record], list[Rejection]]:
    decoded = list(nyiso.MIS_ZONAL_LBMP.decode(data, name))
    return (
        [d for d in decoded if isinstance(d, Record)],
        [d for d in decoded if isinstance(d, Rejection)],
    )
