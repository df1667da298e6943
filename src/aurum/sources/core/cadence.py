"""Telling a file's interval length from its time stamps, for formats that share one
layout between an hourly and a 5-minute publication (PJM RT, SPP DA/RTBM, NYISO MIS).

The content decides whenever it can: a stamp off the hour means sub-hourly data, and
the smallest spacing between two stamps of one location is the interval. Only when
every location has a single stamp on the hour does the content not say, and the
caller falls back to the file name or refuses the file.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable
from datetime import datetime


def off_the_hour(stamps: Iterable[datetime]) -> bool:
    return any(s.minute or s.second for s in stamps)


def step_seconds(keyed_stamps: Iterable[tuple[Hashable, datetime]]) -> int | None:
    """The smallest positive spacing between two stamps of the same key, in seconds;
    None when no key has two distinct stamps."""
    by_key: dict[Hashable, set[datetime]] = {}
    for key, stamp in keyed_stamps:
        by_key.setdefault(key, set()).add(stamp)
    best: int | None = None
    for stamps in by_key.values():
        ordered = sorted(stamps)
        for earlier, later in itertools.pairwise(ordered):
            gap = int((later - earlier).total_seconds())
            if gap > 0 and (best is None or gap < best):
                best = gap
    return best


def sub_hourly(keyed_stamps: list[tuple[Hashable, datetime]]) -> bool | None:
    """True for sub-hourly data, False for hourly, None when the stamps cannot tell."""
    if off_the_hour(stamp for _, stamp in keyed_stamps):
        return True
    step = step_seconds(keyed_stamps)
    if step is None:
        return None
    return step < 3600
