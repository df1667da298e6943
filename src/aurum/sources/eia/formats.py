"""EIA: historical series workbooks (`hist_xls/*.xls`) and API v2 JSON responses.

XLS (`RNGWHHDd.xls`, Henry Hub spot; `…w`, `…m`, `…a` for weekly, monthly, annual):
sheet `Data 1`; row 1 `Back to Contents` + title, row 2 `Sourcekey` + series id, row 3
`Date` + series description (units in parentheses), then one (date, value) row per
period. Every frequency has the same Sourcekey (`RNGWHHD`), so the frequency is read
from the workbook itself: the `Contents` sheet lists each data sheet with its
`Frequency` (Daily, Weekly, Monthly, Annual); a workbook without it falls back to the
description (`Weekly Henry Hub …`), and one that says neither is refused. Dates are
Excel serials as published — the day for daily, the week's last day (Friday) for
weekly, the 15th for monthly, June 30 for annual — read with the workbook's datemode;
a missing price is an empty cell (2018-01-05 in the daily sample) and lands as null
with `value_status = 'null'`. Read with xlrd (Excel 97 format only).

API v2 (`/v2/<route>/data/?frequency=...&data[]=...`): `response.data[]` rows whose
keys are `period`, facet columns (ids and their `-name`/`Description` labels), the
requested data columns and their units (`units` for `value`, `<column>-units`
otherwise). Values are strings (`"1.869"`), `null`, or `"w"` (withheld). The decoder
lands one row per (data row, requested data column) with the facets as sorted JSON
text, `value_status` 'ok' | 'null' | 'withheld', and the period as published (its
format, `YYYY` / `YYYY-MM` / `YYYY-MM-DD`, follows `response.dateFormat`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import xlrd

from aurum.sources.core.documents import compact, file_rejection, load_json
from aurum.sources.core.formats import DbtSource, SourceFormat
from aurum.sources.core.records import Decoded, Record, Rejection, RowError, parse_number
from aurum.sources.core.signatures import JsonShape, XlsSheet, has_keys

XLS_SHEET = "Data 1"
XLS_HEADER_ROWS = 3
WITHHELD = {"w", "W"}
PERIOD_FORMATS = {"YYYY": "%Y", "YYYY-MM": "%Y-%m", "YYYY-MM-DD": "%Y-%m-%d"}


# --- hist_xls -------------------------------------------------------------------------


XLS_FREQUENCIES = {"daily": "daily", "weekly": "weekly", "monthly": "monthly", "annual": "annual"}


def _xls_frequency(book, description: str) -> str:
    """The data sheet's frequency from the Contents sheet, else from the description."""
    if "Contents" in book.sheet_names():
        contents = book.sheet_by_name("Contents")
        header = None
        for row in range(contents.nrows):
            cells = [str(c).strip() for c in contents.row_values(row)]
            if header is None and "Worksheet Name" in cells and "Frequency" in cells:
                header = (cells.index("Worksheet Name"), cells.index("Frequency"))
            elif header is not None and cells[header[0]] == XLS_SHEET:
                stated = cells[header[1]].lower()
                if stated in XLS_FREQUENCIES:
                    return XLS_FREQUENCIES[stated]
                raise RowError(f"Contents gives {XLS_SHEET!r} an unknown frequency {stated!r}")
    first = description.split(" ", 1)[0].lower()
    if first in XLS_FREQUENCIES:
        return XLS_FREQUENCIES[first]
    raise RowError(
        f"cannot tell the frequency of {XLS_SHEET!r}: no Contents sheet lists it and the "
        f"description {description!r} does not say"
    )


