"""ERCOT settlement point prices and SCED LMPs (MIS archive CSVs, public API).

This package holds the publisher's formats and decoders (formats.py), its endpoints
(endpoints.toml), its SeaTunnel job templates (seatunnel/) and its quirks (quirks.md).
"""

from aurum.sources.ercot.formats import FORMATS

__all__ = ["FORMATS"]
