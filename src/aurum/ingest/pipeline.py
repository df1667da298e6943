"""The ingestion path for one source and day: fetch → publish (decode, validate, Avro,
produce, confirm) → advance the watermark.

A failed fetch becomes a dead letter too. The watermark moves only when the day's
rows were all delivered and the file itself was readable; a failed day leaves it
where it was. For sources that ask for conditional requests, a document's ETag /
Last-Modified are stored (in the fetcher's validator store: PostgreSQL for
`aurum-ingest fetch`) only once its rows were delivered, so the next run's 304 never
hides a document that was not published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from aurum.ingest.http import FetchError, HttpFetcher
from aurum.ingest.publish import Progress, PublishReport, publish_file
from aurum.ingest.watermarks import update_watermark
from aurum.kafka.dead_letters import DeadLetter, publish
from aurum.kafka.producer import ConfirmingProducer
from aurum.sources import format_named
from aurum.sources.core.catalog import Source, documents


@dataclass
class DayResult:
    source: str
    day: date
    ok: bool
    status: str  # "published", "not_modified", "fetch_failed", "file_rejected"
    reports: list[PublishReport] = field(default_factory=list)
    attempts: int = 0
    watermark: datetime | None = None

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.reports)

    @property
    def dead_letters(self) -> int:
        return sum(sum(r.dead_letters.values()) for r in self.reports)


def _fetch_failed(producer, source: Source, url: str, source_file: str, exc: FetchError) -> None:
    publish(
        producer,
        DeadLetter(
            source=source.name,
            stage="fetch",
            error_class="FetchError",
            error_message=str(exc),
            payload_pointer=url,
            source_format=source.format_name,
            source_file=source_file,
            attempt=exc.attempts,
        ),
    )
    producer.flush()


def ingest_day(
    source: Source,
    day: date,
    *,
    fetcher: HttpFetcher,
    producer: ConfirmingProducer,
    watermark_conn=None,
    watermark_key: str = "default",
    base_url: str | None = None,
    progress: Progress | None = None,
) -> DayResult:
    """One source, one day (every document the day has). ok=False leaves the watermark."""
    source_format = format_named(source.format_name)
    result = DayResult(source.name, day, False, "published")
    try:
        to_fetch = documents(source, day, fetcher, base_url)
    except FetchError as exc:
        _fetch_failed(producer, source, source.url(day, base_url), source.source_file(day), exc)
        result.status, result.attempts = "fetch_failed", exc.attempts
        return result

    modified = 0
    for document in to_fetch:
        try:
            # Validators are stored below, once this document's rows are delivered.
            fetched = fetcher.fetch(document.url, conditional=source.conditional, remember=False)
        except FetchError as exc:
            _fetch_failed(producer, source, document.url, document.source_file, exc)
            result.status, result.attempts = "fetch_failed", result.attempts + exc.attempts
            return result
        result.attempts += fetched.attempts
        if fetched.status == 304:
            continue
        modified += 1
        report = publish_file(
            producer,
            source_format,
            fetched.content or b"",
            document.source_file,
            source=source.name,
            progress=progress,
        )
        result.reports.append(report)
        if report.file_rejected:
            result.status = "file_rejected"
            return result
        if source.conditional:
            fetcher.remember(fetched)  # delivered (publish_file flushed): 304 from now on

    result.ok = True
    result.status = "published" if modified or not to_fetch else "not_modified"
    if watermark_conn is not None:
        end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        result.watermark = update_watermark(
            watermark_conn, source.name, end_of_day, key=watermark_key
        )
    return result


def ingest_days(source: Source, days: list[date], **kwargs) -> list[DayResult]:
    """Days oldest first; stops at the first failed day so the watermark never passes it."""
    results = []
    for day in sorted(days):
        result = ingest_day(source, day, **kwargs)
        results.append(result)
        if not result.ok:
            break
    return results
