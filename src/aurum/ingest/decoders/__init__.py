"""All known source formats, one module per ISO; each module exports `FORMATS`."""

from __future__ import annotations

from aurum.ingest.decoders import caiso, ercot, isone, miso, nyiso, pjm, reference, spp
from aurum.ingest.formats import SourceFormat

FORMATS: tuple[SourceFormat, ...] = (
    *caiso.FORMATS,
    *pjm.FORMATS,
    *miso.FORMATS,
    *ercot.FORMATS,
    *nyiso.FORMATS,
    *spp.FORMATS,
    *isone.FORMATS,
    *reference.FORMATS,
)


def format_named(name: str) -> SourceFormat:
    for source_format in FORMATS:
        if source_format.name == name:
            return source_format
    raise KeyError(f"unknown source format {name!r}")


def format_for(source_name: str) -> SourceFormat:
    """The one format whose filename pattern matches; ambiguity is a bug in the patterns."""
    matches = [f for f in FORMATS if f.matches(source_name)]
    if len(matches) != 1:
        names = [f.name for f in matches] or "no format"
        raise LookupError(f"{source_name!r} matches {names}; expected exactly one source format")
    return matches[0]
