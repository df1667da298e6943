"""Whole-document helpers decoders share: JSON parsing, whole-file rejections, XML payloads."""

from __future__ import annotations

import json
from typing import Any

from aurum.sources.core.records import PREVIEW_CHARS, Rejection, RowError, decode_text, preview


def load_json(data: bytes) -> Any:
    """Parse a JSON document or raise RowError (the caller rejects the whole file)."""
    if not data.strip():
        raise RowError("empty file: no JSON document")
    try:
        return json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise RowError(f"not valid JSON: {exc}") from None
    except RecursionError:
        # CPython's parser counts its own recursion and gives up cleanly (about 1,000
        # levels); no publisher nests more than a handful.
        raise RowError("not a usable JSON document: nested too deeply") from None


def file_rejection(exc: Exception, data: bytes) -> Rejection:
    return Rejection(None, str(exc), preview(data))


def compact(item: Any) -> str:
    return json.dumps(item, separators=(",", ":"), sort_keys=True, default=str)[:PREVIEW_CHARS]


def payload_of_cube(day: Any, cube: Any) -> str:
    """A rejected XML rate as a one-line payload that keeps its date and attributes."""
    attributes = " ".join(f"{k}={v!r}" for k, v in sorted(cube.attrib.items()))
    return f"time={day.attrib.get('time')!r} {attributes}"
