"""ECB euro foreign exchange reference rates: history CSV and daily XML.

`eurofxref-hist.csv` (also shipped as `eurofxref-hist.zip`) is wide: `Date` then one
column per currency, newest date first. A currency not quoted that day (withdrawn,
like CYP or TRL, or not yet quoted) is `N/A`; every line ends with a comma, so the
header and rows carry an empty last column. The decoder de-pivots to one row per
(date, currency) and SKIPS `N/A` cells: "not quoted" is the absence of a rate, and a
null would only have to be filtered again downstream. An empty cell in a named
currency column is skipped the same way; anything else non-numeric is a rejection
naming the currency.

`eurofxref.csv` (served zipped as `eurofxref.zip`, "today's rates" as CSV) is the same
wide layout with ONE row, but written for reading: every separator is `", "` (so the
header says ` USD`, and the trailing comma leaves a `" "` last cell) and the date is
spelled out, `17 August 2018`. Its month names are English whatever the reader's
locale, so they are matched from a fixed list, not by `strptime('%B')`.

`eurofxref-daily.xml` is a gesmes envelope with `Cube/Cube[@time]/Cube[@currency,
@rate]`; the 90-day file has several dated cubes, which decode the same way.

Rates are units of currency per 1 EUR, as published. Both files land in
`ecb_eurofxref` with `file_kind` = `hist_csv` | `daily_csv` | `daily_xml`; the CSV
kinds are told apart by the date's form (ISO in the history, spelled out in the daily
file), not by the file name.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date

from aurum.sources.core.archives import is_zip, single_member
from aurum.sources.core.documents import file_rejection, payload_of_cube
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
from aurum.sources.core.signatures import AnyOf, CsvHeaderWhere, XmlRoot, ZipOf

DATE_FORMATS = ("%Y-%m-%d",)
CURRENCY_LENGTH = 3
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def _rate_date(text: str) -> tuple[date, str]:
    """(date, file_kind): ISO `2025-05-09` in the history, `17 August 2018` in the daily CSV."""
    parts = text.split()
    if len(parts) == 3 and parts[1].lower() in MONTHS:
        day, month, year = parts
        try:
            return date(int(year), MONTHS.index(month.lower()) + 1, int(day)), "daily_csv"
        except ValueError:
            raise RowError(f"unparseable date {text!r} in column 'Date'") from None
    return parse_date(text, DATE_FORMATS, "Date"), "hist_csv"


def _currency_columns(header: list[str]) -> list[tuple[int, str]]:
    names = [h.strip() for h in header]
    if not names or names[0] != "Date":
        raise RowError(f"unexpected header {names[:3]!r}...; expected 'Date' then currencies")
    columns = []
    for index, name in enumerate(names[1:], start=1):
        if name == "" and index == len(names) - 1:
            continue  # the trailing comma's empty last column
        if len(name) != CURRENCY_LENGTH or not name.isalpha() or not name.isupper():
            raise RowError(f"unexpected currency column {name!r} at position {index + 1}")
        columns.append((index, name))
    if not columns:
        raise RowError("header names no currency columns")
    return columns


def _hist_records(fields: list[str], columns: list[tuple[int, str]]) -> list[dict]:
    """One wide row (a date, a rate per currency) → one record per quoted currency."""
    rate_date, file_kind = _rate_date(fields[0])
    return [
        {
            "file_kind": file_kind,
            "rate_date": rate_date,
            "currency": currency,
            "rate_per_eur": parse_number(fields[index], currency),
        }
        for index, currency in columns
        if fields[index].strip() not in MISSING_TOKENS  # not quoted that day
    ]


def decode_hist_csv(data: bytes) -> Iterator[Decoded]:
    if is_zip(data):
        try:
            data = single_member(data, ".csv")[1]
        except RowError as exc:
            yield file_rejection(exc, data)
            return
    yield from decode_csv_with_layout(data, _currency_columns, _hist_records)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def decode_daily_xml(data: bytes) -> Iterator[Decoded]:
    if not data.strip():
        yield Rejection(None, "empty file: no XML document", "")
        return
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        yield file_rejection(RowError(f"not well-formed XML: {exc}"), data)
        return
    if _local(root.tag) != "Envelope":
        yield file_rejection(RowError(f"root element is {_local(root.tag)!r}, not Envelope"), data)
        return
    dated = [e for e in root.iter() if _local(e.tag) == "Cube" and "time" in e.attrib]
    if not dated:
        yield file_rejection(RowError("no Cube element with a time attribute"), data)
        return
    number = 0
    for day in dated:
        for cube in day:
            if _local(cube.tag) != "Cube":
                continue
            number += 1
            try:
                rate_date = parse_date(day.attrib["time"], DATE_FORMATS, "time")
                currency = (cube.attrib.get("currency") or "").strip()
                if len(currency) != CURRENCY_LENGTH or not currency.isalpha():
                    raise RowError(f"bad currency attribute {currency!r}")
                rate = parse_number(cube.attrib.get("rate"), f"rate[{currency}]")
            except RowError as exc:
                yield Rejection(number, str(exc), payload_of_cube(day, cube))
                continue
            yield Record(
                number,
                {
                    "file_kind": "daily_xml",
                    "rate_date": rate_date,
                    "currency": currency,
                    "rate_per_eur": rate,
                },
            )


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        yield from decode_daily_xml(data)
    else:
        yield from decode_hist_csv(data)


def _is_rates_header(header: list[str]) -> bool:
    try:
        _currency_columns(header)
    except RowError:
        return False
    return True


RATES_CSV = CsvHeaderWhere(_is_rates_header, "a CSV header 'Date' then currency codes")


EUROFXREF = SourceFormat(
    name="ecb_eurofxref",
    name_hint=r"eurofxref",
    iso="ECB",
    description="ECB euro reference rates: history and daily CSV/zip (de-pivoted), daily XML",
    columns=(
        ("file_kind", "VARCHAR"),
        ("rate_date", "DATE"),
        ("currency", "VARCHAR"),
        ("rate_per_eur", "DOUBLE"),
    ),
    signature=AnyOf(RATES_CSV, ZipOf(RATES_CSV), XmlRoot("Envelope", contains="Cube")),
    decode=decode,
    dbt=DbtSource("landing_ecb", ("stg_ecb__fx_rates",)),
)

FORMATS = (EUROFXREF,)
