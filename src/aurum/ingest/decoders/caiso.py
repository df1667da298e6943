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
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime

from aurum.ingest.formats import SourceFormat, lmp_aliases
from aurum.ingest.records import (
    Decoded,
    Record,
    Rejection,
    RowError,
    csv_rows,
    decode_text,
    parse_date,
    parse_int,
    parse_number,
    payload_of,
)

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
    try:
        text = decode_text(data)
    except RowError as exc:
        yield Rejection(None, f"{inner}: {exc}", data[:2000].decode("utf-8", "replace"))
        return
    rows = csv_rows(text)
    header = next(rows, None)
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
    for fields in rows:
        if not fields or all(not f.strip() for f in fields):
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
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = sorted(n for n in archive.namelist() if not n.endswith("/"))
        contents = {name: archive.read(name) for name in members}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError) as exc:
        yield Rejection(None, f"not a readable ZIP (truncated or corrupt): {exc}", "")
        return
    except Exception as exc:  # zlib.error and CRC failures on damaged members
        yield Rejection(None, f"not a readable ZIP (damaged member): {exc}", "")
        return
    csvs = [n for n in members if n.lower().endswith(".csv")]
    xmls = [n for n in members if n.lower().endswith(".xml")]
    if not csvs:
        if xmls:
            xml = contents[xmls[0]]
            yield Rejection(None, _oasis_error(xml), xml[:2000].decode("utf-8", "replace"))
        else:
            yield Rejection(None, f"ZIP holds no CSV (members: {members!r})", "")
        return
    next_row = 1
    for inner in csvs:
        last = next_row - 1
        for item in _decode_csv(contents[inner], inner, next_row):
            if item.row_number is not None:
                last = max(last, item.row_number)
            yield item
        next_row = last + 1


OASIS_PRC_LMP = SourceFormat(
    name="caiso_oasis_prc_lmp",
    iso="CAISO",
    description="CAISO OASIS LMP query ZIPs: PRC_LMP DAM, PRC_RTPD_LMP 15-min, PRC_INTVL_LMP 5-min",
    columns=(
        ("inner_file", "VARCHAR"),
        ("interval_start_gmt", "TIMESTAMP"),
        ("interval_end_gmt", "TIMESTAMP"),
        ("opr_dt", "DATE"),
        ("opr_hr", "INTEGER"),
        ("opr_interval", "INTEGER"),
        ("node_id_xml", "VARCHAR"),
        ("node_id", "VARCHAR"),
        ("node", "VARCHAR"),
        ("market_run_id", "VARCHAR"),
        ("lmp_type", "VARCHAR"),
        ("xml_data_item", "VARCHAR"),
        ("pnode_resmrid", "VARCHAR"),
        ("grp_type", "VARCHAR"),
        ("pos", "VARCHAR"),
        ("value", "DOUBLE"),
        ("value_column", "VARCHAR"),
        ("group_number", "VARCHAR"),
    ),
    filename=r"PRC_(INTVL_|RTPD_)?LMP.*\.zip$",
    decode=decode,
    aliases=lmp_aliases("CAISO", location_id="node", location_name="node", market="market_run_id"),
)

FORMATS = (OASIS_PRC_LMP,)
