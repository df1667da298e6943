"""CAISO OASIS LMP query results (`SingleZip`, `resultformat=6`): PRC_LMP, PRC_RTPD_LMP,
PRC_INTVL_LMP.

OASIS answers a query with a ZIP. On success it holds one CSV per result set (PRC_LMP
returns one; the real-time queries may return one per LMP_TYPE); on failure it holds
an `.xml` OASISReport whose `m:ERROR` carries `ERR_CODE` and `ERR_DESC`. The CSVs are
long: one row per node, interval and LMP_TYPE (LMP, MCE, MCC, MCL, MGHG). The three
queries name and place the price column differently (verified against published
headers):

    PRC_LMP (DAM)        ...,OPR_HR,OPR_INTERVAL,NODE_ID_XML,...,POS,MW,GROUP
    PRC_RTPD_LMP (RTPD)  ...,OPR_HR,NODE_ID_XML,...,POS,PRC,OPR_INTERVAL,GROUP
    PRC_INTVL_LMP (RTM)  ...,OPR_HR,NODE_ID_XML,...,POS,VALUE,OPR_INTERVAL,GROUP

so columns are read by name and the price lands as `value` whatever it was called
(`MW` in PRC_LMP although it is $/MWh), with the published name kept in
`value_column`. `INTERVALSTARTTIME_GMT`/`INTERVALENDTIME_GMT` (`2020-01-02T05:00:00-00:00`)
land as naive UTC; `OPR_DT`/`OPR_HR`/`OPR_INTERVAL` (Pacific prevailing, hour-ending,
OPR_HR 1..25 on the fall-back day) are kept as published. No pivot here: the long
shape is what OASIS publishes; staging pivots it.

Recognised by content: a ZIP holding a CSV with the OASIS LMP columns (or an OASIS
error report), or that CSV on its own, unzipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from aurum.sources.core.archives import ArchiveError, is_zip, iter_members
from aurum.sources.core.formats import DbtSource, SourceFormat, lmp_aliases
from aurum.sources.core.records import (
    PREVIEW_CHARS,
    Decoded,
    Record,
    Rejection,
    RowError,
    csv_records,
    decode_text,
    is_blank,
    parse_date,
    parse_int,
    parse_number,
    payload_of,
)
from aurum.sources.core.signatures import AnyOf, CsvHeaderWhere, XmlText, ZipOf

VALUE_COLUMNS = ("MW", "PRC", "VALUE")
REQUIRED_COLUMNS = (
    "INTERVALSTARTTIME_GMT",
    "INTERVALENDTIME_GMT",
    "OPR_DT",
    "OPR_HR",
    "OPR_INTERVAL",
    "NODE_ID_XML",
    "NODE_ID",
    "NODE",
    "MARKET_RUN_ID",
    "LMP_TYPE",
    "XML_DATA_ITEM",
    "PNODE_RESMRID",
    "GRP_TYPE",
    "POS",
    "GROUP",
)
_ERR_CODE = re.compile(r"<(?:\w+:)?ERR_CODE>\s*([^<]*?)\s*</(?:\w+:)?ERR_CODE>")
_ERR_DESC = re.compile(r"<(?:\w+:)?ERR_DESC>\s*([^<]*?)\s*</(?:\w+:)?ERR_DESC>")


def _gmt(text: str, column: str) -> datetime:
    """`2020-01-02T05:00:00-00:00` -> naive UTC. An offset is required: it is the point."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RowError(f"unparseable timestamp {text!r} in column {column!r}") from None
    if parsed.tzinfo is None:
        raise RowError(f"timestamp {text!r} in column {column!r} has no UTC offset")
    return parsed.astimezone(UTC).replace(tzinfo=None)


def _layout(header: list[str]) -> dict[str, int]:
    names = [h.strip().strip('"') for h in header]
    index = {name: i for i, name in enumerate(names)}
    value_columns = [v for v in VALUE_COLUMNS if v in index]
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    extra = set(names) - set(REQUIRED_COLUMNS) - set(VALUE_COLUMNS)
    if missing or extra or len(value_columns) != 1 or len(names) != len(index):
        raise RowError(
            f"unexpected OASIS LMP header {names!r}; expected the PRC_LMP/PRC_RTPD_LMP/"
            f"PRC_INTVL_LMP columns {list(REQUIRED_COLUMNS)!r} plus one of {list(VALUE_COLUMNS)!r}"
        )
    index["__value__"] = index[value_columns[0]]
    return index


def _values(fields: list[str], at: dict[str, int], value_column: str, inner: str) -> dict:
    def text(column: str) -> str:
        return fields[at[column]].strip()

    return {
        "inner_file": inner,
        "interval_start_gmt": _gmt(text("INTERVALSTARTTIME_GMT"), "INTERVALSTARTTIME_GMT"),
        "interval_end_gmt": _gmt(text("INTERVALENDTIME_GMT"), "INTERVALENDTIME_GMT"),
        "opr_dt": parse_date(text("OPR_DT"), ("%Y-%m-%d",), "OPR_DT"),
        "opr_hr": parse_int(text("OPR_HR"), "OPR_HR"),
        "opr_interval": parse_int(text("OPR_INTERVAL"), "OPR_INTERVAL"),
        "node_id_xml": text("NODE_ID_XML"),
        "node_id": text("NODE_ID"),
        "node": text("NODE"),
        "market_run_id": text("MARKET_RUN_ID"),
        "lmp_type": text("LMP_TYPE"),
        "xml_data_item": text("XML_DATA_ITEM"),
        "pnode_resmrid": text("PNODE_RESMRID"),
        "grp_type": text("GRP_TYPE"),
        "pos": text("POS"),
        "value": parse_number(fields[at["__value__"]], value_column),
        "value_column": value_column,
        "group_number": text("GROUP"),
    }


