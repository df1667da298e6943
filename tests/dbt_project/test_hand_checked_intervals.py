"""fct_lmp intervals checked against values read by hand from the raw sample files.

The checks are data: tests/dbt_project/hand_checked_intervals.yml holds one entry per
interval (the file, the lines it was read from, what fct_lmp must hold). Each entry is
checked twice: the cited lines really say what the entry quotes (so a citation cannot
drift from its file), and the mart's row equals the expected values. One test makes
sure the comparison can fail: every expected value, changed, is caught.
"""

from __future__ import annotations

import math
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from aurum.dbt_runner import PROJECT_DIR

TABLE = Path(__file__).with_name("hand_checked_intervals.yml")
ENTRIES: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text())
KEY = ("iso_code", "market", "location_id", "interval_start_utc")


def _entry_id(entry: dict[str, Any]) -> str:
    e = entry["expected"]
    return (
        f"{e['iso_code']}-{e['market']}-{e['location_id']}-{e['interval_start_utc']:%Y%m%dT%H%M%S}"
    )


def _lines(entry: dict[str, Any]) -> list[str]:
    path = PROJECT_DIR / entry["file"]
    if "member" in entry:
        text = zipfile.ZipFile(path).read(entry["member"]).decode("utf-8-sig")
    else:
        text = path.read_text(encoding="utf-8-sig")
    return text.splitlines()


def _mismatches(conn, expected: dict[str, Any]) -> list[str]:
    """What fct_lmp holds for the entry's key, compared with the expected values."""
    columns = list(expected)
    rows = conn.execute(
        f"select {', '.join(columns)} from market.fct_lmp where "
        + " and ".join(f"{k} = ?" for k in KEY),
        [expected[k] for k in KEY],
    ).fetchall()
    if len(rows) != 1:
        return [f"{len(rows)} rows for the key"]
    wrong = []
    for column, actual in zip(columns, rows[0], strict=True):
        want = expected[column]
        same = (
            math.isclose(actual, want, rel_tol=0, abs_tol=1e-9)
            if isinstance(want, float) and isinstance(actual, float)
            else actual == want
        )
        if not same:
            wrong.append(f"{column}: fct_lmp {actual!r}, read by hand {want!r}")
    return wrong


def test_every_entry_names_a_key_and_a_citation() -> None:
    assert len(ENTRIES) >= 20
    for entry in ENTRIES:
        assert set(entry) <= {"why", "file", "member", "lines", "expected"}, entry
        assert entry["lines"] and entry["why"], entry
        assert all(k in entry["expected"] for k in KEY), entry
        assert isinstance(entry["expected"]["interval_start_utc"], datetime), entry


@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_cited_lines_say_what_the_entry_quotes(entry: dict[str, Any]) -> None:
    lines = _lines(entry)
    for number, text in entry["lines"].items():
        assert text in lines[number - 1], (entry["file"], number, lines[number - 1][:200])


@pytest.mark.integration
@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_fct_lmp_holds_the_hand_checked_interval(demo_warehouse, entry: dict[str, Any]) -> None:
    assert _mismatches(demo_warehouse, entry["expected"]) == [], entry["why"]


def _changed(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return 1.0 if value is None else not value
    if isinstance(value, float):
        return value + 0.01
    if isinstance(value, int):
        return value + 1
    if isinstance(value, datetime):
        return value.replace(second=(value.second + 1) % 60)
    return f"{value}_wrong"


@pytest.mark.integration
def test_a_wrong_expected_value_is_caught(demo_warehouse) -> None:
    """Every non-key value of every entry, changed, makes the check fail; so does a
    changed key (no row)."""
    checked = 0
    for entry in ENTRIES:
        for column, value in entry["expected"].items():
            wrong = {**entry["expected"], column: _changed(value)}
            mismatches = _mismatches(demo_warehouse, wrong)
            expected_message = "0 rows for the key" if column in KEY else f"{column}: "
            assert any(m.startswith(expected_message) for m in mismatches), (column, wrong)
            checked += 1
    assert checked > 200


@pytest.mark.integration
def test_nyiso_real_time_day_tiles_without_gaps(demo_warehouse) -> None:
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
