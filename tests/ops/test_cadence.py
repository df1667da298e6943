"""Freshness budgets follow each publisher's cadence from the source catalog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from aurum.ingest.sources import SOURCES
from aurum.ops.cadence import Cadence, cadence_of, source_cadences

DAY = timedelta(days=1)


def test_every_catalog_source_has_a_cadence():
    assert set(source_cadences()) == set(SOURCES)


@pytest.mark.parametrize(
    ("source", "period", "basis"),
    [
        ("pjm_da_hrl_lmps", DAY, "one document per day"),
        ("nyiso_realtime_zone", DAY, "one document per day"),
        ("eia_v2_natural_gas_fut_weekly", timedelta(days=7), "url frequency"),
        ("eia_v2_coal_market_sales_price", timedelta(days=366), "url frequency"),
        ("fred_cpiaucsl_csv", timedelta(days=31), "series CPIAUCSL"),
        ("fred_cpiaucsl_api", timedelta(days=31), "series CPIAUCSL"),
    ],
)
def test_cadence_is_read_from_the_catalog_entry(source, period, basis):
    cadence = source_cadences()[source]
    assert (cadence.period, cadence.basis) == (period, basis)


def test_budgets_differ_by_cadence():
    budgets = {name: c.freshness_budget for name, c in source_cadences().items()}
    assert budgets["pjm_da_hrl_lmps"] == timedelta(days=2, hours=6)
    assert budgets["eia_v2_natural_gas_fut_weekly"] == timedelta(days=15, hours=18)
    assert budgets["fred_cpiaucsl_csv"] == timedelta(days=69, hours=18)
    # A feed published more often than daily still moves its watermark a day at a time.
    assert (
        Cadence("x", timedelta(minutes=5), "declared").freshness_budget
        == budgets["pjm_da_hrl_lmps"]
    )


@dataclass(frozen=True)
class _Entry:
    name: str
    path_template: str
    file_template: str
    cadence: object = None


def test_a_declared_cadence_wins():
    entry = _Entry("x", "/data?frequency=weekly", "{day}.csv", cadence="monthly")
    assert cadence_of(entry).period == timedelta(days=31)
    assert cadence_of(_Entry("y", "/d", "f", cadence=timedelta(hours=6))).period == timedelta(
        hours=6
    )
    with pytest.raises(ValueError, match="unknown cadence 'fortnightly'"):
        cadence_of(_Entry("z", "/d", "f", cadence="fortnightly"))
