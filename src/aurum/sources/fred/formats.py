"""FRED series observations: the fredgraph CSV download and the observations API JSON.

CSV (`https://fred.stlouisfed.org/graph/fredgraph.csv?id=CPIAUCSL`, saved as
`CPIAUCSL.csv`): header `observation_date,<SERIES_ID>` (downloads before 2024 say
`DATE`), one observation per line. The series id is the value column's name.

API (`/fred/series/observations?series_id=CPIAUCSL&file_type=json`):
`{"realtime_start", "realtime_end", ..., "observations": [{"realtime_start",
"realtime_end", "date", "value"}]}`, values as strings. The body does not name the
series, so the saved file's name must (`fred_series_observations_<SERIES_ID>*.json` or
`<SERIES_ID>*.json`); a file named otherwise is refused with that reason.

Missing values (`.` in both, or empty in the CSV) are LANDED with `value` null and
`value_is_missing` true: a gap in a monthly index is information (e.g. the October
2025 CPI that was never collected), and dropping it here would hide it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aurum.sources.core.documents import compact, file_rejection, load_json
from aurum.sources.core.formats import DbtSource, SourceFormat
from aurum.sources.core.records import (
    MISSING_TOKENS,
    Decoded,
    Record,
    Rejection,
    RowError,
    decode_csv_with_layout,
    parse_date,
    parse_number,
)
from aurum.sources.core.signatures import AnyOf, CsvHeaderWhere, JsonShape

DATE_FORMATS = ("%Y-%m-%d",)
DATE_HEADERS = ("observation_date", "DATE")
SERIES_ID = re.compile(r"^[A-Z0-9][A-Z0-9_]{0,29}$")
# The API's body does not name its series, so the saved name must: the catalog's
# `fred_series_observations_<SERIES_ID>….json`, or a name starting with the series id in
# upper case (`CPIAUCSL.json`, `CPIAUCSL (1).json`).
JSON_NAME = re.compile(
    r"^(?:fred_series_observations_([A-Za-z0-9_]+?)|(?-i:([A-Z0-9][A-Z0-9_]{1,29}?)))"
    r"(?:[ _.(-].*)?\.json$"
)


def _value(text: object, column: str) -> tuple[float | None, bool]:
    if text is None:
        return None, True
    if not isinstance(text, str):
        raise RowError(f"value {text!r} in column {column!r} is not a string")
    if text.strip() in MISSING_TOKENS:
        return None, True
    return parse_number(text, column), False


def _csv_header(header: list[str]) -> str:
    names = [h.strip() for h in header]
    if len(names) != 2 or names[0] not in DATE_HEADERS or not SERIES_ID.match(names[1]):
        raise RowError(
            f"unexpected header {names!r}; expected ['observation_date' or 'DATE', <SERIES_ID>]"
        )
    return names[1]


def _csv_values(fields: list[str], series_id: str) -> dict:
    value, missing = _value(fields[1], series_id)
    return {
        "series_id": series_id,
        "file_kind": "fredgraph_csv",
        "observation_date": parse_date(fields[0], DATE_FORMATS, "observation_date"),
        "value": value,
        "value_is_missing": missing,
        "realtime_start": None,
        "realtime_end": None,
    }


def _json_values(item: object, series_id: str) -> dict:
    if not isinstance(item, dict):
        raise RowError(f"observation is a {type(item).__name__}, not an object")
    for key in ("date", "value"):
        if key not in item:
            raise RowError(f"missing field {key!r}")
    value, missing = _value(item["value"], "value")
    realtime = {
        key: parse_date(item[key], DATE_FORMATS, key) if item.get(key) else None
        for key in ("realtime_start", "realtime_end")
    }
    return {
        "series_id": series_id,
        "file_kind": "api_json",
        "observation_date": parse_date(str(item["date"]), DATE_FORMATS, "date"),
        "value": value,
        "value_is_missing": missing,
        **realtime,
    }


def decode_json(data: bytes, source_name: str) -> Iterator[Decoded]:
    base = source_name.rsplit("/", 1)[-1]
    match = JSON_NAME.match(base)
    try:
        if match is None:
            raise RowError(
                f"cannot tell the series from the name {base!r}: the API's observations do "
                "not name it (name the file <SERIES_ID>.json or "
                "fred_series_observations_<SERIES_ID>.json)"
            )
        document = load_json(data)
        if not isinstance(document, dict) or not isinstance(document.get("observations"), list):
            raise RowError("expected an object with an 'observations' list")
    except RowError as exc:
        yield file_rejection(exc, data)
        return
    series_id = (match.group(1) or match.group(2)).upper()
    for number, item in enumerate(document["observations"], start=1):
        try:
            yield Record(number, _json_values(item, series_id))
        except RowError as exc:
            yield Rejection(number, str(exc), compact(item))


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        yield from decode_json(data, source_name)
    else:
        yield from decode_csv_with_layout(data, _csv_header, _csv_values)


def _is_series_header(header: list[str]) -> bool:
    try:
        _csv_header(header)
    except RowError:
        return False
    return True


SERIES_OBSERVATIONS = SourceFormat(
    name="fred_series_observations",
    name_hint=r"(fredgraph|fred_series_observations|^(?-i:[A-Z][A-Z0-9_]{2,29})\.(csv|json)$)",
    iso="FRED",
    description="FRED series observations: fredgraph CSV and observations API JSON",
    columns=(
        ("series_id", "VARCHAR"),
        ("file_kind", "VARCHAR"),
        ("observation_date", "DATE"),
        ("value", "DOUBLE"),
        ("value_is_missing", "BOOLEAN"),
        ("realtime_start", "DATE"),
        ("realtime_end", "DATE"),
    ),
    signature=AnyOf(
        CsvHeaderWhere(_is_series_header, "a CSV header 'observation_date' (or 'DATE'), SERIES_ID"),
        JsonShape(
            lambda d: isinstance(d, dict) and isinstance(d.get("observations"), list),
            "a JSON object with an 'observations' list (FRED API)",
        ),
    ),
    decode=decode,
    dbt=DbtSource("landing_fred", ("stg_fred__observations",)),
)

FORMATS = (SERIES_OBSERVATIONS,)
