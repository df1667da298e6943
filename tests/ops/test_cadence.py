"""Freshness budgets follow each publisher's cadence as the source catalog declares it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aurum.ops.cadence import Cadence, cadence_of, source_cadences
from aurum.sources import SOURCES

DAY = timedelta(days=1)


def test_every_catalog_source_has_a_cadence():
    assert set(source_cadences()) == set(SOURCES)


@pytest.mark.parametrize(
    ("source", "name", "period"),
    [
        ("pjm_da_hrl_lmps", "daily", DAY),
        ("eia_v2_natural_gas_fut_weekly", "weekly", timedelta(days=7)),
        ("eia_v2_coal_market_sales_price", "annual", timedelta(days=366)),
        ("fred_cpiaucsl_csv", "monthly", timedelta(days=31)),
        # EIA's daily Henry Hub workbook holds daily prices but is republished weekly
        ("eia_henry_hub_daily_xls", "weekly", timedelta(days=7)),
    ],
)
def test_cadence_is_the_catalog_entrys(source, name, period):
    cadence = source_cadences()[source]
    assert (cadence.name, cadence.period) == (name, period)


def test_budgets_differ_by_cadence():
    budgets = {name: c.freshness_budget for name, c in source_cadences().items()}
    assert budgets["pjm_da_hrl_lmps"] == timedelta(days=2, hours=6)
    assert budgets["eia_v2_natural_gas_fut_weekly"] == timedelta(days=15, hours=18)
    assert budgets["fred_cpiaucsl_csv"] == timedelta(days=69, hours=18)
    # A feed published more often than daily still moves its watermark a day at a time.
    assert cadence_of("x", "5min").freshness_budget == budgets["pjm_da_hrl_lmps"]
    assert Cadence("y", "daily", DAY).freshness_budget == budgets["pjm_da_hrl_lmps"]


def test_an_unknown_cadence_is_refused():
    with pytest.raises(ValueError, match="unknown cadence 'fortnightly'"):
        cadence_of("z", "fortnightly")