def _xls_row(sheet, row: int, datemode: int, series_id: str, description: str) -> dict:
    date_cell, value_cell = sheet.cell(row, 0), sheet.cell(row, 1)
    if date_cell.ctype not in (xlrd.XL_CELL_DATE, xlrd.XL_CELL_NUMBER):
        raise RowError(f"Date cell {date_cell.value!r} is not an Excel date")
    try:
        period = datetime(*xlrd.xldate_as_tuple(date_cell.value, datemode)).date()
    except (xlrd.xldate.XLDateError, ValueError) as exc:
        raise RowError(f"Date serial {date_cell.value!r} is out of range: {exc}") from None
    if value_cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        value, status = None, "null"
    elif value_cell.ctype == xlrd.XL_CELL_NUMBER:
        value, status = float(value_cell.value), "ok"
    elif value_cell.ctype == xlrd.XL_CELL_TEXT and value_cell.value.strip() in WITHHELD:
        value, status = None, "withheld"
    else:
        raise RowError(f"non-numeric value {value_cell.value!r} in column {series_id!r}")
    return {
        "series_id": series_id,
        "series_description": description,
        "period_date": period,
        "value": value,
        "value_status": status,
    }


def decode_xls(data: bytes, source_name: str) -> Iterator[Decoded]:
    try:
        if not data:
            raise RowError("empty file: no workbook")
        try:
            book = xlrd.open_workbook(file_contents=data)
        except Exception as exc:  # xlrd raises several unrelated types for bad files
            raise RowError(f"not a readable XLS workbook: {type(exc).__name__}: {exc}") from None
        if XLS_SHEET not in book.sheet_names():
            raise RowError(f"no sheet {XLS_SHEET!r}; sheets are {book.sheet_names()!r}")
        sheet = book.sheet_by_name(XLS_SHEET)
        if sheet.nrows < XLS_HEADER_ROWS or sheet.ncols < 2:
            raise RowError(f"sheet {XLS_SHEET!r} has no preamble/header rows")
        labels = [str(sheet.cell_value(r, 0)).strip() for r in (1, 2)]
        if labels != ["Sourcekey", "Date"]:
            raise RowError(f"unexpected preamble labels {labels!r}; expected Sourcekey, Date")
        series_id = str(sheet.cell_value(1, 1)).strip()
        description = str(sheet.cell_value(2, 1)).strip()
        if not series_id:
            raise RowError("empty Sourcekey")
        frequency = _xls_frequency(book, description)
    except RowError as exc:
        yield file_rejection(exc, data)
        return
    for row in range(XLS_HEADER_ROWS, sheet.nrows):
        cells = sheet.row_values(row, 0, 2)
        if all(c == "" for c in cells):
            continue
        number = row - XLS_HEADER_ROWS + 1
        try:
            values = _xls_row(sheet, row, book.datemode, series_id, description)
            yield Record(number, {**values, "frequency": frequency})
        except RowError as exc:
            yield Rejection(number, str(exc), json.dumps(cells, default=str))


# --- API v2 ---------------------------------------------------------------------------


def _status(raw: object, column: str) -> tuple[float | None, str]:
    if raw is None:
        return None, "null"
    if isinstance(raw, bool):
        raise RowError(f"non-numeric value {raw!r} in column {column!r}")
    if isinstance(raw, int | float):
        return float(raw), "ok"
    if isinstance(raw, str) and raw.strip() in WITHHELD:
        return None, "withheld"
    if isinstance(raw, str) and raw.strip() in ("", "NA", "--"):
        return None, "null"
    if isinstance(raw, str):
        return parse_number(raw, column), "ok"
    raise RowError(f"value {raw!r} in column {column!r} is neither a string nor a number")


def _units_key(column: str) -> str:
    return "units" if column == "value" else f"{column}-units"


def _api_rows(item: object, route: str, frequency: str, date_format: str, columns: list[str]):
    if not isinstance(item, dict):
        raise RowError(f"data row is a {type(item).__name__}, not an object")
    period = item.get("period")
    if not isinstance(period, str) or not period.strip():
        raise RowError(f"missing or non-string 'period' {period!r}")
    fmt = PERIOD_FORMATS.get(date_format)
    if fmt is not None:
        try:
            datetime.strptime(period.strip(), fmt)
        except ValueError:
            raise RowError(f"period {period!r} does not match dateFormat {date_format!r}") from None
    present = [c for c in columns if c in item]
    if not present:
        raise RowError(f"none of the requested data columns {columns!r} is in the row")
    unit_keys = {_units_key(c) for c in columns}
    facets = {
        k: v for k, v in item.items() if k != "period" and k not in columns and k not in unit_keys
    }
    rows = []
    for column in present:
        value, status = _status(item[column], column)
        rows.append(
            {
                "route": route,
                "frequency": frequency,
                "date_format": date_format or None,
                "period": period.strip(),
                "series_id": str(item["series"]) if item.get("series") is not None else None,
                "facets": json.dumps(facets, sort_keys=True, separators=(",", ":")),
                "data_column": column,
                "value": value,
                "value_text": None if item[column] is None else str(item[column]),
                "value_status": status,
                "units": item.get(_units_key(column)),
            }
        )
    return rows


