"""Aurum's sources: one package per publisher (formats, decoders, endpoints, SeaTunnel
templates, quirks), the shared core below them, and the registry that collects them.

    aurum.sources.core       records, formats, signatures, catalog, vocabulary, archives
    aurum.sources.<name>     caiso pjm miso ercot nyiso spp isone ecb fred eia carbon noaa
    aurum.sources.registry   FORMATS, SOURCES, PUBLISHERS, detect()

Nothing here imports aurum.ingest or aurum.kafka: they build on this package.
"""

from __future__ import annotations

from aurum.sources.registry import (
    FORMATS,
    LMP_SOURCES,
    PUBLISHERS,
    SOURCES,
    Ambiguous,
    DetectError,
    Publisher,
    Unclaimed,
    claimants,
    detect,
    format_named,
    publisher,
)

__all__ = [
    "FORMATS",
    "LMP_SOURCES",
    "PUBLISHERS",
    "SOURCES",
    "Ambiguous",
    "DetectError",
    "Publisher",
    "Unclaimed",
    "claimants",
    "detect",
    "format_named",
    "publisher",
]
