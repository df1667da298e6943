"""SPP Integrated Marketplace LMP by settlement location: DA hourly and RTBM 5-minute files.

One landing table for every layout SPP has used for these files, with `file_kind`
('DA' | 'RTBM') taken from the file name (`DA-LMP-SL-*`, `RTBM-LMP-SL-*`,
`RTBM-LMP-DAILY-SL-*`). The layouts differ only in spelling and column order, so
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

from aurum.ingest.formats import SourceFormat, lmp_aliases
from aurum.ingest.records import (
    Decoded,
    Rejection,
    RowError,
    decode_csv_with_layout,
    parse_datetime,
    parse_number,
)

FILE_PATTERN = r"^(DA|RTBM)-LMP-(DAILY-)?SL-\d{8,12}.*\.csv$"
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


def _values(file_kind: str, fields: list[str], at: dict[str, int]) -> dict:
    def text(column: str) -> str:
        return fields[at[column]].strip()

    return {
        "file_kind": file_kind,
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


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    match = re.search(FILE_PATTERN, source_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    if match is None:
        yield Rejection(None, f"cannot tell DA from RTBM by the name {source_name!r}", "")
        return
    file_kind = match.group(1).upper()
    yield from decode_csv_with_layout(
        data, _layout, lambda fields, at: _values(file_kind, fields, at)
    )


LMP_BY_SETTLEMENT_LOCATION = SourceFormat(
    name="spp_lmp_by_settlement_location",
    iso="SPP",
    description="SPP DA hourly and RTBM 5-minute LMP by settlement location (all layouts)",
    columns=(
        ("file_kind", "VARCHAR"),
        ("interval_local", "TIMESTAMP"),
        ("gmt_interval_end", "TIMESTAMP"),
        ("baa", "VARCHAR"),
        ("settlement_location", "VARCHAR"),
        ("pnode", "VARCHAR"),
        ("lmp", "DOUBLE"),
        ("mlc", "DOUBLE"),
        ("mcc", "DOUBLE"),
        ("mec", "DOUBLE"),
    ),
    filename=FILE_PATTERN,
    decode=decode,
    aliases=lmp_aliases(
        "SPP",
        location_id="settlement_location",
        location_name="settlement_location",
        market="file_kind",
    ),
)

FORMATS = (LMP_BY_SETTLEMENT_LOCATION,)
