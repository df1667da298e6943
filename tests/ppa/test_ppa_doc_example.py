"""Reproduces the worked example in docs/ppa.md number for number."""

from __future__ import annotations

import pytest

from aurum.dbt_runner import PROJECT_DIR

pytestmark = pytest.mark.integration

DOC = (PROJECT_DIR / "docs" / "ppa.md").read_text()


def _in_doc(text: str) -> str:
    assert text in DOC, f"docs/ppa.md no longer shows {text}"
    return text


def test_worked_interval(ppa_warehouse):
    row = ppa_warehouse.sql(
        "select capacity_factor, volume_mwh, hub_price_usd_per_mwh, node_price_usd_per_mwh,"
        " cpi_index_value, cpi_base_index_value, strike_usd_per_mwh,"
        " settlement_price_usd_per_mwh, settlement_usd, basis_usd, hour_ending_local"
        " from market.ppa_valuation where interval_start_utc = '2025-05-01 16:00:00'"
    ).fetchone()
    cf, volume, hub, node, cpi, cpi_base, strike, price, settlement, basis, he = row
    assert he == 13
    assert f"{cf:.6f}" == _in_doc("0.836469")
    assert f"{volume:.5f}" == _in_doc("41.82345")
    assert f"{hub:.6f}" == _in_doc("30.237604")
    assert f"{node:.6f}" == _in_doc("33.745341")
    assert f"{cpi:.3f}, {cpi_base:.3f}" == _in_doc("319.775, 311.022")
    assert f"{strike:.6f}" == _in_doc("35.984995")
    assert f"{price:.6f}" == "30.237604"
    assert f"{settlement:.6f}" == _in_doc("-240.375705")
    assert f"{basis:.6f}" == _in_doc("146.705663")


def test_worked_month(ppa_warehouse):
    row = ppa_warehouse.sql(
        "select volume_mwh, settlement_usd, capture_price_usd_per_mwh,"
        " time_weighted_price_usd_per_mwh, capture_rate, years_to_payment, discount_factor,"
        " present_value_usd from market.ppa_cashflows_monthly"
    ).fetchone()
    volume, settlement, capture, twap, rate, years, df, pv = row
    assert f"{volume:.3f}" == _in_doc("3743.999")
    assert f"{settlement:.6f}" == _in_doc("16699.957026")
    assert f"{capture:.6f}" == _in_doc("40.445454")
    assert f"{twap:.6f}" == _in_doc("38.671687")
    assert f"{rate:.6f}" == _in_doc("1.045867")
    assert f"{years:.6f}" == _in_doc("0.167009")
    assert f"{df:.6f}" == _in_doc("0.988764")
    assert f"{pv:.6f}" == _in_doc("16512.316382")
    npv = ppa_warehouse.sql("select npv_usd from market.ppa_summary").fetchone()[0]
    assert npv == pytest.approx(pv)
