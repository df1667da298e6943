"""Text-shape variants of every real CSV (class 4 of issue 11): a byte-order mark, CRLF
or bare-CR line endings, leading and trailing blank lines, padded numbers, every field
quoted or none, and a Windows-1252 or Latin-1 re-save decode to exactly the records of
the file as published, and are claimed by the same format."""

from __future__ import annotations

import csv
import functools
import io
import re
from pathlib import Path

import pytest

from aurum.sources import claimants, detect
from aurum.sources.core.records import Record, Rejection

ROOT = Path(__file__).resolve().parents[2]
BINARY_STARTS = (b"PK", b"\xd0\xcf\x11\xe0", b"{", b"[", b"<")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _csv_files() -> list[Path]:
    files = []
    for root in (ROOT / "sample_data", ROOT / "tests" / "fixtures"):
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix in {".md", ".txt"}:
                continue  # documentation, and NOAA's fixed-width station list
            if not path.read_bytes().lstrip()[:4].startswith(BINARY_STARTS):
                files.append(path)
    return files


CSV_FILES = _csv_files()
# The name a fixture was published under, where the name decides (a 15-minute MIS file
# is refused unless its name says realtime): pyiso fetched this one from csv/realtime/.
PUBLISHED_NAMES = {"pyiso_lmp_20160218.csv": "20160218realtime_zone.csv"}
# Larger files are cut to their first lines (the publisher's preamble and header
# included) to keep the test fast; the shape, not the volume, is under test.
MAX_LINES = 150


@functools.cache
def _published(path: Path) -> tuple[str, str, tuple]:
    """(name, text, decoded records) of the file as published, possibly cut."""
    name = PUBLISHED_NAMES.get(path.name, path.name)
    text = "".join(path.read_bytes().decode("utf-8").splitlines(keepends=True)[:MAX_LINES])
    records, rejections = _decoded(text.encode(), name)
    assert records and rejections == [], (path, rejections[:3])
    return name, text, tuple(records)


def _rewrite(text: str, quoting: int, pad: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=quoting, lineterminator="\n")
    for row in csv.reader(io.StringIO(text)):
        if pad:
            row = [f"  {f} " if NUMBER.fullmatch(f.strip()) else f for f in row]
        writer.writerow(row)
    return out.getvalue()


def _variant(text: str, shape: str) -> bytes:
    utf8 = text.encode()
    match shape:
        case "bom":
            return b"\xef\xbb\xbf" + utf8
        case "crlf":
            return utf8.replace(b"\n", b"\r\n")
        case "bare_cr":
            return utf8.replace(b"\n", b"\r")
        case "leading_blank":
            return b"\n" + utf8
        case "trailing_blanks":
            return utf8 + b"\n\n  \r\n\n"
        case "padded_numbers":
            return _rewrite(text, csv.QUOTE_MINIMAL, pad=True).encode()
        case "quote_all":
            return _rewrite(text, csv.QUOTE_ALL).encode()
        case "quote_none":
            return _rewrite(text, csv.QUOTE_MINIMAL).encode()
    raise AssertionError(shape)


SHAPES = (
    "bom",
    "crlf",
    "bare_cr",
    "leading_blank",
    "trailing_blanks",
    "padded_numbers",
    "quote_all",
    "quote_none",
)


def _decoded(data: bytes, name: str) -> tuple[list[dict], list[str]]:
    source_format = detect(data, name)
    items = list(source_format.decode(data, name))
    records = [i.values for i in items if isinstance(i, Record)]
    return records, [i.reason for i in items if isinstance(i, Rejection)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_shape_variant_decodes_like_the_published_file(path, shape):
    name, text, published = _published(path)
    variant = _variant(text, shape)
    # The name is kept: it decides only where content cannot (NYISO's hourly MIS feeds,
    # MISO's prelim/final title); content decides the rest.
    assert [f.name for f in claimants(variant)] == [f.name for f in claimants(text.encode())]
    records, rejections = _decoded(variant, name)
    assert rejections == []
    assert tuple(records) == published


CARBON = ROOT / "sample_data" / "carbon" / "carbon-auction-results.csv"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_windows_or_latin1_resave_decodes_like_utf8(encoding):
    text = CARBON.read_text(encoding="utf-8")
    if encoding == "latin-1":
        # Latin-1 has no em dash; a Latin-1 writer would have spelled the agency so
        text = text.replace(" — ", " - ").replace("MELCC", "MELCC (Québec)")
    assert "—" in text or "é" in text
    published = _decoded(text.encode("utf-8"), CARBON.name)
    resaved = _decoded(text.encode(encoding), CARBON.name)
    assert resaved == published
    assert any("—" in r["source_doc"] or "Québec" in r["source_doc"] for r in resaved[0])
