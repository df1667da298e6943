"""MISO market-report LMPs and the public-API 5-minute LMPs.

This package holds the publisher's formats and decoders (formats.py), its endpoints
(endpoints.toml), its SeaTunnel job templates (seatunnel/) and its quirks (quirks.md).
"""

from aurum.sources.miso.formats import FORMATS

__all__ = ["FORMATS"]