def _oasis_error(xml: bytes) -> str:
    text = xml.decode("utf-8", "replace")
    code = _ERR_CODE.search(text)
    desc = _ERR_DESC.search(text)
    if code is None and desc is None:
        return "OASIS returned XML instead of CSV, with no ERR_CODE/ERR_DESC in it"
    return f"OASIS error {code.group(1) if code else '?'}: {desc.group(1) if desc else '?'}"


def _decode_csv(data: bytes, inner: str, first_row: int) -> Iterator[Decoded]:
    """One CSV member; row numbers continue from `first_row` so they stay unique per zip."""
    records = iter(csv_records(decode_text(data)))
    header = None
    for _, fields in records:
        if isinstance(fields, RowError):
            yield Rejection(None, f"{inner}: {fields}", "")
            return
        if not is_blank(fields):
            header = fields
            break
    if header is None:
        yield Rejection(None, f"{inner}: empty file: no header row", "")
        return
    try:
        at = _layout(header)
    except RowError as exc:
        yield Rejection(None, f"{inner}: {exc}", payload_of(header))
        return
    value_column = header[at["__value__"]].strip().strip('"')
    width = len(header)
    number = first_row - 1
    for _, fields in records:
        if isinstance(fields, RowError):
            number += 1
            yield Rejection(number, str(fields), "")
            continue
        if is_blank(fields):
            continue
        number += 1
        if len(fields) != width:
            yield Rejection(
                number, f"expected {width} fields, got {len(fields)}", payload_of(fields)
            )
            continue
        try:
            yield Record(number, _values(fields, at, value_column, inner))
        except RowError as exc:
            yield Rejection(number, str(exc), payload_of(fields))


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    if not data:
        yield Rejection(None, "empty file: no ZIP content", "")
        return
    if not is_zip(data):  # the CSV saved on its own, unzipped
        yield from _decode_csv(data, source_name.replace("\\", "/").rsplit("/", 1)[-1], 1)
        return
    next_row = 1
    csvs = 0
    error: Rejection | None = None
    try:
        for inner, content in iter_members(data):
            lowered = inner.lower()
            if lowered.endswith(".xml") and error is None:
                error = Rejection(None, _oasis_error(content), decode_text(content)[:PREVIEW_CHARS])
                continue
            if not lowered.endswith(".csv"):
                continue
            csvs += 1
            last = next_row - 1
            for item in _decode_csv(content, inner, next_row):
                if item.row_number is not None:
                    last = max(last, item.row_number)
                yield item
            next_row = last + 1
    except ArchiveError as exc:
        yield Rejection(None, str(exc), "")
        return
    if not csvs:
        yield error or Rejection(None, "ZIP holds no CSV", "")


def _is_oasis_lmp_header(header: list[str]) -> bool:
    try:
        _layout(header)
    except RowError:
        return False
    return True


OASIS_CSV = CsvHeaderWhere(
    _is_oasis_lmp_header,
    "a CSV with the OASIS PRC_LMP/PRC_RTPD_LMP/PRC_INTVL_LMP columns",
)

OASIS_PRC_LMP = SourceFormat(
    name="caiso_oasis_prc_lmp",
    name_hint=r"PRC_(INTVL_|RTPD_)?LMP",
    iso="CAISO",
    description="CAISO OASIS LMP query ZIPs: PRC_LMP DAM, PRC_RTPD_LMP 15-min, PRC_INTVL_LMP 5-min",
    columns=(
        ("inner_file", "VARCHAR", "Name of the CSV inside the OASIS ZIP."),
        ("interval_start_gmt", "TIMESTAMP", "INTERVALSTARTTIME_GMT as naive UTC."),
        ("interval_end_gmt", "TIMESTAMP", "INTERVALENDTIME_GMT as naive UTC."),
        ("opr_dt", "DATE", "Operating date (Pacific prevailing)."),
        ("opr_hr", "INTEGER", "Hour-ending 1..24 (1..25 on the fall-back day, 1..23 in spring)."),
        ("opr_interval", "INTEGER", "Interval within the hour (0 for DAM, 1..4 RTPD, 1..12 RTM)."),
        ("node_id_xml", "VARCHAR"),
        ("node_id", "VARCHAR"),
        ("node", "VARCHAR"),
        ("market_run_id", "VARCHAR", "DAM, RTPD or RTM."),
        (
            "lmp_type",
            "VARCHAR",
            "LMP, MCE (energy), MCC (congestion), MCL (loss), MGHG (greenhouse gas).",
        ),
        ("xml_data_item", "VARCHAR"),
        ("pnode_resmrid", "VARCHAR"),
        ("grp_type", "VARCHAR"),
        ("pos", "VARCHAR"),
        ("value", "DOUBLE", "The price in $/MWh, whatever the source column was called."),
        ("value_column", "VARCHAR", "The published name of the price column (MW, PRC or VALUE)."),
        ("group_number", "VARCHAR", "OASIS GROUP column, as published."),
    ),
    signature=AnyOf(OASIS_CSV, ZipOf(OASIS_CSV), ZipOf(XmlText("OASISReport"))),
    decode=decode,
    dbt=DbtSource("landing_caiso", ("stg_caiso__lmp",)),
    aliases=lmp_aliases("CAISO", location_id="node", location_name="node", market="market_run_id"),
)

FORMATS = (OASIS_PRC_LMP,)
