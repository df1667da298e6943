"""Content signatures: what in a file's bytes says which source format it is.

Every source format declares a `Signature`; detection (aurum.sources.registry.detect)
asks each one whether it claims a file and requires exactly one claimant. Signatures
look only at content — a CSV header, a JSON document's keys, an XLS sheet and its
labels, an XML root, a ZIP's members — through a `Probe`, which computes each view of
the bytes once, lazily, and never more than detection needs (a CSV is read only to its
first rows, a ZIP member only to its first 256 KiB).

Signatures are small frozen dataclasses so a format's declaration reads as data:

    signature=AnyOf(CsvHeader(DAM_HEADER), ZipOf(CsvHeader(DAM_HEADER)))
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from aurum.sources.core.records import decode_text, is_blank

HEAD_BYTES = 256 << 10  # how much of a text file (or ZIP member) detection reads
HEAD_ROWS = 12  # non-blank CSV records detection looks at
MAX_PROBED_MEMBERS = 64
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) compound file


class Probe:
    """Lazily computed views of one file's bytes, shared by every signature."""

    def __init__(self, data: bytes, name: str = "", *, depth: int = 0):
        self.data = data
        self.name = name.replace("\\", "/").rsplit("/", 1)[-1]
        self._depth = depth  # 1 inside a ZIP: no ZIPs within ZIPs

    @cached_property
    def kind(self) -> str:
        """empty | zip | xls | json | xml | binary | text"""
        head = self.data[:HEAD_BYTES]
        if not head.strip():
            return "empty"
        if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            return "zip"
        if head[:8] == _OLE2:
            return "xls"
        if b"\x00" in head[:4096]:
            return "binary"
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if first in (b"{", b"["):
            return "json"
        if first == b"<":
            return "xml"
        return "text"

    # ---------------------------------------------------------------- text and CSV

    @cached_property
    def head_text(self) -> str:
        """The file's first HEAD_BYTES as text, cut at the last line break if truncated."""
        text = decode_text(self.data[:HEAD_BYTES])
        if len(self.data) > HEAD_BYTES:
            cut = max(text.rfind("\n"), text.rfind("\r"))
            text = text[: cut + 1] if cut > 0 else text
        return text

    @cached_property
    def lines(self) -> list[str]:
        """The first HEAD_ROWS non-blank lines (any line ending)."""
        if self.kind not in ("text", "xml"):
            return []
        return [line for line in self.head_text.splitlines() if line.strip()][:HEAD_ROWS]

    @cached_property
    def csv_head(self) -> list[list[str]]:
        """The first HEAD_ROWS non-blank CSV records, cells stripped; [] if not CSV text."""
        if self.kind != "text":
            return []
        rows: list[list[str]] = []
        reader = csv.reader(io.StringIO(self.head_text, newline=""))
        while len(rows) < HEAD_ROWS:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error:
                continue
            if not is_blank(fields):
                rows.append([f.strip() for f in fields])
        return rows

    @property
    def header(self) -> list[str] | None:
        return self.csv_head[0] if self.csv_head else None

    # ---------------------------------------------------------------- JSON and XML

    @cached_property
    def json_document(self) -> Any:
        """The parsed JSON document, or None (`json_problem` says why)."""
        if self.kind != "json":
            return None
        try:
            return json.loads(decode_text(self.data))
        except (json.JSONDecodeError, RecursionError):
            return None

    @cached_property
    def json_problem(self) -> str | None:
        if self.kind != "json" or self.json_document is not None:
            return None
        try:
            json.loads(decode_text(self.data))
        except json.JSONDecodeError as exc:
            return f"not valid JSON ({exc})"
        except RecursionError:
            return "JSON nested too deeply to read"
        return None

    @cached_property
    def xml_root(self) -> ET.Element | None:
        if self.kind != "xml":
            return None
        try:
            return ET.fromstring(self.data)
        except ET.ParseError:
            return None

    # ---------------------------------------------------------------- ZIP

    @cached_property
    def members(self) -> list[Probe]:
        """Probes of the ZIP's first MAX_PROBED_MEMBERS files, each on its first HEAD_BYTES."""
        if self.kind != "zip" or self._depth:
            return []
        out = []
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                infos = [i for i in archive.infolist() if not i.is_dir()]
                for info in infos[:MAX_PROBED_MEMBERS]:
                    with archive.open(info) as stream:
                        head = stream.read(HEAD_BYTES)
                    out.append(Probe(head, info.filename, depth=self._depth + 1))
        except Exception:  # a damaged archive is simply not claimed; describe() says so
            return out
        return out

    @cached_property
    def zip_problem(self) -> str | None:
        if self.kind != "zip":
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                archive.infolist()
        except Exception as exc:
            return f"not a readable ZIP ({exc})"
        return None

    # ---------------------------------------------------------------- XLS

    @cached_property
    def xls_sheets(self) -> dict[str, list[list[Any]]] | None:
        """{sheet name: first rows of cell values} of an Excel 97 workbook, or None."""
        if self.kind != "xls":
            return None
        import xlrd

        try:
            book = xlrd.open_workbook(file_contents=self.data, on_demand=True)
        except Exception:
            return None
        sheets = {}
        for name in book.sheet_names():
            sheet = book.sheet_by_name(name)
            sheets[name] = [
                [sheet.cell_value(r, c) for c in range(min(sheet.ncols, 12))]
                for r in range(min(sheet.nrows, HEAD_ROWS))
            ]
        return sheets

    # ---------------------------------------------------------------- explanation

    def describe(self) -> str:
        """What the file looks like, for an 'unclaimed' message."""
        if self.kind == "empty":
            return "an empty file" if not self.data else "a file of only blank lines"
        if self.kind == "zip":
            if self.zip_problem:
                return self.zip_problem
            return f"a ZIP holding {[m.name for m in self.members]!r}"
        if self.kind == "xls":
            if self.xls_sheets is None:
                return "an unreadable Excel 97 workbook"
            return f"an Excel workbook with sheets {list(self.xls_sheets)!r}"
        if self.kind == "json":
            if self.json_document is None:
                return f"a JSON file that is {self.json_problem}"
            document = self.json_document
            if isinstance(document, dict):
                return f"a JSON object with keys {list(document)[:12]!r}"
            return f"a JSON {type(document).__name__}"
        if self.kind == "xml":
            root = self.xml_root
            return "malformed XML" if root is None else f"XML with root <{local(root.tag)}>"
        if self.kind == "binary":
            return f"binary data starting {self.data[:8]!r}"
        if self.header is not None:
            return f"text whose first row is {self.header[:12]!r}"
        return "text with no readable first row"


