"""The catalog of public endpoints: one `Source` per (publisher, dataset, endpoint).

Entries are data: each publisher package keeps its endpoints in `endpoints.toml`
(`[[source]]` tables whose keys are the `Source` fields below), and
`aurum.sources.SOURCES` collects them. A Source knows where a day's data lives
(`url(day)`), what to call the bytes (`source_file(day)`), how often the publisher
posts (`cadence`) and what interval the data has (`frequency`). Templates are
`str.format` strings; the placeholders are

    {day}        the operating/delivery day (a `date`; `{day:%Y%m%d}`, `{day.month}` work)
    {next_day}   day + 1
    {start_utc}  local midnight of `day` in the Source's time zone, as a UTC datetime
    {end_utc}    local midnight of `next_day`, as a UTC datetime
    {doc_id}     (archive sources, file_template only) the archive document id

The setting `sources.base_url` (AURUM_SOURCE_BASE_URL) replaces every Source's base URL
with one URL (the local replay server in tests, a caching proxy elsewhere): callers pass
it as `url(day, base_url=…)`; a Source's API key likewise comes from settings.sources.

Archive sources (`archive = true`, ERCOT's public-reports archive) are two-step:
`url(day)` is the listing of documents posted that day, and `documents()` follows the
listing to one download URL per document. Every other source is one GET per day.

Endpoint notes, with where each URL shape was checked, are in docs/ingestion.md.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from aurum.settings import SourceSettings
from aurum.sources.core.vocabulary import CADENCES, FREQUENCIES

# The data interval of a source: a series frequency or an LMP interval length.
DATA_FREQUENCIES = (*FREQUENCIES, "5min", "15min", "hourly", "snapshot")


class Fetched(Protocol):
    content: bytes | None


class Fetcher(Protocol):
    """What `documents` needs of an HTTP client (aurum.ingest.http.HttpFetcher)."""

    def fetch(self, url: str, *, conditional: bool = False) -> Fetched: ...


@dataclass(frozen=True)
class Source:
    """One endpoint of the catalog.

    name:           unique key (`nyiso_damlbmp_zone`)
    format_name:    the source format its documents are (aurum.sources.FORMATS)
    publisher:      the package it is declared in (`nyiso`)
    base_url, path_template, file_template: see the module doc
    conditional:    send If-None-Match/If-Modified-Since (the endpoint honours them)
    timezone:       the zone whose midnight {start_utc}/{end_utc} mark, and whose day
                    `day` is
    cadence:        how often a new document appears (vocabulary `cadence`)
    frequency:      the interval of the data in it (`hourly`, `5min`, `daily`, …)
    history:        whether `url(day)` serves past days (False: the current document
                    only, so a backfill cannot reach back)
    archive:        `url(day)` is an ERCOT archive listing (see `documents`)
    api_key:        the field of settings.sources (aurum.settings.SourceSettings) whose
                    value callers pass to `url()`, appended as `api_key=...`
    reference:      a reference feed (FX, CPI, fuel, weather, load), not LMP
    """

    name: str
    format_name: str
    publisher: str
    base_url: str
    path_template: str
    file_template: str
    conditional: bool
    cadence: str
    frequency: str
    description: str
    timezone: str = "UTC"
    history: bool = True
    archive: bool = False
    api_key: str | None = None
    reference: bool = False

    def __post_init__(self) -> None:
        if self.cadence not in CADENCES:
            raise ValueError(f"source {self.name}: cadence {self.cadence!r} not in {CADENCES}")
        if self.frequency not in DATA_FREQUENCIES:
            raise ValueError(
                f"source {self.name}: frequency {self.frequency!r} not in {DATA_FREQUENCIES}"
            )
        ZoneInfo(self.timezone)  # an unknown zone fails here, not at the first fetch
        if self.api_key is not None and self.api_key not in SourceSettings.model_fields:
            raise ValueError(f"source {self.name}: api_key {self.api_key!r} is no setting")

    def _fields(self, day: date, **extra: object) -> dict[str, object]:
        zone = ZoneInfo(self.timezone)
        next_day = day + timedelta(days=1)
        return {
            "day": day,
            "next_day": next_day,
            "start_utc": datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC),
            "end_utc": datetime.combine(next_day, time(0), tzinfo=zone).astimezone(UTC),
            **extra,
        }

    def url(self, day: date, base_url: str | None = None, api_key: str | None = None) -> str:
        """`api_key`: settings.sources.api_key(source.api_key), when the source has one."""
        base = (base_url or self.base_url).rstrip("/")
        url = base + self.path_template.format(**self._fields(day))
        key = api_key if self.api_key else None
        if key:
            url += ("&" if "?" in url else "?") + "api_key=" + key
        return url

    def source_file(self, day: date, **extra: object) -> str:
        return self.file_template.format(**self._fields(day, **extra))


_SOURCE_KEYS = {f.name for f in fields(Source)} - {"publisher", "reference"}


def load_endpoints(path: Path, publisher: str, *, reference_formats: Iterable[str]) -> list[Source]:
    """The `[[source]]` entries of one publisher's endpoints.toml."""
    if not path.is_file():
        return []
    raw = tomllib.loads(path.read_text())
    unknown_tables = set(raw) - {"source"}
    if unknown_tables:
        raise ValueError(f"{path}: unexpected table(s) {sorted(unknown_tables)}")
    reference = set(reference_formats)
    sources = []
    for entry in raw.get("source", []):
        unknown = set(entry) - _SOURCE_KEYS
        if unknown:
            raise ValueError(f"{path}: source {entry.get('name')!r} has unknown key(s) {unknown}")
        sources.append(
            Source(publisher=publisher, reference=entry["format_name"] in reference, **entry)
        )
    return sources


@dataclass(frozen=True)
class Document:
    """One thing to fetch and decode: a URL and the name the decoder sees."""

    url: str
    source_file: str


def rebase(url: str, base_url: str | None) -> str:
    """`url` with its scheme and host replaced by those of `base_url` (path kept)."""
    if not base_url:
        return url
    base = urlsplit(base_url)
    parts = urlsplit(url)
    prefix = base.path.rstrip("/")
    return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, ""))


def archive_documents(
    source: Source, day: date, listing: bytes, base_url: str | None = None
) -> list[Document]:
    """Documents named in an ERCOT public-reports archive listing (`archives[]`)."""
    payload: Any = json.loads(listing)
    documents = []
    for entry in payload.get("archives") or []:
        doc_id = entry["docId"]
        href = entry.get("_links", {}).get("endpoint", {}).get("href")
        if not href:
            href = source.base_url.rstrip("/") + urlsplit(source.url(day)).path
            href += f"?download={doc_id}"
        documents.append(Document(rebase(href, base_url), source.source_file(day, doc_id=doc_id)))
    return documents


def documents(
    source: Source,
    day: date,
    fetcher: Fetcher,
    base_url: str | None = None,
    api_key: str | None = None,
) -> list[Document]:
    """What to fetch for `day`: one document, or every document an archive lists."""
    if not source.archive:
        return [Document(source.url(day, base_url, api_key), source.source_file(day))]
    listing = fetcher.fetch(source.url(day, base_url, api_key))
    return archive_documents(source, day, listing.content or b"{}", base_url)
