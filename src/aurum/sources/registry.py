"""Every publisher's formats and endpoints, collected; and content detection.

    from aurum.sources import FORMATS, SOURCES, PUBLISHERS, detect, format_named

A publisher is a package under `aurum.sources` holding, in one place:

    formats.py (+ load.py …)   its SourceFormats: signature, decoder, columns, dbt binding
    endpoints.toml             its catalog entries (aurum.sources.core.catalog.Source)
    seatunnel/*.conf.tmpl      its SeaTunnel job templates (aurum.seatunnel.render)
    quirks.md                  what its files get wrong, as dbt doc blocks per format

`detect(data, name)` finds the one format whose signature claims a file's bytes; the
name only breaks a tie between two claimants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from aurum.paths import package_dir
from aurum.sources import caiso, carbon, ecb, eia, ercot, fred, isone, miso, noaa, nyiso, pjm, spp
from aurum.sources.core.catalog import Source, load_endpoints
from aurum.sources.core.formats import SourceFormat
from aurum.sources.core.signatures import Probe

PACKAGE_DIR = package_dir("aurum.sources")  # package data (aurum.paths)


@dataclass(frozen=True)
class Publisher:
    name: str
    formats: tuple[SourceFormat, ...]
    endpoints: tuple[Source, ...]

    @property
    def directory(self) -> Path:
        return PACKAGE_DIR / self.name

    @property
    def templates(self) -> tuple[Path, ...]:
        return tuple(sorted((self.directory / "seatunnel").glob("*.conf.tmpl")))

    @property
    def quirks(self) -> Path:
        return self.directory / "quirks.md"


def _publisher(module: ModuleType) -> Publisher:
    name = module.__name__.rsplit(".", 1)[-1]
    formats = tuple(module.FORMATS)
    for source_format in formats:
        if source_format.publisher != name:
            raise ValueError(f"{source_format.name} (iso {source_format.iso}) declared in {name}")
    reference = [f.name for f in formats if not f.is_lmp]
    endpoints = load_endpoints(
        PACKAGE_DIR / name / "endpoints.toml", name, reference_formats=reference
    )
    return Publisher(name, formats, tuple(endpoints))


# LMP publishers first, then the reference feeds.
PUBLISHERS: tuple[Publisher, ...] = tuple(
    _publisher(m)
    for m in (caiso, pjm, miso, ercot, nyiso, spp, isone, ecb, fred, eia, carbon, noaa)
)
FORMATS: tuple[SourceFormat, ...] = tuple(f for p in PUBLISHERS for f in p.formats)
SOURCES: dict[str, Source] = {s.name: s for p in PUBLISHERS for s in p.endpoints}
LMP_SOURCES: dict[str, Source] = {n: s for n, s in SOURCES.items() if not s.reference}


def _check() -> None:
    names = [f.name for f in FORMATS]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"source formats declared twice: {sorted(duplicates)}")
    sources = [s.name for p in PUBLISHERS for s in p.endpoints]
    if len(sources) != len(SOURCES):
        raise ValueError("a source name is declared twice")
    for source in SOURCES.values():
        if source.format_name not in names:
            raise ValueError(f"source {source.name} names unknown format {source.format_name}")
        if source.format_name not in {f.name for f in publisher(source.publisher).formats}:
            raise ValueError(f"source {source.name} names another publisher's format")


def publisher(name: str) -> Publisher:
    for candidate in PUBLISHERS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"unknown publisher {name!r}")


def format_named(name: str) -> SourceFormat:
    for source_format in FORMATS:
        if source_format.name == name:
            return source_format
    raise KeyError(f"unknown source format {name!r}")


class DetectError(LookupError):
    """A file no format claims, or more than one does: it is not landed."""

    def __init__(self, reason: str, claimants: tuple[str, ...] = ()):
        super().__init__(reason)
        self.reason = reason
        self.claimants = claimants


class Unclaimed(DetectError):
    pass


class Ambiguous(DetectError):
    pass


def claimants(
    data: bytes, name: str = "", formats: Iterable[SourceFormat] = FORMATS
) -> list[SourceFormat]:
    """Every format whose signature claims the bytes."""
    probe = Probe(data, name)
    if probe.kind == "empty":
        return []
    return [f for f in formats if f.signature.claims(probe)]


def detect(
    data: bytes,
    name: str = "",
    *,
    expected: SourceFormat | None = None,
    formats: Iterable[SourceFormat] = FORMATS,
) -> SourceFormat:
    """The one format whose signature claims `data`, or Unclaimed / Ambiguous.

    `name` (the file's name) only breaks a tie between claimants. `expected` (the format
    a catalog source promises) turns a file claimed by another format, or by none, into
    an error that says what was expected.
    """
    probe = Probe(data, name)
    found = [] if probe.kind == "empty" else [f for f in formats if f.signature.claims(probe)]
    if len(found) > 1:
        by_name = [f for f in found if f.name_matches(name)]
        if len(by_name) == 1:
            found = by_name
    if len(found) > 1:
        names = tuple(f.name for f in found)
        raise Ambiguous(
            f"claimed by {len(found)} source formats ({', '.join(names)}) and the file name "
            f"{probe.name!r} does not pick one",
            names,
        )
    if not found:
        reason = f"no source format claims it: {probe.describe()}"
        if expected is not None:
            reason += f"; {expected.name} expects {expected.signature.describe()}"
        raise Unclaimed(reason)
    if expected is not None and found[0] is not expected:
        raise Unclaimed(
            f"claimed by {found[0].name}, not by {expected.name} as its source promises",
            (found[0].name,),
        )
    return found[0]


_check()