def local(tag: str) -> str:
    """An XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def normalised(name: str) -> str:
    """A header name compared without case, spaces or punctuation (SPP spells them all)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


class Signature(Protocol):
    def claims(self, probe: Probe) -> bool: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class CsvHeader:
    """A CSV whose header row is one of `headers` (cells stripped, quotes removed).

    `within`: how many leading non-blank records may precede the header (MISO's
    reports open with a title, a date and a note). `loose`: compare names without
    case, spaces or punctuation.
    """

    headers: tuple[tuple[str, ...], ...]
    within: int = 1
    loose: bool = False

    def __init__(self, *headers: Sequence[str], within: int = 1, loose: bool = False):
        object.__setattr__(self, "headers", tuple(tuple(h) for h in headers))
        object.__setattr__(self, "within", within)
        object.__setattr__(self, "loose", loose)

    def _key(self, row: Sequence[str]) -> tuple[str, ...]:
        return tuple(normalised(c) if self.loose else c for c in row)

    def claims(self, probe: Probe) -> bool:
        wanted = {self._key(h) for h in self.headers}
        return any(self._key(row) in wanted for row in probe.csv_head[: self.within])

    def describe(self) -> str:
        shown = " or ".join(repr(list(h)) for h in self.headers[:2])
        more = f" (or {len(self.headers) - 2} more)" if len(self.headers) > 2 else ""
        return f"a CSV header {shown}{more}"


