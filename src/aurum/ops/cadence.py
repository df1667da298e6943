"""Each source's publishing cadence, and the freshness budget its alert uses.

The source catalog is read in ONE place, `_catalog()`: when the catalog moves (per
publisher packages, issue 11), re-point that function; nothing else here changes.

A catalog entry that declares its cadence (`cadence`: a timedelta, or a name such as
"daily") wins. Today's entries do not, so the cadence is read from what they do say,
in this order:

1. the query's `frequency=` (EIA API v2: weekly, annual …);
2. a series whose frequency its URL does not carry (`_SERIES_CADENCE`, FRED CPI);
3. otherwise one document per day — every other entry is fetched per day (its file
   name or URL holds `{day}`), which is its publishing cadence or, for the real-time
   feeds published more often, the cadence at which their watermark moves.

A watermark (ingest.watermarks) is the end of the last day loaded, so a healthy daily
source's watermark is at most one day old plus the publisher's lag of about a day.
The budget is therefore two periods of at least a day, plus a grace of a quarter
period: 2 d 6 h for a daily feed, 15.75 d for a weekly one, 69.75 d for a monthly one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

DAY = timedelta(days=1)
NAMED = {
    "hourly": timedelta(hours=1),
    "daily": DAY,
    "weekly": timedelta(days=7),
    "monthly": timedelta(days=31),
    "quarterly": timedelta(days=92),
    "annual": timedelta(days=366),
    "yearly": timedelta(days=366),
}
# Series re-fetched whole whose URL does not say how often they are published.
_SERIES_CADENCE = {"CPIAUCSL": "monthly"}
_FREQUENCY = re.compile(r"[?&]frequency=([a-z]+)")


@dataclass(frozen=True)
class Cadence:
    source: str
    period: timedelta
    basis: str  # where the period came from, for docs and error messages

    @property
    def freshness_budget(self) -> timedelta:
        """How old the watermark may get before the source is stale."""
        unit = max(self.period, DAY)
        return 2 * unit + unit / 4


def _catalog() -> Iterable[Any]:
    """The source catalog: entries with `name`, `path_template`, `file_template`."""
    from aurum.ingest.sources import SOURCES

    return SOURCES.values()


def _named(value: str, source: str) -> timedelta:
    try:
        return NAMED[value.lower()]
    except KeyError:
        raise ValueError(
            f"{source}: unknown cadence {value!r}; expected one of {sorted(NAMED)}"
        ) from None


def cadence_of(entry: Any) -> Cadence:
    declared = getattr(entry, "cadence", None)
    if isinstance(declared, timedelta):
        return Cadence(entry.name, declared, "declared")
    if isinstance(declared, str):
        return Cadence(entry.name, _named(declared, entry.name), "declared")
    url = entry.path_template
    if match := _FREQUENCY.search(url):
        return Cadence(entry.name, _named(match.group(1), entry.name), "url frequency")
    for series, name in _SERIES_CADENCE.items():
        if series in url or series in entry.file_template:
            return Cadence(entry.name, NAMED[name], f"series {series}")
    return Cadence(entry.name, DAY, "one document per day")


def source_cadences() -> dict[str, Cadence]:
    """{source name: Cadence} for every source in the catalog."""
    return {entry.name: cadence_of(entry) for entry in _catalog()}
