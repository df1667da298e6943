"""Reference feeds: FX, CPI, fuel, carbon, weather-station and ISO load formats.

Each module exports `FORMATS`; `aurum.ingest.decoders` includes this package's
`FORMATS` beside the LMP formats, so `format_for` sees them all.
"""

from __future__ import annotations

from aurum.ingest.decoders.reference import carbon, ecb, eia, fred, iso_load, noaa
from aurum.ingest.formats import SourceFormat

FORMATS: tuple[SourceFormat, ...] = (
    *ecb.FORMATS,
    *fred.FORMATS,
    *eia.FORMATS,
    *carbon.FORMATS,
    *noaa.FORMATS,
    *iso_load.FORMATS,
)
