"""ISO load decoders: PJM hrl_load_metered, NYISO pal, ISO-NE load web services."""

from __future__ import annotations

import json
from datetime import datetime

from reference_helpers import SAMPLES, split

from aurum.sources.isone.load import (
    ISONE_WS_HOURLY_LOAD,
    ISONE_WS_LOAD_FORECAST,
    ISONE_WS_LOCATIONS,
)
from aurum.sources.nyiso.load import NYISO_PAL
from aurum.sources.pjm.load import PJM_HRL_LOAD_METERED

PJM = SAMPLES / "pjm" / "hrl_load_metered_RTO_2025-01_to_02.csv"
PAL = SAMPLES / "nyiso" / "20171122pal.csv"
ISONE = SAMPLES / "isone"
SYSLOAD_CURRENT = ISONE / "isone_ws_v1.1_hourlysysload_current.json"
SYSLOAD_DAY = ISONE / "isone_ws_v1.1_hourlysysload_day_20240309.json"
DEMAND_4001 = ISONE / "isone_ws_v1.1_realtimehourlydemand_day_20241102_location_4001.json"
FORECAST = ISONE / "isone_ws_v1.1_hourlyloadforecast_all_day_20241102.json"
LOCATIONS = ISONE / "isone_ws_v1.1_locations.json"


def _decode(source_format, path):
    return split(source_format.decode(path.read_bytes(), path.name))


def test_pjm_metered_load():
    records, rejections = _decode(PJM_HRL_LOAD_METERED, PJM)
    assert rejections == []
    assert len(records) == 1416  # 59 days x 24 h
    # line 2: 1/1/2025 5:00:00 AM,1/1/2025 12:00:00 AM,RTO,RTO,RTO,RTO,79083.837,False
    assert records[0] == {
        "datetime_beginning_utc": datetime(2025, 1, 1, 5),
        "datetime_beginning_ept": datetime(2025, 1, 1, 0),
        "nerc_region": "RTO",
        "mkt_region": "RTO",
        "zone": "RTO",
        "load_area": "RTO",
        "mw": 79083.837,
        "is_verified": False,
    }


def test_nyiso_pal_keeps_off_grid_timestamps_and_time_zone():
    records, rejections = _decode(NYISO_PAL, PAL)
    assert rejections == []
    assert len(records) == 3190
    assert {r["time_zone"] for r in records} == {"EST"}
    assert len({r["zone_name"] for r in records}) == 11
    # line 24: "11/22/2017 00:07:34","EST","CAPITL",61757,1147.7 (off the 5-minute grid)
    row = records[22]
    assert (row["time_stamp"], row["zone_name"], row["ptid"], row["load_mw"]) == (
        datetime(2017, 11, 22, 0, 7, 34),
        "CAPITL",
        61757,
        1147.7,
    )
    off_grid = {
        r["time_stamp"] for r in records if r["time_stamp"].second or r["time_stamp"].minute % 5
    }
    assert off_grid


def test_nyiso_pal_bad_rows():
    header = PAL.read_text().splitlines()[0]
    data = "\n".join(
        [
            header,
            '"11/22/2017 00:00:00","CET","CAPITL",61757,1',
            '"11/22/2017 00:05:00","EST","CAPITL",61757,',
        ]
    ).encode()
    records, rejections = split(NYISO_PAL.decode(data, PAL.name))
    assert [r["load_mw"] for r in records] == [None]
    assert rejections[0].row_number == 1 and "Time Zone" in rejections[0].reason


def test_isone_system_load_single_object_and_list():
    current, rejections = _decode(ISONE_WS_HOURLY_LOAD, SYSLOAD_CURRENT)
    assert rejections == [] and len(current) == 1
    assert (current[0]["begin_date_utc"], current[0]["load_mw"], current[0]["ard_demand_mw"]) == (
        datetime(2024, 11, 25, 20),
        13657.274,
        11.035,
    )
    day, rejections = _decode(ISONE_WS_HOURLY_LOAD, SYSLOAD_DAY)
    assert rejections == [] and len(day) == 24
    assert day[0]["native_load_mw"] == 11230.845 and day[0]["utc_offset_minutes"] == -300


def test_isone_zonal_demand():
    records, rejections = _decode(ISONE_WS_HOURLY_LOAD, DEMAND_4001)
    assert rejections == [] and len(records) == 24
    assert records[0]["dataset"] == "realtimehourlydemand"
    assert (records[0]["location_id"], records[0]["location_name"], records[0]["load_mw"]) == (
        "4001",
        ".Z.MAINE",
        902.448,
    )
    assert records[0]["native_load_mw"] is None


def test_isone_forecast_vintages():
    records, rejections = _decode(ISONE_WS_LOAD_FORECAST, FORECAST)
    assert rejections == []
    assert len(records) == 216
    first_hour = [r for r in records if r["begin_date_utc"] == datetime(2024, 11, 2, 4)]
    assert len({r["creation_date_utc"] for r in first_hour}) == len(first_hour) > 1
    assert first_hour[0]["creation_date_utc"] == datetime(2024, 10, 31, 8, 0, 55)
    assert first_hour[0]["load_mw"] == 9910.0


def test_isone_locations():
    records, rejections = _decode(ISONE_WS_LOCATIONS, LOCATIONS)
    assert rejections == [] and len(records) == 19
    assert records[1] == {
        "location_id": "4001",
        "location_type": "LOAD ZONE",
        "location_name": ".Z.MAINE",
        "area_type": "INTERNAL",
    }


def test_isone_empty_result_bad_row_and_bad_file():
    decode = ISONE_WS_HOURLY_LOAD.decode
    assert split(decode(b'{"HourlyRtDemands": ""}', DEMAND_4001.name)) == ([], [])
    document = json.loads(DEMAND_4001.read_text())
    document["HourlyRtDemands"]["HourlyRtDemand"][1]["BeginDate"] = "2024-11-02T01:00:00"
    document["HourlyRtDemands"]["HourlyRtDemand"][2]["Load"] = "lots"
    records, rejections = split(decode(json.dumps(document).encode(), DEMAND_4001.name))
    assert len(records) == 22
    assert [r.row_number for r in rejections] == [2, 3]
    assert "offset" in rejections[0].reason and "lots" in rejections[1].reason
    for data in (b"", b"[]", b'{"HourlyLmps": {}}'):
        records, rejections = split(decode(data, DEMAND_4001.name))
        assert records == [] and rejections[0].row_number is None
