"""The ingestion path for one source and day: fetch → publish (decode, validate, Avro,
produce, confirm) → advance the watermark.

A failed fetch becomes a dead letter too. The watermark moves only when the day's
rows were all delivered and the file itself was readable; a failed day leaves it
where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from aurum.ingest.decoders import format_named
from aurum.ingest.http import FetchError, HttpFetcher
from aurum.ingest.publish import Progress, PublishReport, publish_file
from aurum.ingest.sources import Source
from aurum.ingest.watermarks import update_watermark
from aurum.kafka.dead_letters import DeadLetter, publish
from aurum.kafka.producer import ConfirmingProducer


@dataclass
class DayResult:
    source: str
    day: date
    ok: bool
    status: str  # "published", "not_modified", "fetch_failed", "file_rejected"
    report: PublishReport | None = None
    attempts: int = 0
    watermark: datetime | None = None


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
    """One source, one day. Returns ok=False (and leaves the watermark) when the day failed."""
    source_format = format_named(source.format_name)
    url = source.url(day, base_url=base_url)
    try:
        fetched = fetcher.fetch(url, conditional=source.conditional)
    except FetchError as exc:
        publish(
            producer,
            DeadLetter(
                source=source.name,
                stage="fetch",
                error_class="FetchError",
                error_message=str(exc),
                payload_pointer=url,
                source_format=source_format.name,
                source_file=source.source_file(day),
                attempt=exc.attempts,
            ),
        )
        producer.flush()
        return DayResult(source.name, day, False, "fetch_failed", attempts=exc.attempts)

    end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    if fetched.status == 304:
        watermark = (
            update_watermark(watermark_conn, source.name, end_of_day, key=watermark_key)
            if watermark_conn is not None
            else None
        )
        return DayResult(source.name, day, True, "not_modified", None, fetched.attempts, watermark)

    report = publish_file(
        producer,
        source_format,
        fetched.content or b"",
        source.source_file(day),
        source=source.name,
        progress=progress,
    )
    if report.file_rejected:
        return DayResult(source.name, day, False, "file_rejected", report, fetched.attempts)
    watermark = None
    if watermark_conn is not None:
        watermark = update_watermark(watermark_conn, source.name, end_of_day, key=watermark_key)
    return DayResult(source.name, day, True, "published", report, fetched.attempts, watermark)
