"""NOAA GHCN-Daily station list.

This package holds the publisher's formats and decoders (formats.py), its endpoints
(endpoints.toml), its SeaTunnel job templates (seatunnel/) and its quirks (quirks.md).
"""

from aurum.sources.noaa.formats import FORMATS

__all__ = ["FORMATS"]
