"""PJM intervals in market.fct_lmp checked against rows read by hand from the raw files."""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

QUERY = """
    select interval_start_utc, interval_end_utc, interval_seconds, lmp, energy, congestion, loss
    from market.fct_lmp
    where iso_code = 'PJM' and market = ? and location_id = ? and interval_start_utc = ?
"""


def test_day_ahead_eastern_hub_first_hour(demo_warehouse):
    # sample_data/pjm/da_hrl_lmps_hubs_2025-05-01_to_05-10.csv, line 2:
    # 5/1/2025 4:00:00 AM,5/1/2025 12:00:00 AM,51217,EASTERN HUB,,,HUB,,30.98,24.966949,-6.094939,0.081888
    row = demo_warehouse.execute(
        QUERY, ["day_ahead_hourly", "51217", datetime(2025, 5, 1, 4)]
    ).fetchone()
    assert row == (
        datetime(2025, 5, 1, 4),
        datetime(2025, 5, 1, 5),
        3600,
        24.966949,
        30.98,
        -6.094939,
        0.081888,
    )


def test_real_time_five_minute_rto_second_interval(demo_warehouse):
    # sample_data/pjm/rt_fivemin_hrl_lmps_PJM-RTO_2025-09-01_first6h.csv, line 3:
    # 9/1/2025 4:05:00 AM,9/1/2025 12:05:00 AM,1,PJM-RTO,,,ZONE,,18.670000,18.686130,0.009298,0.006832
    row = demo_warehouse.execute(
        QUERY, ["real_time_5min", "1", datetime(2025, 9, 1, 4, 5)]
    ).fetchone()
    assert row == (
        datetime(2025, 9, 1, 4, 5),
        datetime(2025, 9, 1, 4, 10),
        300,
        18.68613,
        18.67,
        0.009298,
        0.006832,
    )
