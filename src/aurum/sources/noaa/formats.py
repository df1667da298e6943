"""NOAA GHCN-Daily station list (`ghcnd-stations.txt`), fixed width.

Columns (1-based, inclusive): ID 1-11, LATITUDE 13-20, LONGITUDE 22-30,
ELEVATION 32-37 (metres; -999.9 = missing), STATE 39-40, NAME 42-71, GSN FLAG
73-75, HCN/CRN FLAG 77-79, WMO ID 81-85. Blank fields are spaces, and lines are
often shorter than 85 characters because trailing blanks are dropped, so a line is
padded before slicing. Elevations can be negative (below sea level).
"""

from __future__ import annotations

from collections.abc import Iterator

from aurum.sources.core.documents import file_rejection
from aurum.sources.core.formats import DbtSource, SourceFormat
from aurum.sources.core.records import (
    Decoded,
    Record,
    Rejection,
    RowError,
    decode_text,
    parse_number,
)
from aurum.sources.core.signatures import TextLines

LINE_WIDTH = 85
MISSING_ELEVATION = -999.9
# (column, first, last) with 1-based inclusive positions from the NOAA readme.
FIELDS = (
    ("station_id", 1, 11),
    ("latitude", 13, 20),
    ("longitude", 22, 30),
    ("elevation_m", 32, 37),
    ("state", 39, 40),
    ("name", 42, 71),
    ("gsn_flag", 73, 75),
    ("hcn_crn_flag", 77, 79),
    ("wmo_id", 81, 85),
)


def _values(line: str) -> dict:
    if len(line) > LINE_WIDTH:
        raise RowError(f"line is {len(line)} characters, longer than {LINE_WIDTH}")
    padded = line.ljust(LINE_WIDTH)
    raw = {name: padded[first - 1 : last] for name, first, last in FIELDS}
    for separator in (12, 21, 31, 38, 41, 72, 76, 80):
        if padded[separator - 1] != " ":
            raise RowError(f"column {separator} should be blank, found {padded[separator - 1]!r}")
    station_id = raw["station_id"].strip()
    if len(station_id) != 11 or not station_id.isalnum():
        raise RowError(f"bad station id {raw['station_id']!r}")
    latitude = parse_number(raw["latitude"], "latitude")
    longitude = parse_number(raw["longitude"], "longitude")
    assert latitude is not None and longitude is not None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise RowError(f"coordinates out of range: {latitude}, {longitude}")
    elevation = parse_number(raw["elevation_m"], "elevation_m", allow_missing=True)
    if elevation == MISSING_ELEVATION:
        elevation = None
    name = raw["name"].strip()
    if not name:
        raise RowError("empty station name")
    return {
        "station_id": station_id,
        "country_code": station_id[:2],
        "latitude": latitude,
        "longitude": longitude,
        "elevation_m": elevation,
        "state": raw["state"].strip() or None,
        "name": name,
        "gsn_flag": raw["gsn_flag"].strip() or None,
        "hcn_crn_flag": raw["hcn_crn_flag"].strip() or None,
        "wmo_id": raw["wmo_id"].strip() or None,
    }


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    try:
        if not data.strip():
            raise RowError("empty file: no station lines")
        text = decode_text(data)
    except RowError as exc:
        yield file_rejection(exc, data)
        return
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            yield Record(number, _values(line.rstrip()))
        except RowError as exc:
            yield Rejection(number, str(exc), line)


STATIONS = SourceFormat(
    name="noaa_ghcnd_stations",
    name_hint=r"ghcnd-stations",
    iso="NOAA",
    description="NOAA GHCN-Daily station metadata, fixed-width ghcnd-stations.txt",
    columns=(
        ("station_id", "VARCHAR"),
        ("country_code", "VARCHAR"),
        ("latitude", "DOUBLE"),
        ("longitude", "DOUBLE"),
        ("elevation_m", "DOUBLE"),
        ("state", "VARCHAR"),
        ("name", "VARCHAR"),
        ("gsn_flag", "VARCHAR"),
        ("hcn_crn_flag", "VARCHAR"),
        ("wmo_id", "VARCHAR"),
    ),
    # ID (2 letters + 9 alphanumerics), latitude and longitude in fixed columns.
    signature=TextLines(
        r"^[A-Z]{2}[A-Z0-9]{9} +-?\d{1,2}\.\d{4} +-?\d{1,3}\.\d{4} +-?\d+\.\d",
        "fixed-width GHCN-Daily station lines (ID, latitude, longitude, elevation …)",
    ),
    decode=decode,
    dbt=DbtSource("landing_noaa", ("stg_noaa__ghcnd_stations",)),
)

FORMATS = (STATIONS,)
