"""dbt build of +ppa_summary on the real samples for the example PJM solar VPPA."""

from __future__ import annotations

import csv

import pytest

from aurum.ppa.profiles import SEED_PATH

pytestmark = pytest.mark.integration


def test_valuation_is_non_empty_and_covers_the_sample_days(ppa_warehouse):
    count, first, last = ppa_warehouse.sql(
        "select count(*), min(interval_start_utc), max(interval_start_utc) from market.ppa_valuation"
    ).fetchone()
    # PJM day-ahead at Western Hub: 10 days, 2025-05-01 through 05-10 Eastern.
    assert count == 240
    assert str(first) == "2025-05-01 04:00:00"
    assert str(last) == "2025-05-11 03:00:00"


def test_annual_equals_monthly_equals_intervals(ppa_warehouse):
    columns = ["volume_mwh", "settlement_usd", "basis_usd", "market_value_usd"]
    select = ", ".join(f"sum({c})" for c in columns)
    interval = ppa_warehouse.sql(f"select {select} from market.ppa_valuation").fetchone()
    monthly = ppa_warehouse.sql(f"select {select} from market.ppa_cashflows_monthly").fetchone()
    annual = ppa_warehouse.sql(f"select {select} from market.ppa_cashflows_annual").fetchone()
    summary = ppa_warehouse.sql(f"select {', '.join(columns)} from market.ppa_summary").fetchone()
    for values in (monthly, annual, summary):
        assert values == pytest.approx(interval, rel=1e-12)
    npv_monthly = ppa_warehouse.sql(
        "select sum(present_value_usd) from market.ppa_cashflows_monthly"
    ).fetchone()[0]
    npv_annual = ppa_warehouse.sql(
        "select sum(present_value_usd) from market.ppa_cashflows_annual"
    ).fetchone()[0]
    npv = ppa_warehouse.sql("select npv_usd from market.ppa_summary").fetchone()[0]
    assert npv_monthly == pytest.approx(npv) == pytest.approx(npv_annual)


def test_one_interval_hand_checked_from_the_inputs(ppa_warehouse, example_contract):
    """2025-05-01 16:00 UTC = 12:00 EDT, hour ending 13, recomputed from fct_lmp, CPI, seed."""
    start = "2025-05-01 16:00:00"
    hub = ppa_warehouse.sql(
        "select lmp from market.fct_lmp where iso_code = 'PJM' and market = 'day_ahead_hourly'"
        f" and location_id = '51288' and interval_start_utc = '{start}'"
    ).fetchone()[0]
    node = ppa_warehouse.sql(
        "select lmp from market.fct_lmp where iso_code = 'PJM' and market = 'day_ahead_hourly'"
        f" and location_id = '34497127' and interval_start_utc = '{start}'"
    ).fetchone()[0]
    cpi = dict(
        ppa_warehouse.sql(
            "select cast(month_start as varchar), index_value from intermediate.int_cpi__monthly_index"
            " where month_start in ('2025-02-01', '2024-02-01')"
        ).fetchall()
    )
    with SEED_PATH.open() as handle:
        cf = next(
            float(r["capacity_factor"])
            for r in csv.DictReader(handle)
            if (r["profile"], r["month"], r["hour_ending_local"]) == ("solar_pv_us_2015", "5", "13")
        )
    shape = example_contract.shape
    volume = shape.capacity_mw * cf * example_contract.buyer_share * 1.0
    strike = example_contract.strike_usd_per_mwh * cpi["2025-02-01"] / cpi["2024-02-01"]
    settlement = (max(hub, 0.0) - strike) * volume  # settle_at_zero
    basis = (node - hub) * volume

    row = ppa_warehouse.sql(
        "select hour_ending_local, volume_mwh, strike_usd_per_mwh, market_price_usd_per_mwh,"
        " settlement_usd, basis_usd, seller_basis_usd, buyer_basis_usd"
        f" from market.ppa_valuation where interval_start_utc = '{start}'"
    ).fetchone()
    assert row[0] == 13
    assert row[1:6] == pytest.approx((volume, strike, hub, settlement, basis), rel=1e-12)
    assert row[6] == pytest.approx(basis)
    assert row[7] == 0.0


def test_capture_rate_is_capture_over_time_weighted_price(ppa_warehouse):
    capture, twap, rate, expected_capture, expected_twap = ppa_warehouse.sql(
        """
        select
            s.capture_price_usd_per_mwh, s.time_weighted_price_usd_per_mwh, s.capture_rate,
            sum(v.market_price_usd_per_mwh * v.volume_mwh) / sum(v.volume_mwh),
            avg(v.market_price_usd_per_mwh)
        from market.ppa_summary as s cross join market.ppa_valuation as v
        group by all
        """
    ).fetchone()
    assert capture == pytest.approx(expected_capture)
    assert twap == pytest.approx(expected_twap)  # hourly intervals: the plain average
    assert rate == pytest.approx(capture / twap)
