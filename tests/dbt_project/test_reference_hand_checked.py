"""Reference-feed models on the demo warehouse, checked against values read by hand
from the real sample files (sample_data/ecb, fred, carbon, noaa)."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.integration


def test_fx_weekend_is_filled_and_usd_cross_rate(demo_warehouse):
    rows = demo_warehouse.execute(
        """
        select rate_date, usd_per_unit, is_filled, source_date
        from intermediate.int_fx__daily_rates
        where currency = 'GBP' and rate_date between '2025-05-02' and '2025-05-05'
        order by rate_date
        """
    ).fetchall()
    # hist CSV line 7: 2025-05-02 (Fri) USD 1.1343, GBP 0.8533; line 6: 2025-05-05 (Mon) 1.1343, 0.8515
    friday = 1.1343 / 0.8533
    assert [(r[0], r[2], r[3]) for r in rows] == [
        (date(2025, 5, 2), False, date(2025, 5, 2)),
        (date(2025, 5, 3), True, date(2025, 5, 2)),
        (date(2025, 5, 4), True, date(2025, 5, 2)),
        (date(2025, 5, 5), False, date(2025, 5, 5)),
    ]
    assert rows[1][1] == pytest.approx(friday) and rows[2][1] == pytest.approx(friday)
    assert rows[3][1] == pytest.approx(1.1343 / 0.8515)


def test_cpi_rebased_to_january_2024(demo_warehouse):
    row = demo_warehouse.execute(
        """
        select rebased_index, yoy_change_pct from intermediate.int_cpi__monthly_index
        where series_id = 'CPIAUCSL' and month_start = '2025-01-01'
        """
    ).fetchone()
    # CPIAUCSL.csv: 2024-01-01 309.794 (line 530); 2025-01-01 and 2024-01-01 values
    jan_2025 = demo_warehouse.execute(
        "select index_value from intermediate.int_cpi__monthly_index "
        "where month_start = '2025-01-01'"
    ).fetchone()[0]
    assert row[0] == pytest.approx(100 * jan_2025 / 309.794)
    assert row[1] == pytest.approx(100 * (jan_2025 - 309.794) / 309.794)


def test_rggi_auction_57_in_both_units(demo_warehouse):
    row = demo_warehouse.execute(
        """
        select price_usd_per_short_ton, price_usd_per_metric_ton
        from intermediate.int_carbon__allowance_prices
        where program = 'RGGI' and auction_number = 57
        """
    ).fetchone()
    assert row[0] == 13.45  # line 42: $13.45 per short ton
    assert row[1] == pytest.approx(13.45 / 0.90718474)


def test_every_mapped_location_has_its_station(demo_warehouse):
    mapped = demo_warehouse.execute(
        "select count(*) from reference.zone_weather_stations"
    ).fetchone()[0]
    joined = demo_warehouse.execute(
        "select count(*) from intermediate.int_weather__location_stations"
    ).fetchone()[0]
    assert mapped == joined == 3
