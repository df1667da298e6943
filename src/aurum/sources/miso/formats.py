"""MISO market-report LMP CSVs and the public-API real-time 5-minute ex-post JSON.

Market reports (`YYYYMMDD_da_lmp.csv`, `_da_expost_lmp.csv`, `_da_exante_lmp.csv`,
`_rt_lmp_final.csv`, `_rt_lmp_prelim.csv`) open with four preamble lines: the
report title, the operating date (`MM/DD/YYYY` or `M/D/YYYY`), a blank line and a
note that hours ending are Eastern Standard Time. Then `Node,Type,Value,HE 1..HE 24`
with one row per node and value kind (LMP, MCC, MLC blocks one after another).
Each row is de-pivoted to 24 landed rows. Row numbers are the file's line numbers,
so a rejection points at the line to read.

The report kind comes from the title line: `Day Ahead Market ExPost LMPs`
(da_expost_lmp), `Day Ahead Market ExAnte LMPs` (da_exante_lmp), `Day Ahead Market
LMPs` (the older da_lmp), `Realtime Market LMPs` (real-time). A real-time title does
not always say preliminary or final: a title mentioning neither is the final
report's (the only real-time title seen in a published file); a file name saying
`rt_lmp_prelim` or `rt_lmp_final` breaks that tie.

The public API (`GetRealTimeFiveMinExPost`) serves `{"headers": [...], "data":
[[...]]}` with every value a string; columns are found by header name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aurum.sources.core.documents import load_json
from aurum.sources.core.formats import DbtSource, SourceFormat, lmp_aliases
from aurum.sources.core.records import (
    MISSING_TOKENS,
    PREVIEW_CHARS,
    Decoded,
    Record,
    Rejection,
    RowError,
    csv_records,
    decode_text,
    parse_date,
    parse_datetime,
    parse_number,
    payload_of,
)
from aurum.sources.core.signatures import CsvHeader, JsonShape

if TYPE_CHECKING:  # imported when a file is read: most users of aurum.sources never need it
    import pyarrow as pa

REPORT_PATTERN = r"(da_(?:ex(?:post|ante)_)?lmp|rt_lmp_(?:final|prelim))"
REPORT_HEADER = ["Node", "Type", "Value", *(f"HE {hour}" for hour in range(1, 25))]
REPORT_VALUE_KINDS = frozenset({"LMP", "MCC", "MLC"})
DATE_FORMATS = ("%m/%d/%Y",)
EST_NOTE = "Eastern Standard Time"
PREAMBLE_LINES = 4

API_COLUMNS = ("INTERVAL", "CPNODE", "LMP", "MLC", "MCC")
API_TIME_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


def _file_rejection(reason: str, payload: str = "") -> Rejection:
    return Rejection(None, reason, payload[:PREVIEW_CHARS])


def report_kind(title: str, source_name: str) -> str:
    """The report kind from the report's title (the file name only breaks a real-time tie)."""
    words = re.sub(r"[^a-z]", "", title.lower())
    if words.startswith("dayahead"):
        if "expost" in words:
            return "da_expost_lmp"
        if "exante" in words:
            return "da_exante_lmp"
        return "da_lmp"
    if words.startswith("realtime"):
        if "prelim" in words:
            return "rt_lmp_prelim"
        if "final" in words:
            return "rt_lmp_final"
        hinted = re.search(REPORT_PATTERN, source_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
        if hinted and hinted.group(1).lower().startswith("rt_"):
            return hinted.group(1).lower()
        return "rt_lmp_final"
    raise RowError(f"report title {title!r} names neither the day-ahead nor the real-time market")


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
    text = decode_text(data)
    records = csv_records(text.lstrip("\r\n"))  # blank lines before the title are not the preamble
    lines = iter(records)

    def next_row() -> list[str] | None:
        for _, fields in lines:
            if isinstance(fields, RowError):
                raise fields
            return fields
        return None

    try:
        preamble = [next_row() for _ in range(PREAMBLE_LINES)]
    except RowError as exc:
        yield _file_rejection(str(exc), text[:PREVIEW_CHARS])
        return
    if preamble[0] is None:
        yield _file_rejection("empty file: no preamble")
        return
    preamble_lines = [line for line in preamble if line is not None]
    try:
        title, operating_date = _report_preamble(preamble_lines)
        kind = report_kind(title, source_name)
        header = next_row()
    except RowError as exc:
        yield _file_rejection(f"bad preamble: {exc}", "\n".join(map(payload_of, preamble_lines)))
        return
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
    for line_number, fields in lines:  # row numbers are the report's line numbers
        if isinstance(fields, RowError):
            yield Rejection(line_number, str(fields), "")
            continue
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
                    "report_kind": kind,
                    "report_title": title,
                    "operating_date": operating_date,
                    "node": node,
                    "node_type": fields[1].strip() or None,
                    "value_kind": value_kind,
                    "hour_ending": hour_ending,
                    "price": price,
                },
            )


