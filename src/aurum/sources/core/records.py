"""What a decoder yields: landed rows and rejected rows, plus small parsing helpers.

Decoders only decode. They turn a source file's bytes into typed rows whose
columns are named by the source format, and they never interpret time zones,
sign conventions or markets: that meaning lives in dbt.

Text files arrive in more shapes than the publisher's own: saved from a browser or
a spreadsheet they gain a UTF-8 byte-order mark, CRLF or bare-CR line endings, blank
lines before the header or after the data, quotes around every field, spaces around
numbers, or a Windows-1252/Latin-1 encoding. `decode_text` and `csv_records` accept
all of them, so a decoder sees the same rows whatever the shape.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

T = TypeVar("T")

# Spellings sources use for "no value" (ECB `N/A`, FRED `.`, EIA `w` withheld is
# handled by the reference decoders because it means something different).
MISSING_TOKENS = frozenset({"", "N/A", "NA", "."})

# What a rejection keeps of a whole file (the rest stays in the file itself).
PREVIEW_CHARS = 2000


@dataclass(frozen=True)
class Record:
    """One landed row: `values` maps landing column name to a typed Python value.

    `item` numbers the records a decoder makes from one source row (MISO reports
    de-pivot one line into 24 hourly records); (source file, row_number, item)
    identifies a record, which is what makes replayed Kafka messages idempotent.
    """

    row_number: int
    values: dict[str, Any]
    item: int = 0


@dataclass(frozen=True)
class Rejection:
    """A row (or a whole file, when `row_number` is None) that could not be decoded."""

    row_number: int | None
    reason: str
    payload: str


Decoded = Record | Rejection


def number_items(decoded: Iterable[Decoded]) -> Iterator[Decoded]:
    """Number the records each source row yields (0, 1, …) so (row, item) is unique.

    Done once here for every decoder: de-pivoting ones (MISO's 24 hours, ECB's
    currencies) yield several records per row and need not count them themselves.
    """
    row, item = None, 0
    for entry in decoded:
        if isinstance(entry, Record):
            item = item + 1 if entry.row_number == row else 0
            row = entry.row_number
            if entry.item != item:  # a new Record only when it changes (replace() is slow)
                entry = Record(entry.row_number, entry.values, item)
        yield entry


class RowError(ValueError):
    """Raised inside a decoder for one bad row; the decoder turns it into a Rejection."""


def parse_number(text: str | None, column: str, *, allow_missing: bool = False) -> float | None:
    """Parse a price-like number as published: `' 28.4'`, `'.61'`, `'-.92'`, `'1,234.5'`,
    `'$1,234.50'` (a dollar-formatted cell); NaN and infinities are refused."""
    cleaned = (text or "").strip().replace(",", "").replace("$", "")
    if cleaned in MISSING_TOKENS:
        if allow_missing:
            return None
        raise RowError(f"missing value in column {column!r}")
    try:
        value = float(cleaned)
    except ValueError:
        raise RowError(f"non-numeric value {text!r} in column {column!r}") from None
    if not math.isfinite(value):
        raise RowError(f"non-finite value {text!r} in column {column!r}")
    return value


def parse_int(text: str | None, column: str) -> int:
    cleaned = (text or "").strip()
    try:
        return int(cleaned)
    except ValueError:
        raise RowError(f"non-integer value {text!r} in column {column!r}") from None


def parse_datetime(text: str | None, formats: Sequence[str], column: str) -> datetime:
    """Parse a naive timestamp trying each strptime format in turn."""
    cleaned = (text or "").strip()
    for fmt in formats:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    raise RowError(f"unparseable timestamp {text!r} in column {column!r}")


def parse_date(text: str | None, formats: Sequence[str], column: str) -> date:
    return parse_datetime(text, formats, column).date()


def decode_text(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark dropped), else Windows-1252/Latin-1.

    Publishers write ASCII or UTF-8; a file re-saved by a spreadsheet on Windows is
    Windows-1252, whose printable range is Latin-1's plus typographic characters. A
    byte sequence that is not UTF-8 is therefore read as Windows-1252, and the five
    bytes that code page leaves undefined as Latin-1 (every byte is a Latin-1
    character), so no text file is refused for its encoding.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def preview(data: bytes) -> str:
    """The first PREVIEW_CHARS of a file as text, for a whole-file rejection's payload."""
    return decode_text(data[: PREVIEW_CHARS * 4])[:PREVIEW_CHARS]


