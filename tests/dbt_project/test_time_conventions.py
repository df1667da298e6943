"""Property-based tests of every ISO's time convention (issue 11, Build 4).

For a random local day of 2015-2030 (a spring-forward or fall-back day two times in
three), each test publishes a day of prices the way the publisher does: its stamps
(interval start or end, wall clock or UTC, hour-ending numbers, DST flags, the EDT/EST
column or none, off-grid stamps where the publisher has them) are derived from UTC
instants with `zoneinfo`, independently of the SQL under test. The rows are landed and
run through the staging model's compiled SQL (tests/staging_harness.py), and for every
location:

- the intervals tile the day: each starts where the previous ended, the first at the
  day's start, the last at its end (no gap, no overlap);
- every `interval_seconds` is > 0 and equals end - start;
- every `interval_start_utc` is the UTC instant the generator started from.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aurum.sources import format_named
from aurum.sources.core.records import Record
from staging_harness import StagingHarness

pytestmark = pytest.mark.integration

EASTERN = ZoneInfo("America/New_York")
CENTRAL = ZoneInfo("America/Chicago")
PACIFIC = ZoneInfo("America/Los_Angeles")
# MISO's market time is Eastern Standard Time all year.
MISO_EST = timezone(timedelta(hours=-5), "EST")
LOCATIONS = ("A", "B")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def harness(demo_build) -> StagingHarness:
    return StagingHarness(demo_build / "target")


# --- days and instants, from zoneinfo ------------------------------------------------


def _bounds(day: date, tz) -> tuple[datetime, datetime]:
    """The local day [midnight, next midnight) as naive UTC instants."""

    def utc(d: date) -> datetime:
        return datetime.combine(d, time(), tz).astimezone(UTC).replace(tzinfo=None)

    return utc(day), utc(day + timedelta(days=1))


@functools.cache
def _transition_days(tz, year: int) -> tuple[date, ...]:
    days = (date(year, 1, 1) + timedelta(days=n) for n in range(365))
    return tuple(d for d in days if (lambda b: b[1] - b[0])(_bounds(d, tz)) != timedelta(days=1))


@st.composite
def local_days(draw, tz=EASTERN) -> date:
    year = draw(st.integers(2015, 2030))
    transitions = _transition_days(tz, year)
    kind = draw(st.sampled_from(("spring", "fall", "other")))
    if kind == "other" or len(transitions) != 2:
        return date(year, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
    return transitions[0 if kind == "spring" else 1]


def _grid(day: date, tz, seconds: int) -> list[datetime]:
    start, end = _bounds(day, tz)
    count = int((end - start).total_seconds()) // seconds
    return [start + timedelta(seconds=seconds * k) for k in range(count + 1)]


def _wall(instant: datetime, tz) -> tuple[datetime, bool, str]:
    """(naive wall clock, is the second occurrence, zone abbreviation) of a UTC instant."""
    local = instant.replace(tzinfo=UTC).astimezone(tz)
    return local.replace(tzinfo=None), bool(local.fold), local.tzname()


def _split(points: list[datetime], extra: list[tuple[int, int]]) -> list[datetime]:
    """The grid plus a stamp `s` seconds into grid interval `i`, for each (i, s)."""
    return sorted(points + [points[i] + timedelta(seconds=s) for i, s in extra])


@st.composite
def off_grid_days(draw, tz, seconds: int, stamp: str) -> tuple[date, list[datetime]]:
    """A local day and its stamps ('start' or 'end' of each interval) on the grid, plus
    up to two off-grid stamps anywhere and one or two in the local 01:00 hour (the hour
    repeated in the fall and cut short in the spring)."""
    day = draw(local_days(tz))
    grid = _grid(day, tz, seconds)
    one_am = [i for i, p in enumerate(grid[:-1]) if _wall(p, tz)[0].hour == 1]
    offset = st.integers(1, seconds - 1)
    anywhere = st.lists(st.tuples(st.integers(0, len(grid) - 2), offset), max_size=2)
    in_one_am = st.lists(st.tuples(st.sampled_from(one_am), offset), min_size=1, max_size=2)
    extra = {i: s for i, s in draw(anywhere) + draw(in_one_am)}
    points = _split(grid, sorted(extra.items()))
    return day, points[:-1] if stamp == "start" else points[1:]


def _fall_back_example(tz, seconds: int, stamp: str) -> tuple[date, list[datetime]]:
    """2024-11-03 with an off-grid stamp at 01:23:45 EST, inside the repeated hour: it
    appears once, so counting labels would take it for daylight time."""
    day = date(2024, 11, 3)
    grid = _grid(day, tz, seconds)
    est_0120 = grid.index(datetime(2024, 11, 3, 6, 20))  # 01:20 EST
    points = _split(grid, [(est_0120, 225)])
    return day, points[:-1] if stamp == "start" else points[1:]


# --- one day published ----------------------------------------------------------------


@dataclass
class Published:
    model: str
    format_name: str
    records: list[Record]
    breakpoints: list[datetime]  # start of the first interval .. end of the last
    source_file: str = "file"


def _records(rows: list[dict]) -> list[Record]:
    return [Record(n, row) for n, row in enumerate(rows, 1)]


def check(harness: StagingHarness, published: Published, location_key: str = "location_id"):
    rows = harness.run(
        published.model, published.format_name, published.records, published.source_file
    )
    expected = list(zip(published.breakpoints, published.breakpoints[1:], strict=False))
    by_location = defaultdict(list)
    for row in rows:
        by_location[row[location_key]].append(row)
    assert sorted(by_location) == sorted(LOCATIONS)
    for location, intervals in by_location.items():
        intervals.sort(key=lambda r: r["interval_start_utc"])
        got = [(r["interval_start_utc"], r["interval_end_utc"]) for r in intervals]
        assert got == expected, (location, _first_difference(got, expected))
        for r in intervals:
            seconds = (r["interval_end_utc"] - r["interval_start_utc"]).total_seconds()
            assert r["interval_seconds"] == seconds > 0, r


def _first_difference(got, expected):
    for index, (a, b) in enumerate(zip(got, expected, strict=False)):
        if a != b:
            return index, a, b
    return len(got), len(expected)


def _per_location(stamps: list, row: Callable[[int, datetime, str], dict]) -> list[dict]:
    """File order: by stamp, then location (how the publishers write their files)."""
    return [row(i, s, loc) for i, s in enumerate(stamps) for loc in LOCATIONS]


# --- CAISO: GMT start and end beside OPR_DT/OPR_HR (Pacific) ---------------------------


@SETTINGS
@given(day=local_days(PACIFIC), market=st.sampled_from([("DAM", 3600), ("RTPD", 900)]))
def test_caiso_oasis(harness, day, market):
    run, seconds = market
    points = _grid(day, PACIFIC, seconds)
    start = points[0]

    def row(i, s, loc):
        return {
            "interval_start_gmt": s,
            "interval_end_gmt": s + timedelta(seconds=seconds),
            "opr_dt": day,
            "opr_hr": int((s - start).total_seconds()) // 3600 + 1,
            "opr_interval": 0
            if run == "DAM"
            else (int((s - start).total_seconds()) % 3600) // seconds + 1,
            "node": loc,
            "node_id": loc,
            "market_run_id": run,
            "lmp_type": "LMP",
            "value": 30.0,
        }

    rows = _per_location(points[:-1], row)
    check(harness, Published("stg_caiso__lmp", "caiso_oasis_prc_lmp", _records(rows), points))


# --- PJM: datetime_beginning_utc beside datetime_beginning_ept --------------------------


@SETTINGS
@given(
    day=local_days(EASTERN),
    feed=st.sampled_from(
        [("da_hrl_lmps", 3600), ("rt_hrl_lmps", 3600), ("rt_fivemin_hrl_lmps", 300)]
    ),
)
def test_pjm_dataminer(harness, day, feed):
    name, seconds = feed
    points = _grid(day, EASTERN, seconds)

    def row(i, s, loc):
        return {
            "feed": name,
            "datetime_beginning_utc": s,
            "datetime_beginning_ept": _wall(s, EASTERN)[0],
            "pnode_id": LOCATIONS.index(loc) + 1,
            "pnode_name": loc,
            "total_lmp": 30.0,
            "system_energy_price": 29.0,
            "congestion_price": 0.5,
            "marginal_loss_price": 0.5,
            "row_is_current": True,
            "version_nbr": 1,
        }

    rows = _per_location(points[:-1], row)
    published = Published("stg_pjm__lmp", "pjm_dataminer_lmp", _records(rows), points)
    check(harness, published, location_key="location_name")


# --- MISO: reports in hours ending EST; the public API's INTERVAL is the end (EST) -----


@SETTINGS
@given(day=local_days(CENTRAL), kind=st.sampled_from(["rt_lmp_final", "da_expost_lmp"]))
def test_miso_reports(harness, day, kind):
    points = _grid(day, MISO_EST, 3600)

    def row(i, s, loc):
        return {
            "report_kind": kind,
            "operating_date": day,
            "node": loc,
            "node_type": "Hub",
            "value_kind": "LMP",
            "hour_ending": i + 1,
            "price": 30.0,
        }

    rows = _per_location(points[:-1], row)
    check(harness, Published("stg_miso__lmp", "miso_report_lmp", _records(rows), points))


@SETTINGS
@given(day=local_days(CENTRAL))
def test_miso_public_api(harness, day):
    points = _grid(day, MISO_EST, 300)

    def row(i, end, loc):
        return {
            "interval": _wall(end, MISO_EST)[0],
            "cpnode": loc,
            "lmp": 30.0,
            "mlc": 0.0,
            "mcc": 0.0,
        }

    rows = _per_location(points[1:], row)
    published = Published("stg_miso__fivemin_lmp", "miso_api_fivemin_lmp", _records(rows), points)
    check(harness, published)


# --- ERCOT: delivery date, hour ending / interval numbers, DSTFlag (Central) -----------


def _ercot_hour(start: datetime) -> tuple[date, int, int, bool]:
    """(delivery date, hour, 15-minute interval, DSTFlag) of an interval starting at
    `start`: numbered from its local start, so spring skips HourEnding 03:00 and fall
    repeats HourEnding 02:00 with DSTFlag = Y."""
    wall, repeated, _ = _wall(start, CENTRAL)
    return wall.date(), wall.hour + 1, wall.minute // 15 + 1, repeated


@SETTINGS
@given(day=local_days(CENTRAL), api=st.booleans())
def test_ercot_dam(harness, day, api):
    points = _grid(day, CENTRAL, 3600)

    def row(i, s, loc):
        delivery, hour, _, flag = _ercot_hour(s)
        return {
            "delivery_date": delivery,
            "hour_ending": hour,
            "settlement_point": loc,
            "settlement_point_price": 30.0,
            "dst_flag": flag,
        }

    rows = _per_location(points[:-1], row)
    model, name = (
        ("stg_ercot__api_dam_spp", "ercot_api_dam_spp")
        if api
        else ("stg_ercot__dam_spp", "ercot_dam_spp")
    )
    check(harness, Published(model, name, _records(rows), points))


@SETTINGS
@given(day=local_days(CENTRAL), api=st.booleans())
def test_ercot_real_time_spp(harness, day, api):
    points = _grid(day, CENTRAL, 900)
    point_column = "settlement_point" if api else "settlement_point_name"

    def row(i, s, loc):
        delivery, hour, interval, flag = _ercot_hour(s)
        return {
            "delivery_date": delivery,
            "delivery_hour": hour,
            "delivery_interval": interval,
            point_column: loc,
            "settlement_point_type": "HU",
            "settlement_point_price": 30.0,
            "dst_flag": flag,
        }

    rows = _per_location(points[:-1], row)
    model, name = (
        ("stg_ercot__api_rt_spp", "ercot_api_rt_spp")
        if api
        else ("stg_ercot__rt_spp", "ercot_rt_spp")
    )
    check(harness, Published(model, name, _records(rows), points))


@st.composite
def sced_runs(draw, day: date) -> list[datetime]:
    """SCED run times: off the grid, 240-300 s apart, across the whole local day."""
    start, end = _bounds(day, CENTRAL)
    first = start + timedelta(seconds=draw(st.integers(0, 59)))
    gaps = draw(st.lists(st.integers(240, 300), min_size=400, max_size=400))
    runs = [first]
    for gap in gaps:
        if runs[-1] + timedelta(seconds=gap) >= end:
            break
        runs.append(runs[-1] + timedelta(seconds=gap))
    return runs


@SETTINGS
@given(data=st.data(), day=local_days(CENTRAL))
def test_ercot_sced(harness, data, day):
    runs = data.draw(sced_runs(day))

    def row(i, s, loc):
        wall, repeated, _ = _wall(s, CENTRAL)
        return {
            "sced_timestamp": wall,
            "repeated_hour_flag": repeated,
            "settlement_point": loc,
            "lmp": 30.0,
        }

    rows = _per_location(runs, row)
    # the last run's price holds its nominal 300 s
    breakpoints = [*runs, runs[-1] + timedelta(seconds=300)]
    check(harness, Published("stg_ercot__sced_lmp", "ercot_sced_lmp", _records(rows), breakpoints))


# --- NYISO: MIS files without EDT/EST (sequence rule), OASIS with or without it --------


@SETTINGS
@example(day_and_ends=_fall_back_example(EASTERN, 300, "end"))
@given(day_and_ends=off_grid_days(EASTERN, 300, "end"))
def test_nyiso_mis_real_time_with_off_grid_stamps(harness, day_and_ends):
    day, ends = day_and_ends
    start = _bounds(day, EASTERN)[0]

    def row(i, end, loc):
        return {
            "feed": "realtime",
            "time_stamp": _wall(end, EASTERN)[0],  # 24:00 is written next-day 00:00:00
            "name": loc,
            "ptid": LOCATIONS.index(loc) + 61750,
            "lbmp": 30.0,
            "marginal_cost_losses": 1.0,
            "marginal_cost_congestion": 0.0,
        }

    rows = _per_location(ends, row)
    published = Published(
        "stg_nyiso__mis_zonal_lbmp", "nyiso_mis_zonal_lbmp", _records(rows), [start, *ends]
    )
    check(harness, published, location_key="location_name")


@SETTINGS
@given(day=local_days(EASTERN))
def test_nyiso_mis_day_ahead(harness, day):
    points = _grid(day, EASTERN, 3600)

    def row(i, s, loc):
        return {
            "feed": "damlbmp",
            "time_stamp": _wall(s, EASTERN)[0],
            "name": loc,
            "ptid": LOCATIONS.index(loc) + 61750,
            "lbmp": 30.0,
            "marginal_cost_losses": 1.0,
            "marginal_cost_congestion": 0.0,
        }

    rows = _per_location(points[:-1], row)
    published = Published(
        "stg_nyiso__mis_zonal_lbmp", "nyiso_mis_zonal_lbmp", _records(rows), points
    )
    check(harness, published, location_key="location_name")


@SETTINGS
@given(day=local_days(EASTERN))
def test_nyiso_oasis_day_ahead(harness, day):
    points = _grid(day, EASTERN, 3600)

    def row(i, s, loc):
        wall, _, zone = _wall(s, EASTERN)
        return {
            "eastern_date_hour": wall,
            "eastern_date_hour_time_zone": zone,
            "zone_name": loc,
            "zone_ptid": LOCATIONS.index(loc) + 61750,
            "dam_zonal_lbmp": 30.0,
            "dam_zonal_losses": 1.0,
            "dam_zonal_congestion": 0.0,
            "dam_zonal_price_version": 1,
        }

    rows = _per_location(points[:-1], row)
    published = Published(
        "stg_nyiso__oasis_dam_zonal_lbmp", "nyiso_oasis_dam_zonal_lbmp", _records(rows), points
    )
    check(harness, published, location_key="location_name")


@SETTINGS
@given(day=local_days(EASTERN))
def test_nyiso_oasis_real_time_commitment(harness, day):
    points = _grid(day, EASTERN, 900)

    def row(i, end, loc):
        return {
            "rtc_end_time_stamp": _wall(end, EASTERN)[0],
            "zone_name": loc,
            "zone_ptid": LOCATIONS.index(loc) + 61750,
            "rtc_zonal_lbmp": 30.0,
            "rtc_zonal_losses": 1.0,
            "rtc_zonal_congestion": 0.0,
            "rtc_zonal_price_version": 1,
        }

    rows = _per_location(points[1:], row)
    published = Published(
        "stg_nyiso__oasis_rtc_zonal_lbmp", "nyiso_oasis_rtc_zonal_lbmp", _records(rows), points
    )
    check(harness, published, location_key="location_name")


@SETTINGS
@example(day_and_starts=_fall_back_example(EASTERN, 300, "start"))
@given(day_and_starts=off_grid_days(EASTERN, 300, "start"))
def test_nyiso_pal_load_with_off_grid_stamps(harness, day_and_starts):
    day, starts = day_and_starts
    end = _bounds(day, EASTERN)[1]

    def row(i, s, loc):
        wall, _, zone = _wall(s, EASTERN)
        return {
            "time_stamp": wall,
            "time_zone": zone,
            "zone_name": loc,
            "ptid": LOCATIONS.index(loc) + 61750,
            "load_mw": 1000.0,
        }

    rows = _per_location(starts, row)
    published = Published("stg_iso_load__nyiso_actual", "nyiso_pal", _records(rows), [*starts, end])
    check(harness, published)


# --- SPP: interval-ending Central wall clock beside GMTIntervalEnd ---------------------


@SETTINGS
@given(day=local_days(CENTRAL), kind=st.sampled_from([("DA", 3600), ("RTBM", 300)]))
def test_spp(harness, day, kind):
    file_kind, seconds = kind
    points = _grid(day, CENTRAL, seconds)

    def row(i, end, loc):
        return {
            "file_kind": file_kind,
            "interval_local": _wall(end, CENTRAL)[0],
            "gmt_interval_end": end,
            "settlement_location": loc,
            "pnode": loc,
            "lmp": 30.0,
            "mlc": 0.0,
            "mcc": 0.0,
            "mec": 30.0,
        }

    rows = _per_location(points[1:], row)
    published = Published("stg_spp__lmp", "spp_lmp_by_settlement_location", _records(rows), points)
    check(harness, published)


# --- ISO-NE: BeginDate with its own offset, decoded from a JSON document ----------------


@SETTINGS
@given(day=local_days(EASTERN))
def test_isone_web_services(harness, day):
    points = _grid(day, EASTERN, 3600)
    items = []
    for s in points[:-1]:
        local = s.replace(tzinfo=UTC).astimezone(EASTERN)
        begin = local.isoformat(timespec="milliseconds")
        for n, loc in enumerate(LOCATIONS):
            items.append(
                {
                    "BeginDate": begin,
                    "Location": {"@LocId": loc, "@LocType": "LOAD ZONE", "$": f".Z.{loc}"},
                    "LmpTotal": 30.0,
                    "EnergyComponent": 29.0,
                    "CongestionComponent": 0.5 * n,
                    "LossComponent": 1.0 - 0.5 * n,
                }
            )
    name = f"isone_ws_v1.1_hourlylmp_da_final_day_{day:%Y%m%d}.json"
    data = json.dumps({"HourlyLmps": {"HourlyLmp": items}}).encode()
    records = [r for r in format_named("isone_ws_lmp").decode(data, name) if isinstance(r, Record)]
    assert len(records) == len(items)
    check(harness, Published("stg_isone__lmp", "isone_ws_lmp", records, points, name))
