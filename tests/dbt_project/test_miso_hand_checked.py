"""MISO intervals in market.fct_lmp checked against values read by hand from the raw files."""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

COLUMNS = "interval_end_utc, interval_seconds, lmp, energy, congestion, loss"


def _interval(conn, market: str, location_id: str, start: datetime):
    return conn.execute(
        f"select {COLUMNS} from market.fct_lmp "
        "where iso_code = 'MISO' and market = ? and location_id = ? and interval_start_utc = ?",
        [market, location_id, start],
    ).fetchall()


def test_miso_day_ahead_report_hour(demo_warehouse):
    # sample_data/miso/20110716_da_lmp.csv, operating day 07/16/2011 (EST, UTC-5):
    #   line 6:    AEC,Interface,LMP,... HE 6 = 20.79
    #   line 1803: AEC,Interface,MCC,... HE 6 = -.38
    #   line 3600: AEC,Interface,MLC,... HE 6 = -.2
    # HE 6 is 05:00-06:00 EST = 10:00-11:00 UTC; energy = 20.79 + .38 + .2 = 21.37.
    rows = _interval(demo_warehouse, "day_ahead_hourly", "AEC", datetime(2011, 7, 16, 10))
    assert len(rows) == 1
    end, seconds, lmp, energy, congestion, loss = rows[0]
    assert (end, seconds) == (datetime(2011, 7, 16, 11), 3600)
    assert lmp == pytest.approx(20.79)
    assert energy == pytest.approx(21.37)
    assert congestion == pytest.approx(-0.38)
    assert loss == pytest.approx(-0.2)


def test_miso_real_time_report_hour(demo_warehouse):
    # sample_data/miso/20260926_rt_lmp_final.csv, operating day 9/26/2026:
    #   line 8:  ARKANSAS.HUB,Hub,LMP,29.38,... (HE 1)
    #   line 30: ARKANSAS.HUB,Hub,MCC,0.09,...
    #   line 52: ARKANSAS.HUB,Hub,MLC,-0.74,...
    # HE 1 is 00:00-01:00 EST = 05:00-06:00 UTC; energy = 29.38 - 0.09 + 0.74 = 30.03.
    rows = _interval(demo_warehouse, "real_time_hourly", "ARKANSAS.HUB", datetime(2026, 9, 26, 5))
    assert len(rows) == 1
    end, seconds, lmp, energy, congestion, loss = rows[0]
    assert (end, seconds) == (datetime(2026, 9, 26, 6), 3600)
    assert (lmp, congestion, loss) == pytest.approx((29.38, 0.09, -0.74))
    assert energy == pytest.approx(30.03)


def test_miso_api_five_minute_interval(demo_warehouse):
    # sample_data/miso/GetRealTimeFiveMinExPost_Current_subset.json, first data entry:
    #   ["2026-10-02T16:50:00","AMIL.RICHLAND","31.55","-2.95","0.00"] (LMP, MLC, MCC)
    # INTERVAL is the EST interval end: 16:45-16:50 EST = 21:45-21:50 UTC.
    rows = _interval(
        demo_warehouse, "real_time_5min", "AMIL.RICHLAND", datetime(2026, 10, 2, 21, 45)
    )
    assert len(rows) == 1
    end, seconds, lmp, energy, congestion, loss = rows[0]
    assert (end, seconds) == (datetime(2026, 10, 2, 21, 50), 300)
    assert (lmp, congestion, loss) == pytest.approx((31.55, 0.0, -2.95))
    assert energy == pytest.approx(34.5)
