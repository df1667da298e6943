"""SPP intervals in market.fct_lmp checked against rows read by hand from the raw files."""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

QUERY = """
    select interval_start_utc, interval_end_utc, interval_seconds, lmp, energy, congestion, loss
    from market.fct_lmp
    where iso_code = 'SPP' and market = ? and location_id = ? and interval_start_utc = ?
"""


def test_day_ahead_aec_hour_ending_one(demo_warehouse):
    # sample_data/spp/DA-LMP-SL-202606010100_subset.csv, line 2:
    # 6/1/2026 01:00,6/1/2026 06:00,SPP,AEC,SOUC,23.0201,0.9433,4.6205,17.4563
    # hour-ending 01:00 CDT = GMT end 06:00, so the hour starts at 05:00 UTC
    row = demo_warehouse.execute(
        QUERY, ["day_ahead_hourly", "AEC", datetime(2026, 6, 1, 5)]
    ).fetchone()
    assert row == (
        datetime(2026, 6, 1, 5),
        datetime(2026, 6, 1, 6),
        3600,
        23.0201,
        17.4563,
        4.6205,
        0.9433,
    )


def test_day_ahead_swpw_hub_negative_components(demo_warehouse):
    # sample_data/spp/DA-LMP-SL-202606010100_subset.csv, line 13:
    # 6/1/2026 02:00,6/1/2026 07:00,SWPW,SWPW_HUB,SWPW_HUB_H,19.6248,-0.239,-0.0021,19.8659
    row = demo_warehouse.execute(
        QUERY, ["day_ahead_hourly", "SWPW_HUB", datetime(2026, 6, 1, 6)]
    ).fetchone()
    assert row == (
        datetime(2026, 6, 1, 6),
        datetime(2026, 6, 1, 7),
        3600,
        19.6248,
        19.8659,
        -0.0021,
        -0.239,
    )


def test_rtbm_south_hub_first_interval(demo_warehouse):
    # sample_data/spp/RTBM-LMP-DAILY-SL-20250701_subset.csv, line 4:
    # 07/01/2025 00:05:00,07/01/2025 05:05:00,SPPSOUTH_HUB,SPPSOUTH_H,24.3208,0.2386,0.0001,24.0821
    # interval ending 00:05 CDT = 05:05 UTC, so it starts at 05:00 UTC
    row = demo_warehouse.execute(
        QUERY, ["real_time_5min", "SPPSOUTH_HUB", datetime(2025, 7, 1, 5)]
    ).fetchone()
    assert row == (
        datetime(2025, 7, 1, 5),
        datetime(2025, 7, 1, 5, 5),
        300,
        24.3208,
        24.0821,
        0.0001,
        0.2386,
    )
