"""NYISO intervals in `market.fct_lmp` checked against the raw sample files by hand.

NYISO publishes LBMP = energy + losses - congestion; the mart carries the PJM sign,
so every expected congestion below is the published value negated and energy is
LBMP - losses - congestion(flipped).
"""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

COLUMNS = "interval_start_utc, interval_end_utc, interval_seconds, lmp, energy, congestion, loss"


def _interval(conn, market: str, location_id: str, start: datetime) -> tuple:
    rows = conn.execute(
        f"select {COLUMNS} from market.fct_lmp "
        "where iso_code = 'NYISO' and market = ? and location_id = ? and interval_start_utc = ?",
        [market, location_id, start],
    ).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def _check(row: tuple, start, end, seconds, lmp, energy, congestion, loss) -> None:
    assert row[:3] == (start, end, seconds)
    assert row[3:] == pytest.approx((lmp, energy, congestion, loss), abs=1e-9)


def test_mis_day_ahead_hour_beginning_and_sign(demo_warehouse):
    # sample_data/nyiso/20220718damlbmp_zone.csv line 206:
    #   07/18/2022 13:00,N.Y.C.,61761,111.06,10.02,-18.15
    # hour beginning 13:00 EDT = 17:00 UTC; congestion 18.15; energy 111.06-10.02-18.15.
    row = _interval(demo_warehouse, "day_ahead_hourly", "61761", datetime(2022, 7, 18, 17))
    _check(
        row, datetime(2022, 7, 18, 17), datetime(2022, 7, 18, 18), 3600, 111.06, 82.89, 18.15, 10.02
    )


def test_mis_real_time_hour_24_written_as_next_day(demo_warehouse):
    # sample_data/nyiso/20220718realtime_zone.csv line 4568:
    #   "07/19/2022 00:00:00","LONGIL",61762,531.30,8.11,-462.26
    # interval ENDING 24:00 EDT on the 18th = 2022-07-19 04:00 UTC; energy 531.30-8.11-462.26.
    row = _interval(demo_warehouse, "real_time_5min", "61762", datetime(2022, 7, 19, 3, 55))
    _check(
        row,
        datetime(2022, 7, 19, 3, 55),
        datetime(2022, 7, 19, 4),
        300,
        531.30,
        60.93,
        462.26,
        8.11,
    )


def test_mis_real_time_off_grid_interval(demo_warehouse):
    # sample_data/nyiso/20220718realtime_zone.csv lines 41 and 56 (N.Y.C.):
    #   "07/18/2022 00:15:00",...   then   "07/18/2022 00:15:12","N.Y.C.",61761,59.36,6.27,-0.82
    # the off-grid RTD interval runs from the previous end 00:15:00 to 00:15:12 EDT (12 s).
    row = _interval(demo_warehouse, "real_time_5min", "61761", datetime(2022, 7, 18, 4, 15))
    _check(
        row,
        datetime(2022, 7, 18, 4, 15),
        datetime(2022, 7, 18, 4, 15, 12),
        12,
        59.36,
        52.27,
        0.82,
        6.27,
    )


def test_oasis_day_ahead_with_published_offset(demo_warehouse):
    # sample_data/nyiso/OASIS_Day-Ahead_Market_Zonal_LBMP_NYC_2024-06.csv line 291:
    #   6/13/24 1:00,EDT,N.Y.C.,61761,20.05,1.53,-0.07,1
    # 1:00 EDT = 05:00 UTC; congestion 0.07; energy 20.05-1.53-0.07.
    row = _interval(demo_warehouse, "day_ahead_hourly", "61761", datetime(2024, 6, 13, 5))
    _check(row, datetime(2024, 6, 13, 5), datetime(2024, 6, 13, 6), 3600, 20.05, 18.45, 0.07, 1.53)


def test_oasis_rtc_negative_price_interval_ending(demo_warehouse):
    # sample_data/nyiso/OASIS_Real_Time_Commitment_Zonal_LBMP_NYC_2024-06-01_07.csv line 41:
    #   "2024/06/01 10:00:00","N.Y.C.","61761","-8.83","0.78","20.75","1"
    # interval ENDING 10:00 EDT = 14:00 UTC, 15 min; congestion -20.75; energy -8.83-0.78+20.75.
    row = _interval(
        demo_warehouse, "real_time_commitment_15min", "61761", datetime(2024, 6, 1, 13, 45)
    )
    _check(
        row, datetime(2024, 6, 1, 13, 45), datetime(2024, 6, 1, 14), 900, -8.83, 11.14, -20.75, 0.78
    )


def test_oasis_rtc_positive_congestion_row(demo_warehouse):
    # sample_data/nyiso/OASIS_Real_Time_Commitment_Zonal_LBMP_NYC_2024-06-01_07.csv line 649:
    #   "2024/06/07 18:00:00","N.Y.C.","61761","27.58","2.67","-1.52","1"
    # end 18:00 EDT = 22:00 UTC; congestion 1.52; energy 27.58-2.67-1.52.
    row = _interval(
        demo_warehouse, "real_time_commitment_15min", "61761", datetime(2024, 6, 7, 21, 45)
    )
    _check(
        row, datetime(2024, 6, 7, 21, 45), datetime(2024, 6, 7, 22), 900, 27.58, 23.39, 1.52, 2.67
    )


def test_nyiso_real_time_day_tiles_without_gaps(demo_warehouse):
    # 20220718realtime_zone.csv: 305 stamps per zone (288 on the grid + 17 off grid),
    # from 00:05 to 24:00 EDT; the intervals of each zone cover the day exactly once.
    rows = demo_warehouse.execute(
        "select location_id, count(*), sum(interval_seconds), min(interval_start_utc), "
        "max(interval_end_utc) from market.fct_lmp "
        "where iso_code = 'NYISO' and market = 'real_time_5min' "
        "and interval_start_utc >= '2022-07-18 04:00:00' "
        "and interval_end_utc <= '2022-07-19 04:00:00' group by location_id"
    ).fetchall()
    assert len(rows) == 15
    for _, count, seconds, first, last in rows:
        assert (count, seconds) == (305, 86400)
        assert (first, last) == (datetime(2022, 7, 18, 4), datetime(2022, 7, 19, 4))