@dataclass(frozen=True)
class CsvHeaderWhere:
    """A CSV whose first non-blank record satisfies `test` (for headers with a variable
    part: a series id, currency codes, columns in any order)."""

    test: Callable[[list[str]], bool]
    doc: str

    def claims(self, probe: Probe) -> bool:
        header = probe.header
        return header is not None and bool(self.test(header))

    def describe(self) -> str:
        return self.doc


@dataclass(frozen=True)
class TextLines:
    """Text whose first non-blank lines all match `pattern` (fixed-width files)."""

    pattern: str
    doc: str
    at_least: int = 1

    def claims(self, probe: Probe) -> bool:
        lines = probe.lines
        return len(lines) >= self.at_least and all(re.match(self.pattern, x) for x in lines)

    def describe(self) -> str:
        return self.doc


@dataclass(frozen=True)
class JsonShape:
    """A JSON document satisfying `test` (usually: an object with certain keys)."""

    test: Callable[[Any], bool]
    doc: str

    def claims(self, probe: Probe) -> bool:
        document = probe.json_document
        if document is None:
            return False
        try:
            return bool(self.test(document))
        except (KeyError, TypeError, AttributeError, IndexError):
            return False

    def describe(self) -> str:
        return self.doc


def has_keys(*keys: str) -> Callable[[Any], bool]:
    return lambda document: isinstance(document, dict) and all(k in document for k in keys)


@dataclass(frozen=True)
class XmlRoot:
    """XML whose root element is `tag` (namespace ignored) and holds a `contains` element."""

    tag: str
    contains: str | None = None

    def claims(self, probe: Probe) -> bool:
        root = probe.xml_root
        if root is None or local(root.tag) != self.tag:
            return False
        return self.contains is None or any(local(e.tag) == self.contains for e in root.iter())

    def describe(self) -> str:
        inner = f" holding <{self.contains}>" if self.contains else ""
        return f"XML with root <{self.tag}>{inner}"


@dataclass(frozen=True)
class XmlText:
    """XML (or text) whose first bytes mention `marker` (OASIS error reports)."""

    marker: str

    def claims(self, probe: Probe) -> bool:
        return probe.kind == "xml" and self.marker in probe.head_text[:4096]

    def describe(self) -> str:
        return f"XML mentioning {self.marker}"


@dataclass(frozen=True)
class XlsSheet:
    """An Excel 97 workbook with sheet `sheet` whose leading cells read `labels`:
    ((row, column, text), …), compared stripped and case-insensitively."""

    sheet: str
    labels: tuple[tuple[int, int, str], ...] = ()

    def claims(self, probe: Probe) -> bool:
        sheets = probe.xls_sheets
        if not sheets or self.sheet not in sheets:
            return False
        rows = sheets[self.sheet]
        for row, column, text in self.labels:
            try:
                value = rows[row][column]
            except IndexError:
                return False
            if str(value).strip().lower() != text.lower():
                return False
        return True

    def describe(self) -> str:
        labels = ", ".join(f"{t!r}" for _, _, t in self.labels)
        return f"an Excel workbook with sheet {self.sheet!r}" + (
            f" labelled {labels}" if labels else ""
        )


@dataclass(frozen=True)
class ZipOf:
    """A ZIP with at least one member the `inner` signature claims."""

    inner: Signature

    def claims(self, probe: Probe) -> bool:
        return any(self.inner.claims(member) for member in probe.members)

    def describe(self) -> str:
        return f"a ZIP holding {self.inner.describe()}"


@dataclass(frozen=True)
class AnyOf:
    signatures: tuple[Signature, ...]

    def __init__(self, *signatures: Signature):
        object.__setattr__(self, "signatures", signatures)

    def claims(self, probe: Probe) -> bool:
        return any(s.claims(probe) for s in self.signatures)

    def describe(self) -> str:
        return " or ".join(s.describe() for s in self.signatures)
