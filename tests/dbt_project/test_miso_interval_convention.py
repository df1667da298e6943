"""MISO's public-API INTERVAL is the END of the 5-minute interval: MISO's own hourly report
of the same prices says so.

Evidence (tests/fixtures/MANIFEST.md): the public API's `Previous` market-day feed for
2026-10-01 (the first two hours, 22 hubs and interfaces) and MISO's real-time
preliminary LMP report for the same day. A report hour HE h is the hour ENDING h:00
EST, and its price is the average of the hour's twelve 5-minute ex-post LMPs. Averaging
the API prices by our reading (INTERVAL = end, so HE 2 holds 01:05 … 02:00) reproduces
the report's HE 2 for every node to the cent; reading INTERVAL as the start (01:00 …
01:55) misses by up to $3. (HE 1 agrees node by node to within 1.4 cents after a
uniform +17-cent shift: an energy-price correction between the feed and the report in
that hour, the same for every node, so not a question of labels.) The feed for a market
day running 00:00 … 23:55 is what made INTERVAL look like a start: the 00:00 interval
ends the previous day.

These run the SQL dbt compiled for stg_miso__fivemin_lmp and stg_miso__lmp.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from aurum.sources import format_named
from aurum.sources.core.records import Record
from staging_harness import StagingHarness

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "miso"
API = FIXTURES / "GetRealTimeFiveMinExPost_Previous_20261001_0000-0200.json"
REPORT = FIXTURES / "20261001_rt_lmp_prelim.csv"


@pytest.fixture(scope="module")
def hourly_and_five_minute(demo_build):
    harness = StagingHarness(demo_build / "target")
    api_format = format_named("miso_api_fivemin_lmp")
    report_format = format_named("miso_report_lmp")
    api_rows = [r for r in api_format.decode(API.read_bytes(), API.name) if isinstance(r, Record)]
    report_rows = [
        r for r in report_format.decode(REPORT.read_bytes(), REPORT.name) if isinstance(r, Record)
    ]
    five = harness.run("stg_miso__fivemin_lmp", api_format.name, api_rows, API.name)
    hourly = harness.run("stg_miso__lmp", report_format.name, report_rows, REPORT.name)
    return hourly, five


def _residuals(hourly, five, shift: timedelta) -> dict[int, list[float]]:
    """Per report hour: our hourly average minus the report, node by node. `shift` moves
    every 5-minute interval (zero: our reading; -300 s: INTERVAL read as the start)."""
    by_hour = defaultdict(list)
    for row in five:
        start = row["interval_start_utc"] + shift
        by_hour[(row["location_id"], start.replace(minute=0))].append(row["lmp"])
    out = defaultdict(list)
    for row in hourly:
        prices = by_hour.get((row["location_id"], row["interval_start_utc"]))
        if prices and len(prices) == 12:
            he = row["interval_start_utc"].hour - 5 + 1  # EST hour ending
            out[he].append(sum(prices) / 12 - row["lmp"])
    return out


def test_interval_end_reproduces_misos_hourly_report(hourly_and_five_minute):
    hourly, five = hourly_and_five_minute
    assert {r["interval_seconds"] for r in five} == {300}
    ours = _residuals(hourly, five, timedelta(0))
    assert len(ours[2]) == 22
    assert max(abs(r) for r in ours[2]) < 0.005  # HE 2: to the cent, every node
    assert statistics.pstdev(ours[1]) < 0.02  # HE 1: one uniform shift for all nodes


def test_reading_interval_as_the_start_does_not(hourly_and_five_minute):
    hourly, five = hourly_and_five_minute
    theirs = _residuals(hourly, five, timedelta(seconds=300))
    assert max(abs(r) for r in theirs[1] + theirs[2]) > 1.0
    assert statistics.pstdev(theirs[2]) > 0.5


def test_the_day_feed_starts_with_the_interval_ending_at_midnight(hourly_and_five_minute):
    _, five = hourly_and_five_minute
    first = min(r["interval_end_utc"] for r in five)
    # INTERVAL 2026-10-01T00:00 EST = 05:00 UTC ends the previous day's last interval.
    assert first.isoformat() == "2026-10-01T05:00:00"
    assert min(r["interval_start_utc"] for r in five).isoformat() == "2026-10-01T04:55:00"
