"""FRED series observations (CPI).

This package holds the publisher's formats and decoders (formats.py), its endpoints
(endpoints.toml), its SeaTunnel job templates (seatunnel/) and its quirks (quirks.md).
"""

from aurum.sources.fred.formats import FORMATS

__all__ = ["FORMATS"]
