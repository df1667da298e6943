"""Builds seeds/ppa/ppa_generation_profiles.csv: constructed, not measured, generation profiles.

Monthly capacity factors are published US fleet averages (EIA Electric Power Annual,
Table 4.8.B, "Capacity Factors for Utility Scale Generators Not Primarily Using Fossil
Fuels", edition covering January 2013 - December 2015):

- solar: solar photovoltaic, August 2014 - June 2015 as published; July has no value in
  that window and is the mean of June 2015 and August 2014 (interpolated).
- wind: calendar 2013.

The hourly shape inside each month is constructed:

- solar: clear-sky sine of the sun's elevation at 40° N on the 15th of the month, hour
  midpoints in local standard time with solar noon at 12:00, shifted one hour later in
  April - October for daylight saving time (March and November are left on standard
  time; their DST days are off by an hour), scaled so the month's mean equals the
  published factor (hours capped at 1.0, the remainder spread over the others).
- wind: the monthly factor x (1 + 0.25 cos(2π (HE - 3) / 24)): a night-peaking diurnal
  swing typical of interior US wind, an assumption, not a measurement.

    python -m aurum.ppa.profiles   # rewrite the seed
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from aurum.paths import project_root

SEED_PATH = project_root() / "seeds" / "ppa" / "ppa_generation_profiles.csv"  # dbt seed

# Month -> published national capacity factor (fraction), see the module docstring.
SOLAR_MONTHLY_CF = {
    1: 0.168, 2: 0.221, 3: 0.267, 4: 0.309, 5: 0.312, 6: 0.317,
    7: 0.313, 8: 0.309, 9: 0.307, 10: 0.265, 11: 0.223, 12: 0.151,
}  # fmt: skip
WIND_MONTHLY_CF = {
    1: 0.335, 2: 0.354, 3: 0.359, 4: 0.411, 5: 0.370, 6: 0.324,
    7: 0.253, 8: 0.220, 9: 0.274, 10: 0.310, 11: 0.370, 12: 0.313,
}  # fmt: skip
LATITUDE_DEG = 40.0
DST_MONTHS = range(4, 11)


def _solar_elevation_sine(month: int, standard_hour_mid: float) -> float:
    day_of_year = (month - 1) * 30.44 + 15
    declination = math.radians(23.44) * math.sin(2 * math.pi * (284 + day_of_year) / 365)
    hour_angle = math.radians(15 * (standard_hour_mid - 12))
    lat = math.radians(LATITUDE_DEG)
    return max(
        0.0,
        math.sin(lat) * math.sin(declination)
        + math.cos(lat) * math.cos(declination) * math.cos(hour_angle),
    )


def _scale_to_mean(shape: list[float], target_mean: float) -> list[float]:
    """Scale so the mean is target_mean with no hour above 1 (capped hours fixed, rest rescaled)."""
    values = list(shape)
    capped: set[int] = set()
    for _ in range(24):
        free = [i for i in range(24) if i not in capped]
        remaining = target_mean * 24 - len(capped)
        total = sum(shape[i] for i in free)
        for i in free:
            values[i] = shape[i] * remaining / total
        over = {i for i in free if values[i] > 1.0}
        if not over:
            break
        capped |= over
        for i in over:
            values[i] = 1.0
    return values


def solar_month(month: int) -> list[float]:
    shift = 1 if month in DST_MONTHS else 0
    # Hour ending h (local clock) covers clock hours h-1..h; in standard time that is
    # one hour earlier during DST. The midpoint of the standard-time hour is used.
    shape = [_solar_elevation_sine(month, he - 0.5 - shift) for he in range(1, 25)]
    return _scale_to_mean(shape, SOLAR_MONTHLY_CF[month])


def wind_month(month: int) -> list[float]:
    shape = [1 + 0.25 * math.cos(2 * math.pi * (he - 3) / 24) for he in range(1, 25)]
    return _scale_to_mean(shape, WIND_MONTHLY_CF[month])


def rows() -> list[tuple[str, int, int, float]]:
    out = []
    for profile, builder in (("solar_pv_us_2015", solar_month), ("wind_us_2013", wind_month)):
        for month in range(1, 13):
            for he, value in enumerate(builder(month), start=1):
                out.append((profile, month, he, round(value, 6)))
    return out


def write_seed(path: Path = SEED_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["profile", "month", "hour_ending_local", "capacity_factor"])
        writer.writerows(rows())


if __name__ == "__main__":
    write_seed()
    print(f"wrote {SEED_PATH}")
