"""NYISO P-58B real-time actual load per zone (`YYYYMMDDpal.csv`).

Quoted CSV `"Time Stamp","Time Zone","Name","PTID","Load"`; the time stamp is local
prevailing time and the `Time Zone` column (EST/EDT) disambiguates the repeated
fall-back hour. Time stamps are roughly 5-minutely but off-grid ones occur (e.g.
`00:01:12`); the decoder keeps them as published. A file runs 00:00 .. 23:55: a
stamp is the START of the interval its reading stands for; staging
(`stg_iso_load__nyiso_actual`) holds a reading until the zone's next one or the next
5-minute grid point, whichever comes first. Recognised by its header.
"""

from __future__ import annotations

from collections.abc import Iterator

from aurum.sources.core.formats import DbtSource, SourceFormat
from aurum.sources.core.records import (
    Decoded,
    RowError,
    decode_csv_rows,
    parse_datetime,
    parse_int,
    parse_number,
)
from aurum.sources.core.signatures import CsvHeader

NYISO_HEADER = ("Time Stamp", "Time Zone", "Name", "PTID", "Load")
NYISO_TIME = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")
NYISO_ZONES = frozenset({"EST", "EDT"})


def _nyiso_values(fields: list[str]) -> dict:
    zone = fields[1].strip().upper()
    if zone not in NYISO_ZONES:
        raise RowError(f"unknown Time Zone {fields[1]!r}; expected EST or EDT")
    return {
        "time_stamp": parse_datetime(fields[0], NYISO_TIME, "Time Stamp"),
        "time_zone": zone,
        "zone_name": fields[2].strip(),
        "ptid": parse_int(fields[3], "PTID"),
        "load_mw": parse_number(fields[4], "Load", allow_missing=True),
    }


def decode_nyiso(data: bytes, source_name: str) -> Iterator[Decoded]:
    yield from decode_csv_rows(data, NYISO_HEADER, _nyiso_values)


NYISO_PAL = SourceFormat(
    name="nyiso_pal",
    name_hint=r"\d{8}pal\b",
    iso="NYISO",
    description="NYISO P-58B real-time actual load per zone (YYYYMMDDpal.csv)",
    columns=(
        ("time_stamp", "TIMESTAMP"),
        ("time_zone", "VARCHAR"),
        ("zone_name", "VARCHAR"),
        ("ptid", "BIGINT"),
        ("load_mw", "DOUBLE"),
    ),
    signature=CsvHeader(NYISO_HEADER),
    decode=decode_nyiso,
    dbt=DbtSource("landing_iso_load", ("stg_iso_load__nyiso_actual",)),
)
