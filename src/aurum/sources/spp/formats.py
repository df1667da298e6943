"""SPP Integrated Marketplace LMP by settlement location: DA hourly and RTBM 5-minute files.

One landing table for every layout SPP has used for these files, with `file_kind`
('DA' | 'RTBM') read from the content: the daily RTBM layout has its own header; in
the shared layout a stamp off the hour, or two stamps of a location less than an hour
apart, is RTBM, an hour apart is DA. Only a file with one on-the-hour stamp per
location cannot tell; then the name decides (`DA-LMP-SL-*`, `RTBM-LMP-SL-*`,
`RTBM-LMP-DAILY-SL-*`) or the file is refused. The layouts differ only in spelling and column order, so
columns are matched by a normalised name (case, spaces and underscores ignored):

    DA, pre-2026       Interval,GMTIntervalEnd,Settlement Location,Pnode,LMP,MLC,MCC,MEC
    DA, with BAA       Interval,GMTIntervalEnd,BAA,Settlement Location,Pnode,LMP,MLC,MCC,MEC
    DA, upper case     INTERVAL,GMTINTERVALEND,BAA,SETTLEMENT_LOCATION,PNODE,LMP,MLC,MCC,MEC
    RTBM daily         Interval, GMT Interval, Settlement Location Name, PNODE Name, LMP, ...
                       (a space after every comma; newer files add a trailing BAA)

`Interval` is interval-ENDING local Central prevailing time and repeats in the
fall-back hour; `GMTIntervalEnd` / `GMT Interval` is the same instant in UTC. Both
land as naive timestamps, as published. Dates come as `6/1/2026 01:00` or
`07/01/2025 00:05:00`. `BAA` is null for files that predate it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aurum.sources.core.cadence import sub_hourly
from aurum.sources.core.formats import DbtSource, SourceFormat, lmp_aliases
from aurum.sources.core.records import (
    Decoded,
    Record,
    Rejection,
    RowError,
    decode_csv_with_layout,
    parse_datetime,
    parse_number,
)
from aurum.sources.core.signatures import CsvHeaderWhere

FILE_PATTERN = r"(DA|RTBM)-LMP-(DAILY-)?SL-"
# Header names only the RTBM daily roll-up uses.
RTBM_ONLY = frozenset({"gmtinterval", "settlementlocationname", "pnodename"})
TIME_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")

# normalised header name -> landing column
HEADER_ALIASES = {
    "interval": "interval_local",
    "gmtintervalend": "gmt_interval_end",
    "gmtinterval": "gmt_interval_end",
    "baa": "baa",
    "settlementlocation": "settlement_location",
    "settlementlocationname": "settlement_location",
    "pnode": "pnode",
    "pnodename": "pnode",
    "lmp": "lmp",
    "mlc": "mlc",
    "mcc": "mcc",
    "mec": "mec",
}
REQUIRED = (
    "interval_local",
    "gmt_interval_end",
    "settlement_location",
    "pnode",
    "lmp",
    "mlc",
    "mcc",
    "mec",
)


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _layout(header: list[str]) -> dict[str, int]:
    at: dict[str, int] = {}
    for i, name in enumerate(header):
        column = HEADER_ALIASES.get(_normalise(name))
        if column is None or column in at:
            raise RowError(f"unexpected SPP LMP header {[h.strip() for h in header]!r}")
        at[column] = i
    missing = [c for c in REQUIRED if c not in at]
    if missing:
        raise RowError(
            f"unexpected SPP LMP header {[h.strip() for h in header]!r}: missing {missing!r}"
        )
    return at


def _values(fields: list[str], at: dict[str, int]) -> dict:
    def text(column: str) -> str:
        return fields[at[column]].strip()

    return {
        "interval_local": parse_datetime(text("interval_local"), TIME_FORMATS, "Interval"),
        "gmt_interval_end": parse_datetime(
            text("gmt_interval_end"), TIME_FORMATS, "GMTIntervalEnd"
        ),
        "baa": text("baa") if "baa" in at else None,
        "settlement_location": text("settlement_location"),
        "pnode": text("pnode"),
        "lmp": parse_number(text("lmp"), "LMP"),
        "mlc": parse_number(text("mlc"), "MLC"),
        "mcc": parse_number(text("mcc"), "MCC"),
        "mec": parse_number(text("mec"), "MEC"),
    }


def file_kind(header: list[str], records: list[Record], source_name: str) -> str:
    """DA or RTBM from the header or the stamps; the name only when they cannot tell."""
    if RTBM_ONLY & {_normalise(h) for h in header}:
        return "RTBM"
    fivemin = sub_hourly(
        [(r.values["settlement_location"], r.values["interval_local"]) for r in records]
    )
    if fivemin is not None:
        return "RTBM" if fivemin else "DA"
    hinted = re.search(FILE_PATTERN, source_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    if hinted is None:
        raise RowError(
            "cannot tell DA from RTBM: every location has one stamp on the hour; name the "
            "file DA-LMP-SL-… or RTBM-LMP-SL-…"
        )
    return hinted.group(1).upper()


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    seen: dict[str, list[str]] = {}

    def layout(header: list[str]) -> dict[str, int]:
        seen["header"] = header
        return _layout(header)

    items = list(decode_csv_with_layout(data, layout, _values))
    records = [i for i in items if isinstance(i, Record)]
    try:
        kind = file_kind(seen["header"], records, source_name) if records else None
    except RowError as exc:
        yield Rejection(None, str(exc), "")
        return
    for item in items:
        if isinstance(item, Record):
            item.values["file_kind"] = kind
        yield item


def _is_lmp_header(header: list[str]) -> bool:
    try:
        _layout(header)
    except RowError:
        return False
    return True


LMP_BY_SETTLEMENT_LOCATION = SourceFormat(
    name="spp_lmp_by_settlement_location",
    name_hint=r"(DA|RTBM)-LMP-(DAILY-)?SL-",
    iso="SPP",
    description="SPP DA hourly and RTBM 5-minute LMP by settlement location (all layouts)",
    columns=(
        (
            "file_kind",
            "VARCHAR",
            "DA (day-ahead, hourly) or RTBM (real-time, 5-minute), from the content (module doc).",
        ),
        (
            "interval_local",
            "TIMESTAMP",
            "Interval, interval-ENDING Central prevailing time; repeats in the fall-back hour.",
        ),
        ("gmt_interval_end", "TIMESTAMP", "GMTIntervalEnd / GMT Interval, interval-ending UTC."),
        (
            "baa",
            "VARCHAR",
            "Balancing authority area (SPP, SWPW); null in files that predate the column.",
        ),
        ("settlement_location", "VARCHAR"),
        ("pnode", "VARCHAR"),
        ("lmp", "DOUBLE"),
        ("mlc", "DOUBLE", "Marginal loss component."),
        ("mcc", "DOUBLE", "Marginal congestion component."),
        ("mec", "DOUBLE", "Marginal energy component."),
    ),
    signature=CsvHeaderWhere(
        _is_lmp_header,
        "a CSV header of SPP's LMP-by-settlement-location layouts "
        "(Interval, GMT interval end, settlement location, pnode, LMP, MLC, MCC, MEC)",
    ),
    decode=decode,
    dbt=DbtSource("landing_spp", ("stg_spp__lmp",)),
    accepted={"file_kind": ("DA", "RTBM")},
    aliases=lmp_aliases(
        "SPP",
        location_id="settlement_location",
        location_name="settlement_location",
        market="file_kind",
    ),
)

FORMATS = (LMP_BY_SETTLEMENT_LOCATION,)
