"""ISO-NE intervals in market.fct_lmp checked against elements read by hand.

No real ISO-NE LMP response is available (sample_data/MANIFEST.md), so these read
the constructed fixture tests/fixtures/isone/isone_ws_v1.1_hourlylmp_da_final_day_20241103.json
(one JSON line; elements counted from 0 in HourlyLmps.HourlyLmp).
"""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

QUERY = """
    select interval_start_utc, interval_end_utc, interval_seconds, lmp, energy, congestion, loss,
           location_type, zone, timezone
    from market.fct_lmp
    where iso_code = 'ISONE' and market = 'day_ahead_hourly' and location_id = ?
      and interval_start_utc = ?
"""


def test_fall_back_daylight_hour_at_the_hub(demo_warehouse):
    # element 2: BeginDate 2024-11-03T01:00:00.000-04:00, @LocId 4000 (.H.INTERNAL_HUB),
    # LmpTotal 30.79, Energy 30.75, Congestion 0.12, Loss -0.08 -> 05:00 UTC
    row = demo_warehouse.execute(QUERY, ["4000", datetime(2024, 11, 3, 5)]).fetchone()
    assert row[:7] == (
        datetime(2024, 11, 3, 5),
        datetime(2024, 11, 3, 6),
        3600,
        30.79,
        30.75,
        0.12,
        -0.08,
    )
    assert row[7] == "HUB"


def test_fall_back_repeated_standard_hour_negative_price_in_maine(demo_warehouse):
    # element 5: BeginDate 2024-11-03T01:00:00.000-05:00, @LocId 4001 (.Z.MAINE),
    # LmpTotal -16.15, Energy -12.5, Congestion -3.25, Loss -0.4 -> 06:00 UTC
    row = demo_warehouse.execute(QUERY, ["4001", datetime(2024, 11, 3, 6)]).fetchone()
    assert row[:7] == (
        datetime(2024, 11, 3, 6),
        datetime(2024, 11, 3, 7),
        3600,
        -16.15,
        -12.5,
        -3.25,
        -0.4,
    )
    assert row[7:] == ("ZONE", ".Z.MAINE", "America/New_York")
