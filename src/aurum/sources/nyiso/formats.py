"""NYISO zonal LBMP files: MIS daily CSVs and OASIS exports.

MIS (`mis.nyiso.com/public/csv/...`): `YYYYMMDDdamlbmp_zone.csv` (P-2A, day-ahead,
unquoted, `Time Stamp` `07/18/2022 00:00` = hour beginning),
`YYYYMMDDrtlbmp_zone.csv` (integrated real-time, hourly, quoted, same stamps) and
`YYYYMMDDrealtime_zone.csv` (P-24A, real-time dispatch, text fields quoted,
`07/18/2022 00:05:00` = interval ending, hour 24 written as next day `00:00:00`,
extra off-grid RTD intervals such as `00:15:12`). All share one header and land in
one table; the monthly archives (`YYYYMM01realtime_zone_csv.zip`, a CSV per day) are
read member by member.

The `feed` column comes from the content: 5-minute or off-grid stamps are `realtime`
(only the RTD file has them). 15-minute stamps are refused unless the name says
`realtime` (an extract of it): the 15-minute Balancing Hour-Ahead file is not
supported. Hourly stamps are day-ahead or integrated real-time, which the content does
not separate; a name saying `damlbmp` or `rtlbmp` decides, and otherwise the
publisher's quoting does (NYISO writes P-2A unquoted and the rtlbmp file quoted).

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
from dataclasses import replace

from aurum.sources.core.archives import ArchiveError, is_zip, iter_members
from aurum.sources.core.cadence import step_seconds
from aurum.sources.core.formats import DbtSource, SourceFormat, lmp_aliases
from aurum.sources.core.records import (
    Decoded,
    Record,
    Rejection,
    RowError,
    decode_csv_rows,
    decode_text,
    parse_datetime,
    parse_int,
    parse_number,
)
from aurum.sources.core.signatures import AnyOf, CsvHeader, ZipOf
from aurum.sources.nyiso.load import NYISO_PAL

# ---------------------------------------------------------------- MIS zonal LBMP

MIS_FEED_HINT = r"(damlbmp|rtlbmp|realtime)"
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


def _mis_values(fields: list[str]) -> dict:
    return {
        "time_stamp": parse_datetime(fields[0], MIS_TIME_FORMATS, "Time Stamp"),
        "name": _text(fields[1], "Name"),
        "ptid": parse_int(fields[2], "PTID"),
        "lbmp": parse_number(fields[3], "LBMP ($/MWHr)"),
        "marginal_cost_losses": parse_number(fields[4], "Marginal Cost Losses ($/MWHr)"),
        "marginal_cost_congestion": parse_number(fields[5], "Marginal Cost Congestion ($/MWHr)"),
    }


def _first_data_line(text: str) -> str:
    lines = (line for line in text.splitlines() if line.strip())
    next(lines, None)  # the header
    return next(lines, "")


def _hinted(names: tuple[str, ...]) -> str | None:
    for name in names:
        hinted = re.search(MIS_FEED_HINT, name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
        if hinted:
            return hinted.group(1).lower()
    return None


def mis_feed(records: list[Record], text: str, names: tuple[str, ...]) -> str:
    """damlbmp | rtlbmp | realtime for one MIS file (see the module doc); RowError if the
    content and the name cannot tell."""
    first = _first_data_line(text)
    stamps = [(r.values["ptid"], r.values["time_stamp"]) for r in records]
    step = step_seconds(stamps)
    off_quarter = any(t.second or t.minute % 15 for _, t in stamps)
    off_hour = any(t.second or t.minute for _, t in stamps)
    hinted = _hinted(names)
    if off_quarter or (step is not None and step < 900):
        return "realtime"  # only the RTD file has 5-minute (and off-grid) stamps
    if off_hour or (step is not None and step < 3600):
        if hinted == "realtime":
            return "realtime"
        raise RowError(
            "15-minute stamps: not NYISO's 5-minute realtime (P-24A) file as published, and "
            "the 15-minute Balancing Hour-Ahead (hamlbmp) file is not supported; a file "
            "named …realtime_zone… is read as a realtime extract"
        )
    seconds = first.split(",", 1)[0].strip().strip('"').count(":") == 2
    if step is None and seconds and hinted in (None, "realtime"):
        return "realtime"  # one stamp on the hour, written the RTD way (HH:MM:SS)
    if hinted in ("damlbmp", "rtlbmp"):
        return hinted
    return "rtlbmp" if first.lstrip().startswith('"') else "damlbmp"


def _decode_mis_file(data: bytes, names: tuple[str, ...], first_row: int) -> Iterator[Decoded]:
    text = decode_text(data)
    items = list(decode_csv_rows(data, MIS_HEADER, _mis_values))
    records = [i for i in items if isinstance(i, Record)]
    try:
        feed = mis_feed(records, text, names) if records else None
    except RowError as exc:
        yield Rejection(None, str(exc), "")
        return
    for item in items:
        if item.row_number is not None and first_row != 1:
            item = replace(item, row_number=item.row_number + first_row - 1)
        if isinstance(item, Record):
            item.values["feed"] = feed
        yield item


def decode_mis_zonal_lbmp(data: bytes, source_name: str) -> Iterator[Decoded]:
    if not is_zip(data):
        yield from _decode_mis_file(data, (source_name,), 1)
        return
    # A monthly archive: one CSV per day; rows are numbered across the members so that
    # (file, row) stays unique and each zone's intervals stay in file order.
    next_row = 1
    try:
        for inner, content in iter_members(data, ".csv"):
            last = next_row - 1
            for item in _decode_mis_file(content, (inner, source_name), next_row):
                if item.row_number is not None:
                    last = max(last, item.row_number)
                if isinstance(item, Rejection) and item.row_number is None:
                    item = Rejection(None, f"{inner}: {item.reason}", item.payload)
                yield item
            next_row = last + 1
    except ArchiveError as exc:
        yield Rejection(None, str(exc), "")


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
    name_hint=r"(damlbmp|rtlbmp|realtime)_zone",
    iso="NYISO",
    description=(
        "NYISO MIS zonal LBMP CSV: P-2A day-ahead (damlbmp_zone, hour beginning), integrated "
        "real-time hourly (rtlbmp_zone) and P-24A real-time 5-minute (realtime_zone, "
        "interval ending)"
    ),
    columns=(
        (
            "feed",
            "VARCHAR",
            (
                "damlbmp (P-2A day-ahead), rtlbmp (integrated real-time hourly) or realtime "
                "(P-24A real-time dispatch), read from the content (see the module doc)."
            ),
        ),
        (
            "time_stamp",
            "TIMESTAMP",
            (
                "`Time Stamp`, Eastern prevailing wall clock with no EDT/EST flag. Hour "
                "BEGINNING for damlbmp; interval ENDING for realtime (hour 24 is the next day's "
                "00:00:00). Repeats in the fall-back hour."
            ),
        ),
        ("name", "VARCHAR", "Zone name as published (`N.Y.C.`, `H Q`, ...)."),
        ("ptid", "BIGINT", "NYISO point identifier of the zone (the registry location id)."),
        ("lbmp", "DOUBLE", "LBMP ($/MWHr)."),
        ("marginal_cost_losses", "DOUBLE", "Marginal Cost Losses ($/MWHr)."),
        (
            "marginal_cost_congestion",
            "DOUBLE",
            (
                "Marginal Cost Congestion ($/MWHr) in NYISO's sign: LBMP = energy + losses - "
                "congestion, so a constrained import zone shows a NEGATIVE value."
            ),
        ),
    ),
    signature=AnyOf(CsvHeader(MIS_HEADER), ZipOf(CsvHeader(MIS_HEADER))),
    decode=decode_mis_zonal_lbmp,
    dbt=DbtSource("landing_nyiso", ("stg_nyiso__mis_zonal_lbmp",)),
    accepted={"feed": ("damlbmp", "rtlbmp", "realtime")},
    aliases=lmp_aliases(
        "NYISO", location_id="ptid", location_name="name", location_type="=ZONE", market="feed"
    ),
)

OASIS_DAM_ZONAL_LBMP = SourceFormat(
    name="nyiso_oasis_dam_zonal_lbmp",
    name_hint=r"Day-Ahead_Market_Zonal_LBMP",
    iso="NYISO",
    description="NYISO OASIS export, Day-Ahead Market Zonal LBMP (hour beginning, EDT/EST column)",
    columns=(
        (
            "eastern_date_hour",
            "TIMESTAMP",
            "Hour beginning, Eastern wall clock (`6/1/24 0:00` as published).",
        ),
        (
            "eastern_date_hour_time_zone",
            "VARCHAR",
            "EDT or EST for that hour; tells the two fall-back 1:00 hours apart.",
        ),
        ("zone_name", "VARCHAR"),
        ("zone_ptid", "BIGINT"),
        ("dam_zonal_lbmp", "DOUBLE"),
        ("dam_zonal_losses", "DOUBLE"),
        ("dam_zonal_congestion", "DOUBLE", "NYISO sign (LBMP = energy + losses - congestion)."),
        (
            "dam_zonal_price_version",
            "INTEGER",
            "OASIS price version; a corrected price is republished with a higher version.",
        ),
    ),
    signature=CsvHeader(OASIS_DAM_HEADER),
    decode=decode_oasis_dam_zonal_lbmp,
    dbt=DbtSource("landing_nyiso", ("stg_nyiso__oasis_dam_zonal_lbmp",)),
    accepted={"eastern_date_hour_time_zone": ("EDT", "EST")},
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
    name_hint=r"Real_Time_Commitment_Zonal_LBMP",
    iso="NYISO",
    description=(
        "NYISO OASIS export, Real-Time Commitment (RTC) Zonal LBMP (15-min interval ending)"
    ),
    columns=(
        (
            "rtc_end_time_stamp",
            "TIMESTAMP",
            "15-minute interval END, Eastern wall clock, no EDT/EST flag.",
        ),
        ("zone_name", "VARCHAR"),
        ("zone_ptid", "BIGINT"),
        ("rtc_zonal_lbmp", "DOUBLE"),
        ("rtc_zonal_losses", "DOUBLE"),
        ("rtc_zonal_congestion", "DOUBLE", "NYISO sign (LBMP = energy + losses - congestion)."),
        ("rtc_zonal_price_version", "INTEGER"),
    ),
    signature=CsvHeader(OASIS_RTC_HEADER),
    decode=decode_oasis_rtc_zonal_lbmp,
    dbt=DbtSource("landing_nyiso", ("stg_nyiso__oasis_rtc_zonal_lbmp",)),
    aliases=lmp_aliases(
        "NYISO",
        location_id="zone_ptid",
        location_name="zone_name",
        location_type="=ZONE",
        market="=RTC",
        interval_seconds=900,
    ),
)

FORMATS = (MIS_ZONAL_LBMP, OASIS_DAM_ZONAL_LBMP, OASIS_RTC_ZONAL_LBMP, NYISO_PAL)
