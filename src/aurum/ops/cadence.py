"""Each source's publishing cadence, and the freshness budget its alert uses.

The cadence is what the source catalog declares (`Source.cadence`, a value of the
vocabulary `cadence`): how often the publisher puts out a new document. This module
only turns those names into periods.

A watermark (ingest.watermarks) is the end of the last day loaded, so a healthy daily
source's watermark is at most one day old plus the publisher's lag of about a day.
The budget is therefore two periods of at least a day, plus a grace of a quarter
period: 2 d 6 h for a daily feed, 15.75 d for a weekly one, 69.75 d for a monthly one.
A feed published more often than daily still moves its watermark a day at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aurum.sources import SOURCES
from aurum.sources.core.vocabulary import CADENCES

DAY = timedelta(days=1)
YEAR = timedelta(days=366)
PERIODS: dict[str, timedelta] = {
    "5min": timedelta(minutes=5),
    "15min": timedelta(minutes=15),
    "hourly": timedelta(hours=1),
    "daily": DAY,
    "weekly": timedelta(days=7),
    "monthly": timedelta(days=31),
    "annual": YEAR,
    # Republished when its contents change (NOAA's station list): stale after two years
    # without a new version, the same budget as an annual series.
    "irregular": YEAR,
}
if set(PERIODS) != set(CADENCES):  # the vocabulary gained or lost a cadence
    raise RuntimeError(f"cadence periods {sorted(PERIODS)} != vocabulary {sorted(CADENCES)}")


@dataclass(frozen=True)
class Cadence:
    source: str
    name: str  # the catalog's cadence, a value of the vocabulary `cadence`
    period: timedelta

    @property
    def freshness_budget(self) -> timedelta:
        """How old the watermark may get before the source is stale."""
        unit = max(self.period, DAY)
        return 2 * unit + unit / 4


def cadence_of(source_name: str, cadence: str) -> Cadence:
    try:
        return Cadence(source_name, cadence, PERIODS[cadence])
    except KeyError:
        raise ValueError(
            f"{source_name}: unknown cadence {cadence!r}; expected one of {sorted(PERIODS)}"
        ) from None


def source_cadences() -> dict[str, Cadence]:
    """{source name: Cadence} for every source in the catalog."""
    return {name: cadence_of(name, source.cadence) for name, source in SOURCES.items()}
