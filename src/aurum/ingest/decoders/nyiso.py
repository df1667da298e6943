"""NYISO zonal LBMP files: MIS daily CSVs and OASIS exports.

MIS (`mis.nyiso.com/public/csv/...`): `YYYYMMDDdamlbmp_zone.csv` (P-2A, day-ahead,
unquoted, `Time Stamp` `07/18/2022 00:00` = hour beginning) and
`YYYYMMDDrealtime_zone.csv` (P-24A, real-time dispatch, text fields quoted,
`07/18/2022 00:05:00` = interval ending, hour 24 written as next day `00:00:00`,
extra off-grid RTD intervals such as `00:15:12`). Both share one header and land in
one table with a `feed` column taken from the file name.

OASIS exports: "Day-Ahead Market Zonal LBMP" (`6/1/24 0:00` hour beginning, with an
`EDT`/`EST` column) and "Real-Time Commitment (RTC) Zonal LBMP" (everything quoted,
`2024/06/01 00:15:00` = 15-minute interval ending). Each has a price version.

Timestamps are kept as published (naive Eastern wall clock); the congestion column
keeps NYISO's own sign (LBMP = energy + losses - congestion). Both are interpreted in
dbt (`models/staging/nyiso/`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aurum.ingest.formats import SourceFormat, lmp_aliases
from aurum.ingest.records import (
    Decoded,
    Rejection,
    RowError,
    decode_csv_rows,
    parse_datetime,
    parse_int,
    parse_number,
)

# ---------------------------------------------------------------- MIS zonal LBMP

MIS_FEED_PATTERN = r"^\d{8}(damlbmp|realtime)_zone\.csv$"
MIS_HEADER = (
    "Time Stamp",
    "Name",
    "PTID",
    "LBMP ($/MWHr)",
    "Marginal Cost Losses ($/MWHr)",
    "Marginal Cost Congestion ($/MWHr)",
)
# DAM stamps have no seconds, real-time stamps do; either is accepted in either feed.
MIS_TIME_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")


def _mis_values(feed: str, fields: list[str]) -> dict:
    return {
        "feed": feed,
        "time_stamp": parse_datetime(fields[0], MIS_TIME_FORMATS, "Time Stamp"),
        "name": _text(fields[1], "Name"),
        "ptid": parse_int(fields[2], "PTID"),
        "lbmp": parse_number(fields[3], "LBMP ($/MWHr)"),
        "marginal_cost_losses": parse_number(fields[4], "Marginal Cost Losses ($/MWHr)"),
        "marginal_cost_congestion": parse_number(fields[5], "Marginal Cost Congestion ($/MWHr)"),
    }


def decode_mis_zonal_lbmp(data: bytes, source_name: str) -> Iterator[Decoded]:
    base = source_name.rsplit("/", 1)[-1]
    match = re.search(MIS_FEED_PATTERN, base, flags=re.IGNORECASE)
    if match is None:
        yield Rejection(None, f"cannot tell the NYISO MIS feed from the name {source_name!r}", "")
        return
    feed = match.group(1).lower()
    yield from decode_csv_rows(data, MIS_HEADER, lambda fields: _mis_values(feed, fields))


# ---------------------------------------------------------------- OASIS DAM zonal LBMP

OASIS_DAM_HEADER = (
    "Eastern Date Hour",
    "Eastern Date Hour Time Zone",
    "Zone Name",
    "Zone PTID",
    "DAM Zonal LBMP",
    "DAM Zonal Losses",
    "DAM Zonal Congestion",
    "DAM Zonal Price Version",
)
OASIS_DAM_TIME_FORMATS = ("%m/%d/%y %H:%M", "%m/%d/%Y %H:%M")
EASTERN_ZONE_ABBREVIATIONS = frozenset({"EDT", "EST"})


def _eastern_zone(text: str, column: str) -> str:
    cleaned = text.strip().upper()
    if cleaned not in EASTERN_ZONE_ABBREVIATIONS:
        raise RowError(f"unknown time zone {text!r} in column {column!r}; expected EDT or EST")
    return cleaned


def _oasis_dam_values(fields: list[str]) -> dict:
    return {
        "eastern_date_hour": parse_datetime(fields[0], OASIS_DAM_TIME_FORMATS, "Eastern Date Hour"),
        "eastern_date_hour_time_zone": _eastern_zone(fields[1], "Eastern Date Hour Time Zone"),
        "zone_name": _text(fields[2], "Zone Name"),
        "zone_ptid": parse_int(fields[3], "Zone PTID"),
        "dam_zonal_lbmp": parse_number(fields[4], "DAM Zonal LBMP"),
        "dam_zonal_losses": parse_number(fields[5], "DAM Zonal Losses"),
        "dam_zonal_congestion": parse_number(fields[6], "DAM Zonal Congestion"),
        "dam_zonal_price_version": parse_int(fields[7], "DAM Zonal Price Version"),
    }


def decode_oasis_dam_zonal_lbmp(data: bytes, source_name: str) -> Iterator[Decoded]:
    yield from decode_csv_rows(data, OASIS_DAM_HEADER, _oasis_dam_values)


# ---------------------------------------------------------------- OASIS RTC zonal LBMP

OASIS_RTC_HEADER = (
    "RTC End Time Stamp",
    "Zone Name",
    "Zone PTID",
    "RTC Zonal LBMP",
    "RTC Zonal Losses",
    "RTC Zonal Congestion",
    "RTC Zonal Price Version",
)
OASIS_RTC_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


def _oasis_rtc_values(fields: list[str]) -> dict:
    return {
        "rtc_end_time_stamp": parse_datetime(
            fields[0], OASIS_RTC_TIME_FORMATS, "RTC End Time Stamp"
        ),
        "zone_name": _text(fields[1], "Zone Name"),
        "zone_ptid": parse_int(fields[2], "Zone PTID"),
        "rtc_zonal_lbmp": parse_number(fields[3], "RTC Zonal LBMP"),
        "rtc_zonal_losses": parse_number(fields[4], "RTC Zonal Losses"),
        "rtc_zonal_congestion": parse_number(fields[5], "RTC Zonal Congestion"),
        "rtc_zonal_price_version": parse_int(fields[6], "RTC Zonal Price Version"),
    }


def decode_oasis_rtc_zonal_lbmp(data: bytes, source_name: str) -> Iterator[Decoded]:
    yield from decode_csv_rows(data, OASIS_RTC_HEADER, _oasis_rtc_values)


def _text(text: str, column: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise RowError(f"missing value in column {column!r}")
    return cleaned


MIS_ZONAL_LBMP = SourceFormat(
    name="nyiso_mis_zonal_lbmp",
    iso="NYISO",
    description=(
        "NYISO MIS zonal LBMP CSV: P-2A day-ahead (damlbmp_zone, hour beginning) and "
        "P-24A real-time 5-minute (realtime_zone, interval ending)"
    ),
    columns=(
        ("feed", "VARCHAR"),
        ("time_stamp", "TIMESTAMP"),
        ("name", "VARCHAR"),
        ("ptid", "BIGINT"),
        ("lbmp", "DOUBLE"),
        ("marginal_cost_losses", "DOUBLE"),
        ("marginal_cost_congestion", "DOUBLE"),
    ),
    filename=MIS_FEED_PATTERN,
    decode=decode_mis_zonal_lbmp,
    aliases=lmp_aliases(
        "NYISO", location_id="ptid", location_name="name", location_type="=ZONE", market="feed"
    ),
)

OASIS_DAM_ZONAL_LBMP = SourceFormat(
    name="nyiso_oasis_dam_zonal_lbmp",
    iso="NYISO",
    description="NYISO OASIS export, Day-Ahead Market Zonal LBMP (hour beginning, EDT/EST column)",
    columns=(
        ("eastern_date_hour", "TIMESTAMP"),
        ("eastern_date_hour_time_zone", "VARCHAR"),
        ("zone_name", "VARCHAR"),
        ("zone_ptid", "BIGINT"),
        ("dam_zonal_lbmp", "DOUBLE"),
        ("dam_zonal_losses", "DOUBLE"),
        ("dam_zonal_congestion", "DOUBLE"),
        ("dam_zonal_price_version", "INTEGER"),
    ),
    filename=r"^OASIS_Day-Ahead_Market_Zonal_LBMP.*\.csv$",
    decode=decode_oasis_dam_zonal_lbmp,
    aliases=lmp_aliases(
        "NYISO",
        location_id="zone_ptid",
        location_name="zone_name",
        location_type="=ZONE",
        market="=DAM",
        interval_seconds=3600,
    ),
)

OASIS_RTC_ZONAL_LBMP = SourceFormat(
    name="nyiso_oasis_rtc_zonal_lbmp",
    iso="NYISO",
    description=(
        "NYISO OASIS export, Real-Time Commitment (RTC) Zonal LBMP (15-min interval ending)"
    ),
    columns=(
        ("rtc_end_time_stamp", "TIMESTAMP"),
        ("zone_name", "VARCHAR"),
        ("zone_ptid", "BIGINT"),
        ("rtc_zonal_lbmp", "DOUBLE"),
        ("rtc_zonal_losses", "DOUBLE"),
        ("rtc_zonal_congestion", "DOUBLE"),
        ("rtc_zonal_price_version", "INTEGER"),
    ),
    filename=r"^OASIS_Real_Time_Commitment_Zonal_LBMP.*\.csv$",
    decode=decode_oasis_rtc_zonal_lbmp,
    aliases=lmp_aliases(
        "NYISO",
        location_id="zone_ptid",
        location_name="zone_name",
        location_type="=ZONE",
        market="=RTC",
        interval_seconds=900,
    ),
)

FORMATS = (MIS_ZONAL_LBMP, OASIS_DAM_ZONAL_LBMP, OASIS_RTC_ZONAL_LBMP)
