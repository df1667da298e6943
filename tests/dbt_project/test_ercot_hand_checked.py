"""ERCOT intervals in market.fct_lmp checked against values read by hand from the raw files."""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration


def _interval(conn, market: str, location_id: str, start: datetime):
    return conn.execute(
        "select interval_end_utc, interval_seconds, lmp, energy, congestion, loss "
        "from market.fct_lmp "
        "where iso_code = 'ERCOT' and market = ? and location_id = ? and interval_start_utc = ?",
        [market, location_id, start],
    ).fetchall()


def test_ercot_dam_hour(demo_warehouse):
    # sample_data/ercot/np4-190-cd_DAMSPNP4190_2026-09-29_sample.csv
    #   line 10: 09/29/2026,01:00,HB_NORTH, 25.42,N
    # HourEnding 01:00 CDT (UTC-5) = 05:00-06:00 UTC. SPPs have no components.
    rows = _interval(demo_warehouse, "day_ahead_hourly", "HB_NORTH", datetime(2026, 9, 29, 5))
    assert rows == [(datetime(2026, 9, 29, 6), 3600, pytest.approx(25.42), None, None, None)]


def test_ercot_rt_fifteen_minute_lz_and_lzew(demo_warehouse):
    # sample_data/ercot/np6-905-cd_SPPHLZNP6905_2026-09-29_HE12_int1_sample.csv
    #   line 14: 09/29/2026,12,1,LZ_AEN,LZ,21.72,N
    #   line 15: 09/29/2026,12,1,LZ_AEN,LZEW,21.71,N
    # Hour 12 interval 1 = 11:00-11:15 CDT = 16:00-16:15 UTC; LZEW gets the _LZEW id.
    start = datetime(2026, 9, 29, 16)
    end = datetime(2026, 9, 29, 16, 15)
    assert _interval(demo_warehouse, "real_time_15min", "LZ_AEN", start) == [
        (end, 900, pytest.approx(21.72), None, None, None)
    ]
    assert _interval(demo_warehouse, "real_time_15min", "LZ_AEN_LZEW", start) == [
        (end, 900, pytest.approx(21.71), None, None, None)
    ]


def test_ercot_sced_interval(demo_warehouse):
    # sample_data/ercot/np6-788-cd_LMPSROSNODENP6788_2026-09-29T112517_sample.csv
    #   line 10: 09/29/2026 11:25:17,N,HB_NORTH,       14.20
    # SCED 11:25:17 CDT = 16:25:17 UTC, nominal 300 s.
    rows = _interval(
        demo_warehouse, "real_time_sced", "HB_NORTH", datetime(2026, 9, 29, 16, 25, 17)
    )
    assert rows == [(datetime(2026, 9, 29, 16, 30, 17), 300, pytest.approx(14.2), None, None, None)]


def test_ercot_api_fifteen_minute_interval(demo_warehouse):
    # sample_data/ercot/api_np6-905-cd_spp_node_zone_hub_2026-09-28_sample.json, data[5]:
    #   ["2026-09-28", 1, 1, "LZ_AEN", "LZEW", 45.01, false]
    # Hour 1 interval 1 = 00:00-00:15 CDT = 05:00-05:15 UTC.
    rows = _interval(demo_warehouse, "real_time_15min", "LZ_AEN_LZEW", datetime(2026, 9, 28, 5))
    assert rows == [(datetime(2026, 9, 28, 5, 15), 900, pytest.approx(45.01), None, None, None)]


def test_ercot_public_api_day_ahead_hour(demo_warehouse):
    # sample_data/ercot/api_np4-190-cd_dam_stlmnt_pnt_prices_2026-09-28_sample.json:
    #   ["2026-09-28", "01:00", "HB_NORTH", 41.2, false]
    # HourEnding 01:00 on 2026-09-28 is 00:00-01:00 CDT = 05:00-06:00 UTC.
    row = demo_warehouse.execute(
        "select interval_end_utc, interval_seconds, lmp, source_format from market.fct_lmp "
        "where iso_code = 'ERCOT' and market = 'day_ahead_hourly' and location_id = 'HB_NORTH' "
        "and interval_start_utc = timestamp '2026-09-28 05:00:00'"
    ).fetchall()
    assert [(str(r[0]), r[1], r[2], r[3]) for r in row] == [
        ("2026-09-28 06:00:00", 3600, 41.2, "ercot_api_dam_spp")
    ]
