"""Small helpers the reference-feed decoders share (JSON documents, whole-file rejections)."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from typing import Any

from aurum.ingest.records import Rejection, RowError

PREVIEW_CHARS = 2000


def preview(data: bytes) -> str:
    return data[:PREVIEW_CHARS].decode("utf-8", "replace")


def load_json(data: bytes) -> Any:
    """Parse a JSON document or raise RowError (the caller rejects the whole file)."""
    if not data.strip():
        raise RowError("empty file: no JSON document")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RowError(f"not valid JSON: {exc}") from None


def file_rejection(exc: Exception, data: bytes) -> Rejection:
    return Rejection(None, str(exc), preview(data))


def compact(item: Any) -> str:
    return json.dumps(item, separators=(",", ":"), sort_keys=True, default=str)[:PREVIEW_CHARS]


def single_member_zip(data: bytes, suffix: str) -> bytes:
    """The one member ending in `suffix` of a zip archive (ECB ships its history as a zip)."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(suffix)]
            if len(names) != 1:
                raise RowError(f"zip holds {len(names)} {suffix} members, expected exactly one")
            return archive.read(names[0])
    except (zipfile.BadZipFile, EOFError) as exc:
        raise RowError(f"unreadable zip: {exc}") from None


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def payload_of_cube(day: Any, cube: Any) -> str:
    """A rejected XML rate as a one-line payload that keeps its date and attributes."""
    attributes = " ".join(f"{k}={v!r}" for k, v in sorted(cube.attrib.items()))
    return f"time={day.attrib.get('time')!r} {attributes}"
