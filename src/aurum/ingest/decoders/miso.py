"""MISO market-report LMP CSVs and the public-API real-time 5-minute ex-post JSON.

Market reports (`YYYYMMDD_da_lmp.csv`, `_da_expost_lmp.csv`, `_da_exante_lmp.csv`,
`_rt_lmp_final.csv`, `_rt_lmp_prelim.csv`) open with four preamble lines: the
report title, the operating date (`MM/DD/YYYY` or `M/D/YYYY`), a blank line and a
note that hours ending are Eastern Standard Time. Then `Node,Type,Value,HE 1..HE 24`
with one row per node and value kind (LMP, MCC, MLC blocks one after another).
Each row is de-pivoted to 24 landed rows. Row numbers are the file's line numbers,
so a rejection points at the line to read.

The public API (`GetRealTimeFiveMinExPost`) serves `{"headers": [...], "data":
[[...]]}` with every value a string; columns are found by header name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from aurum.ingest.formats import SourceFormat, lmp_aliases
from aurum.ingest.records import (
    Decoded,
    Record,
    Rejection,
    RowError,
    csv_rows,
    decode_text,
    parse_date,
    parse_datetime,
    parse_number,
    payload_of,
)

REPORT_PATTERN = r"^\d{8}_(da_(?:ex(?:post|ante)_)?lmp|rt_lmp_(?:final|prelim))\.csv$"
REPORT_HEADER = ["Node", "Type", "Value", *(f"HE {hour}" for hour in range(1, 25))]
REPORT_VALUE_KINDS = frozenset({"LMP", "MCC", "MLC"})
DATE_FORMATS = ("%m/%d/%Y",)
EST_NOTE = "Eastern Standard Time"
PREAMBLE_LINES = 4

API_COLUMNS = ("INTERVAL", "CPNODE", "LMP", "MLC", "MCC")
API_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def _file_rejection(reason: str, payload: str = "") -> Rejection:
    return Rejection(None, reason, payload[:2000])


def _report_preamble(lines: list[list[str]]) -> tuple[str, object]:
    """Title and operating date from the four preamble lines, or RowError."""
    if len(lines) < PREAMBLE_LINES:
        raise RowError(f"preamble has {len(lines)} lines; expected {PREAMBLE_LINES}")
    title = ",".join(lines[0]).strip(" ,")
    if "LMP" not in title.upper():
        raise RowError(f"unexpected report title {title!r}")
    date_text = ",".join(lines[1]).strip(" ,")
    operating_date = parse_date(date_text, DATE_FORMATS, "operating_date")
    if ",".join(lines[2]).strip(" ,"):
        raise RowError(f"expected a blank third preamble line, got {lines[2]!r}")
    note = ",".join(lines[3]).strip(" ,")
    if EST_NOTE not in note:
        raise RowError(f"expected the EST note on the fourth preamble line, got {note!r}")
    return title, operating_date


def decode_report(data: bytes, source_name: str) -> Iterator[Decoded]:
    match = re.search(REPORT_PATTERN, source_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    if match is None:
        yield _file_rejection(f"cannot tell the MISO report kind from the name {source_name!r}")
        return
    report_kind = match.group(1).lower()
    try:
        text = decode_text(data)
    except RowError as exc:
        yield _file_rejection(str(exc), data[:2000].decode("utf-8", "replace"))
        return
    rows = csv_rows(text)
    preamble = [next(rows, None) for _ in range(PREAMBLE_LINES)]
    if preamble[0] is None:
        yield _file_rejection("empty file: no preamble")
        return
    preamble_lines = [line for line in preamble if line is not None]
    try:
        title, operating_date = _report_preamble(preamble_lines)
    except RowError as exc:
        yield _file_rejection(f"bad preamble: {exc}", "\n".join(map(payload_of, preamble_lines)))
        return
    header = next(rows, None)
    if header is None:
        yield _file_rejection("no header row after the preamble")
        return
    if [h.strip() for h in header] != REPORT_HEADER:
        yield _file_rejection(
            f"unexpected header {[h.strip() for h in header]!r}; expected {REPORT_HEADER!r}",
            payload_of(header),
        )
        return
    width = len(REPORT_HEADER)
    line_number = PREAMBLE_LINES + 1
    for fields in rows:
        line_number += 1
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != width:
            yield Rejection(
                line_number, f"expected {width} fields, got {len(fields)}", payload_of(fields)
            )
            continue
        try:
            node = fields[0].strip()
            if not node:
                raise RowError("missing value in column 'Node'")
            value_kind = fields[2].strip().upper()
            if value_kind not in REPORT_VALUE_KINDS:
                raise RowError(f"unknown value kind {fields[2]!r} in column 'Value'")
            prices = [
                parse_number(fields[3 + i], f"HE {i + 1}", allow_missing=True) for i in range(24)
            ]
        except RowError as exc:
            yield Rejection(line_number, str(exc), payload_of(fields))
            continue
        for hour_ending, price in enumerate(prices, start=1):
            yield Record(
                line_number,
                {
                    "report_kind": report_kind,
                    "report_title": title,
                    "operating_date": operating_date,
                    "node": node,
                    "node_type": fields[1].strip() or None,
                    "value_kind": value_kind,
                    "hour_ending": hour_ending,
                    "price": price,
                },
            )


def decode_api_fivemin(data: bytes, source_name: str) -> Iterator[Decoded]:
    try:
        document = json.loads(decode_text(data))
    except (RowError, ValueError) as exc:
        yield _file_rejection(f"not a JSON document: {exc}", data[:2000].decode("utf-8", "replace"))
        return
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        yield _file_rejection("expected an object with a 'data' array", str(document)[:2000])
        return
    headers = document.get("headers")
    if not isinstance(headers, list) or any(col not in headers for col in API_COLUMNS):
        yield _file_rejection(
            f"unexpected headers {headers!r}; expected {list(API_COLUMNS)!r}", str(headers)
        )
        return
    position = {name: headers.index(name) for name in API_COLUMNS}
    for number, row in enumerate(document["data"], start=1):
        payload = json.dumps(row)
        if not isinstance(row, list) or len(row) != len(headers):
            yield Rejection(number, f"expected a list of {len(headers)} values", payload)
            continue
        try:
            node = str(row[position["CPNODE"]] or "").strip()
            if not node:
                raise RowError("missing value in column 'CPNODE'")
            values = {
                "interval": parse_datetime(
                    str(row[position["INTERVAL"]]), API_TIME_FORMATS, "INTERVAL"
                ),
                "cpnode": node,
                "lmp": parse_number(str(row[position["LMP"]]), "LMP"),
                "mlc": parse_number(str(row[position["MLC"]]), "MLC"),
                "mcc": parse_number(str(row[position["MCC"]]), "MCC"),
            }
        except RowError as exc:
            yield Rejection(number, str(exc), payload)
            continue
        yield Record(number, values)


REPORT_LMP = SourceFormat(
    name="miso_report_lmp",
    iso="MISO",
    description="MISO market-report LMP CSV (DA ex-ante/ex-post, RT prelim/final), wide HE 1..24",
    columns=(
        ("report_kind", "VARCHAR"),
        ("report_title", "VARCHAR"),
        ("operating_date", "DATE"),
        ("node", "VARCHAR"),
        ("node_type", "VARCHAR"),
        ("value_kind", "VARCHAR"),
        ("hour_ending", "INTEGER"),
        ("price", "DOUBLE"),
    ),
    filename=REPORT_PATTERN,
    decode=decode_report,
    aliases=lmp_aliases(
        "MISO",
        location_id="node",
        location_name="node",
        location_type="node_type",
        market="report_kind",
        interval_seconds=3600,
    ),
)

API_FIVEMIN_LMP = SourceFormat(
    name="miso_api_fivemin_lmp",
    iso="MISO",
    description="MISO public API GetRealTimeFiveMinExPost JSON (5-minute ex-post LMPs)",
    columns=(
        ("interval", "TIMESTAMP"),
        ("cpnode", "VARCHAR"),
        ("lmp", "DOUBLE"),
        ("mlc", "DOUBLE"),
        ("mcc", "DOUBLE"),
    ),
    filename=r"^GetRealTimeFiveMinExPost.*\.json$",
    decode=decode_api_fivemin,
    aliases=lmp_aliases(
        "MISO",
        location_id="cpnode",
        location_name="cpnode",
        market="=GetRealTimeFiveMinExPost",
        interval_seconds=300,
    ),
)

FORMATS = (REPORT_LMP, API_FIVEMIN_LMP)