# What the columnar reader accepts in the data lines: printable ASCII, no quotes (so
# splitting on commas is what the csv module does) and no '$' (parse_number strips it).
_PLAIN_DATA = re.compile(rb'[^\x20-\x7e\n]|["$]|\n\n')
_SIMPLE_NUMBER = r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def decode_report_batch(data: bytes, source_name: str) -> pa.Table | None:
    """The fast path's reader of a clean market report: the same records as
    `decode_report`, as one Arrow table, or None for any file that is not plainly
    clean (quotes, blank or short lines, CR line ends, '$', a bad value); the row
    decoder then reads it and says what is wrong."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return None
    body = data.lstrip(b"\n")
    head_end = 0
    for _ in range(PREAMBLE_LINES + 1):
        head_end = body.find(b"\n", head_end) + 1
        if head_end == 0:
            return None
    head, rows = body[:head_end], body[head_end:]
    if not rows or b'"' in head or _PLAIN_DATA.search(rows):
        return None
    try:
        lines = [line.split(",") for line in head.decode("ascii").split("\n")[:-1]]
    except UnicodeDecodeError:
        return None
    try:
        title, operating_date = _report_preamble(lines[:PREAMBLE_LINES])
        kind = report_kind(title, source_name)
    except RowError:
        return None
    if [h.strip() for h in lines[PREAMBLE_LINES]] != REPORT_HEADER:
        return None
    names = [f"c{i}" for i in range(len(REPORT_HEADER))]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(rows),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid:
        return None  # a line of another width: the row decoder names it
    if table.num_rows != rows.count(b"\n") + (not rows.endswith(b"\n")):
        return None
    table = table.combine_chunks()
    node = pc.ascii_trim_whitespace(table.column("c0"))
    node_type = pc.ascii_trim_whitespace(table.column("c1"))
    value_kind = pc.ascii_upper(pc.ascii_trim_whitespace(table.column("c2")))
    if not pc.all(pc.greater(pc.binary_length(node), 0), min_count=0).as_py():
        return None
    if not pc.all(pc.is_in(value_kind, pa.array(sorted(REPORT_VALUE_KINDS))), min_count=0).as_py():
        return None
    hours = len(REPORT_HEADER) - 3
    prices = np.empty((table.num_rows, hours))
    for hour in range(hours):
        text = pc.ascii_trim_whitespace(table.column(f"c{hour + 3}"))
        missing = pc.is_in(text, pa.array(sorted(MISSING_TOKENS)))
        present = pc.filter(text, pc.invert(missing))
        if not pc.all(pc.match_substring_regex(present, _SIMPLE_NUMBER), min_count=0).as_py():
            return None
        numbers = pc.if_else(missing, None, text).cast(pa.float64())
        prices[:, hour] = numbers.to_numpy(zero_copy_only=False)
    if not np.isfinite(prices[~np.isnan(prices)]).all():
        return None
    count = table.num_rows * hours
    repeat = np.repeat(np.arange(table.num_rows, dtype=np.int32), hours)
    flat = prices.ravel()
    line_numbers = np.arange(table.num_rows, dtype=np.int64) + PREAMBLE_LINES + 2

    def repeated(texts: pa.Array) -> pa.DictionaryArray:
        """Each report row's text 24 times, as a dictionary (texts repeat; Avro encodes
        each distinct one once)."""
        encoded = pc.dictionary_encode(texts).combine_chunks()
        return pa.DictionaryArray.from_arrays(
            encoded.indices.take(pa.array(repeat)), encoded.dictionary
        )

    def constant(text: str) -> pa.DictionaryArray:
        return pa.DictionaryArray.from_arrays(np.zeros(count, dtype=np.int32), pa.array([text]))

    columns = {
        "report_kind": constant(kind),
        "report_title": constant(title),
        "operating_date": pa.repeat(pa.scalar(operating_date, pa.date32()), count),
        "node": repeated(node),
        "node_type": repeated(
            pc.if_else(pc.equal(pc.binary_length(node_type), 0), None, node_type)
        ),
        "value_kind": repeated(value_kind),
        "hour_ending": pa.array(np.tile(np.arange(1, hours + 1, dtype=np.int32), table.num_rows)),
        "price": pa.array(flat, mask=np.isnan(flat)),
        "_row": pa.array(np.repeat(line_numbers, hours)),
        "_item": pa.array(np.tile(np.arange(hours, dtype=np.int32), table.num_rows)),
    }
    return pa.table(columns)


def decode_api_fivemin(data: bytes, source_name: str) -> Iterator[Decoded]:
    try:
        document = load_json(data)
    except RowError as exc:
        yield _file_rejection(f"not a JSON document: {exc}", decode_text(data[:PREVIEW_CHARS]))
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
    name_hint=r"_(da_(ex(post|ante)_)?lmp|rt_lmp_(final|prelim))",
    iso="MISO",
    description="MISO market-report LMP CSV (DA ex-ante/ex-post, RT prelim/final), wide HE 1..24",
    columns=(
        (
            "report_kind",
            "VARCHAR",
            (
                "da_lmp, da_exante_lmp, da_expost_lmp, rt_lmp_prelim or rt_lmp_final, from the "
                "report's title (see the module doc)."
            ),
        ),
        ("report_title", "VARCHAR", 'First preamble line, e.g. "Day Ahead Market LMPs".'),
        ("operating_date", "DATE", "Second preamble line, the operating day."),
        ("node", "VARCHAR"),
        ("node_type", "VARCHAR", "Hub, Loadzone, Interface, Gennode, ... as published."),
        ("value_kind", "VARCHAR", "LMP, MCC or MLC."),
        ("hour_ending", "INTEGER", "1..24, hour ending in Eastern Standard Time (no DST)."),
        ("price", "DOUBLE"),
    ),
    # The header follows a title, a date and a note (the blank line is not counted).
    signature=CsvHeader(REPORT_HEADER, within=4),
    decode=decode_report,
    decode_batch=decode_report_batch,
    dbt=DbtSource("landing_miso", ("stg_miso__lmp",)),
    accepted={
        "report_kind": (
            "da_lmp",
            "da_expost_lmp",
            "da_exante_lmp",
            "rt_lmp_final",
            "rt_lmp_prelim",
        ),
        "value_kind": ("LMP", "MCC", "MLC"),
    },
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
    name_hint=r"GetRealTimeFiveMinExPost",
    iso="MISO",
    description="MISO public API GetRealTimeFiveMinExPost JSON (5-minute ex-post LMPs)",
    columns=(
        (
            "interval",
            "TIMESTAMP",
            "INTERVAL as published, EST wall clock without offset (interval end).",
        ),
        ("cpnode", "VARCHAR"),
        ("lmp", "DOUBLE"),
        ("mlc", "DOUBLE"),
        ("mcc", "DOUBLE"),
    ),
    signature=JsonShape(
        lambda d: (
            isinstance(d, dict)
            and isinstance(d.get("data"), list)
            and all(c in (d.get("headers") or []) for c in API_COLUMNS)
        ),
        f"a JSON object with 'data' and 'headers' naming {list(API_COLUMNS)!r}",
    ),
    decode=decode_api_fivemin,
    dbt=DbtSource("landing_miso", ("stg_miso__fivemin_lmp",)),
    aliases=lmp_aliases(
        "MISO",
        location_id="cpnode",
        location_name="cpnode",
        market="=GetRealTimeFiveMinExPost",
        interval_seconds=300,
    ),
)

FORMATS = (REPORT_LMP, API_FIVEMIN_LMP)