def csv_records(text: str) -> Iterator[tuple[int, list[str] | RowError]]:
    """(line, fields) per CSV record; a record the csv module refuses is a RowError.

    Universal newlines: CRLF, LF and bare CR all end a record. `line` is the 1-based
    line on which the record starts. A record the csv module cannot read (e.g. a field
    over its 131,072-character limit) comes back as a RowError and reading goes on
    with the next record, so one monstrous field costs one row, not the file.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    while True:
        start = line
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num + 1
            yield start, RowError(f"unreadable CSV record at line {start}: {exc}")
            continue
        line = reader.line_num + 1
        yield start, fields


def is_blank(fields: Sequence[str]) -> bool:
    return not fields or all(not f.strip() for f in fields)


def payload_of(fields: Iterable[Any]) -> str:
    """Re-serialise a raw row as one CSV line so a rejected row keeps its exact values."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(list(fields))
    return out.getvalue()


def check_header(actual: Sequence[str], expected: Sequence[str]) -> None:
    """Fail the whole file when the header is not the one the decoder was written for."""
    normalised = [h.strip() for h in actual]
    if normalised != list(expected):
        raise RowError(f"unexpected header {normalised!r}; expected {list(expected)!r}")


def decode_csv_rows(
    data: bytes,
    expected_header: Sequence[str],
    row_to_values: Callable[[list[str]], dict[str, Any]],
) -> Iterator[Decoded]:
    """Shared loop for plain one-header CSV formats with one fixed header."""

    def parse_header(header: list[str]) -> None:
        check_header(header, expected_header)

    yield from decode_csv_with_layout(data, parse_header, lambda fields, _: row_to_values(fields))


def decode_csv_with_layout(
    data: bytes,
    parse_header: Callable[[list[str]], T],
    row_to_values: Callable[[list[str], T], dict[str, Any] | list[dict[str, Any]]],
) -> Iterator[Decoded]:
    """Shared loop for one-header CSV formats.

    The header is the first non-blank record (blank lines before it are a saved-file
    artefact). `parse_header(header) -> layout` raises RowError when the header is not
    one the decoder knows (the whole file is rejected); `row_to_values(fields, layout)`
    raises RowError for a bad row and returns one record's values, or a list of them
    for a wide row that de-pivots. Row numbers are 1-based data-row numbers (the
    header is row 0); blank records are skipped but keep their number, so a row's
    number does not depend on where blank lines fall after the header.
    """
    text = decode_text(data)
    records = csv_records(text)
    header = None
    for _, fields in records:
        if isinstance(fields, RowError):
            yield Rejection(None, f"no readable header: {fields}", text[:PREVIEW_CHARS])
            return
        if not is_blank(fields):
            header = fields
            break
    if header is None:
        yield Rejection(None, "empty file: no header row", "")
        return
    try:
        layout = parse_header(header)
    except RowError as exc:
        yield Rejection(None, str(exc), payload_of(header))
        return
    width = len(header)
    for number, (_, fields) in enumerate(records, start=1):
        if isinstance(fields, RowError):
            yield Rejection(number, str(fields), "")
            continue
        if is_blank(fields):
            continue
        if len(fields) != width:
            yield Rejection(
                number, f"expected {width} fields, got {len(fields)}", payload_of(fields)
            )
            continue
        try:
            values = row_to_values(fields, layout)
        except RowError as exc:
            yield Rejection(number, str(exc), payload_of(fields))
            continue
        for one in values if isinstance(values, list) else [values]:
            yield Record(number, one)