def decode_api_v2(data: bytes, source_name: str) -> Iterator[Decoded]:
    try:
        document = load_json(data)
        if not isinstance(document, dict) or "response" not in document:
            keys = list(document) if isinstance(document, dict) else type(document).__name__
            raise RowError(f"expected an object with 'response', got {keys!r}")
        response = document["response"]
        if not isinstance(response, dict) or not isinstance(response.get("data"), list):
            raise RowError("'response' holds no 'data' list")
        request = document.get("request") or {}
        params = request.get("params") or {}
        route = str(request.get("command") or "").strip()
        if not route:
            raise RowError("no request.command: cannot name the API route")
        columns = params.get("data")
        if not isinstance(columns, list) or not columns:
            raise RowError("no request.params.data: cannot tell data columns from facets")
        frequency = str(response.get("frequency") or params.get("frequency") or "")
        date_format = str(response.get("dateFormat") or "")
    except RowError as exc:
        yield file_rejection(exc, data)
        return
    for number, item in enumerate(response["data"], start=1):
        try:
            rows = _api_rows(item, route, frequency, date_format, [str(c) for c in columns])
        except RowError as exc:
            yield Rejection(number, str(exc), compact(item))
            continue
        for values in rows:
            yield Record(number, values)


HIST_XLS = SourceFormat(
    name="eia_hist_xls",
    name_hint=r"^[A-Z0-9]{3,20}[dwma]\.xls$",
    iso="EIA",
    description="EIA historical series workbook (hist_xls: RNGWHHDd/w/m/a.xls, any frequency)",
    columns=(
        ("series_id", "VARCHAR"),
        ("series_description", "VARCHAR"),
        (
            "frequency",
            "VARCHAR",
            "daily, weekly, monthly or annual: the workbook's Contents sheet (all frequencies "
            "share one Sourcekey).",
        ),
        ("period_date", "DATE"),
        ("value", "DOUBLE"),
        ("value_status", "VARCHAR"),
    ),
    signature=XlsSheet(XLS_SHEET, ((1, 0, "Sourcekey"), (2, 0, "Date"))),
    decode=decode_xls,
    dbt=DbtSource("landing_eia", ("stg_eia__hist_series",)),
    accepted={"value_status": "value_status", "frequency": "frequency"},
)

API_V2_SERIES = SourceFormat(
    name="eia_api_v2_series",
    name_hint=r"^eia_v2_",
    iso="EIA",
    description="EIA API v2 data responses, any route: one row per data row and data column",
    columns=(
        ("route", "VARCHAR"),
        ("frequency", "VARCHAR"),
        ("date_format", "VARCHAR"),
        ("period", "VARCHAR"),
        ("series_id", "VARCHAR"),
        ("facets", "VARCHAR"),
        ("data_column", "VARCHAR"),
        ("value", "DOUBLE"),
        ("value_text", "VARCHAR"),
        ("value_status", "VARCHAR"),
        ("units", "VARCHAR"),
    ),
    signature=JsonShape(
        lambda d: has_keys("response", "request")(d) and isinstance(d["response"], dict),
        "a JSON object with 'response' and 'request' (EIA API v2)",
    ),
    decode=decode_api_v2,
    dbt=DbtSource("landing_eia", ("stg_eia__api_series",)),
    accepted={"value_status": "value_status"},
)

FORMATS = (HIST_XLS, API_V2_SERIES)
