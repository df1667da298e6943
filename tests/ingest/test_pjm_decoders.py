"""PJM Data Miner 2 decoder against the real exports and broken variants of them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aurum.sources import detect
from aurum.sources.core.records import Record, Rejection
from aurum.sources.pjm.formats import DATAMINER_LMP, decode
from aurum.sources.pjm.load import PJM_HRL_LOAD_METERED

PJM = Path(__file__).resolve().parents[2] / "sample_data" / "pjm"
DA = PJM / "da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"
RT = PJM / "rt_hrl_lmps_hubs_2025-05-01_to_05-10.csv"
RT5 = PJM / "rt_fivemin_hrl_lmps_PJM-RTO_2025-09-01_first6h.csv"


def _split(items):
    records = [i for i in items if isinstance(i, Record)]
    rejections = [i for i in items if isinstance(i, Rejection)]
    return records, rejections


def test_files_are_claimed_by_the_dataminer_format_and_load_files_are_not():
    for path in (DA, RT, RT5):
        assert detect(path.read_bytes(), "pjm_export.csv") is DATAMINER_LMP
    load = PJM / "hrl_load_metered_RTO_2025-01_to_02.csv"
    assert detect(load.read_bytes(), "rt_hrl_lmps.csv") is PJM_HRL_LOAD_METERED


def test_day_ahead_file_decodes_every_row():
    records, rejections = _split(list(decode(DA.read_bytes(), DA.name)))
    assert len(records) == 2880 and rejections == []
    # Line 2 of the file: 5/1/2025 4:00:00 AM,5/1/2025 12:00:00 AM,51217,EASTERN HUB,,,HUB,,
    # 30.98,24.966949,-6.094939,0.081888,True,1
    first = records[0]
    assert first.row_number == 1
    assert first.values == {
        "feed": "da_hrl_lmps",
        "datetime_beginning_utc": datetime(2025, 5, 1, 4),
        "datetime_beginning_ept": datetime(2025, 5, 1, 0),
        "pnode_id": 51217,
        "pnode_name": "EASTERN HUB",
        "voltage": None,
        "equipment": None,
        "type": "HUB",
        "zone": None,
        "system_energy_price": 30.98,
        "total_lmp": 24.966949,
        "congestion_price": -6.094939,
        "marginal_loss_price": 0.081888,
        "row_is_current": True,
        "version_nbr": 1,
    }


def test_real_time_feeds_come_from_the_stamps_not_the_name():
    rt_records, _ = _split(list(decode(RT.read_bytes(), "rt_fivemin_hrl_lmps.csv")))
    rt5_records, _ = _split(list(decode(RT5.read_bytes(), "rt_hrl_lmps.csv")))
    assert len(rt_records) == 2880 and rt_records[0].values["feed"] == "rt_hrl_lmps"
    assert len(rt5_records) == 72 and rt5_records[0].values["feed"] == "rt_fivemin_hrl_lmps"
    # Line 3 of the 5-minute file: 9/1/2025 4:05:00 AM ... 18.670000,18.686130,0.009298,0.006832
    assert rt5_records[1].values["datetime_beginning_utc"] == datetime(2025, 9, 1, 4, 5)
    assert rt5_records[1].values["total_lmp"] == 18.68613


def test_a_non_numeric_price_rejects_that_row_only():
    lines = DA.read_text().splitlines()
    lines[3] = lines[3].replace("30.98,", "thirty,", 1)
    records, rejections = _split(list(decode("\n".join(lines).encode(), DA.name)))
    assert len(records) == 2879
    assert [(r.row_number, r.reason) for r in rejections] == [
        (3, "non-numeric value 'thirty' in column 'system_energy_price'")
    ]
    assert "thirty" in rejections[0].payload


def test_a_short_row_and_a_bad_timestamp_are_rejected_with_reasons():
    lines = DA.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 2)[0]
    lines[2] = lines[2].replace("5/1/2025 4:00:00 AM", "2025-05-01 04:00", 1)
    _, rejections = _split(list(decode("\n".join(lines).encode(), DA.name)))
    assert [r.row_number for r in rejections] == [1, 2]
    assert rejections[0].reason == "expected 14 fields, got 12"
    assert "unparseable timestamp '2025-05-01 04:00'" in rejections[1].reason


def test_a_wrong_header_rejects_the_file():
    text = DA.read_text().replace("total_lmp_da", "lmp_total", 1)
    items = list(decode(text.encode(), DA.name))
    assert len(items) == 1 and items[0].row_number is None
    assert items[0].reason.startswith("unexpected header")


def test_rt_data_in_a_day_ahead_named_file_is_real_time():
    records, _ = _split(list(decode(RT.read_bytes(), "da_hrl_lmps_mislabelled.csv")))
    assert {r.values["feed"] for r in records} == {"rt_hrl_lmps"}


def test_one_on_the_hour_stamp_per_pnode_needs_the_name_or_is_refused():
    lines = RT.read_text().splitlines()
    first_hour = "\n".join(lines[:13]).encode()  # 12 hubs, one hour
    records, _ = _split(list(decode(first_hour, "rt_fivemin_hrl_lmps_x.csv")))
    assert {r.values["feed"] for r in records} == {"rt_fivemin_hrl_lmps"}
    records, rejections = _split(list(decode(first_hour, "export.csv")))
    assert records == [] and "cannot tell the 5-minute from the hourly" in rejections[0].reason


def test_an_empty_file_is_one_rejection():
    items = list(decode(b"", DA.name))
    assert [(i.row_number, i.reason) for i in items] == [(None, "empty file: no header row")]
