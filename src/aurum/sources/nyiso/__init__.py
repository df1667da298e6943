"""NYISO MIS zonal LBMPs, OASIS exports and P-58B actual load.

This package holds the publisher's formats and decoders (formats.py), its endpoints
(endpoints.toml), its SeaTunnel job templates (seatunnel/) and its quirks (quirks.md).
"""

from aurum.sources.nyiso.formats import FORMATS

__all__ = ["FORMATS"]
