"""Helpers for the reference-feed decoder tests: decode and split records from rejections."""

from __future__ import annotations

from pathlib import Path

from aurum.sources.core.records import Record, Rejection

SAMPLES = Path(__file__).parents[3] / "sample_data"


def split(items) -> tuple[list[dict], list[Rejection]]:
    items = list(items)
    return (
        [i.values for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, Rejection)],
    )
