"""Publish one file's rows to Kafka: detect → decode → validate → Avro → produce → confirm.

The file must be claimed by its source's format (content detection, as aurum-land
does): a file no format claims, another format's file, or one two formats claim is
one dead letter at the `detect` stage with the reason, and nothing else is published.
Every bad record becomes a dead letter (`aurum.ingest.error.v1`) with the source,
stage, error class and message and the payload; a bad row never stops the file.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa

from aurum.ingest.batches import records_table
from aurum.ingest.validate import all_valid, validated
from aurum.kafka.batch_codec import ITEM_COLUMN, ROW_COLUMN, Unsupported, encode_landing_batch
from aurum.kafka.codec import EncodeError, encode_landing, landing_headers
from aurum.kafka.dead_letters import DeadLetter, publish
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import topic_for
from aurum.sources import DetectError, detect
from aurum.sources.core.formats import SourceFormat
from aurum.sources.core.records import Record, Rejection, number_items, payload_of

Progress = Callable[[str], None]


def stderr_progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class PublishReport:
    """What one file produced: rows published, dead letters by stage, and whether it was readable."""

    source: str
    source_file: str
    rows: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)
    file_rejected: bool = False

    def dead(self, letter: DeadLetter, producer: ConfirmingProducer) -> None:
        publish(producer, letter)
        self.dead_letters[letter.stage] = self.dead_letters.get(letter.stage, 0) + 1


def publish_unrecognised(
    producer: ConfirmingProducer, data: bytes, source_file: str, error: DetectError
) -> PublishReport:
    """A file no format claims (or two do), as one `detect` dead letter with the reason."""
    report = PublishReport(source_file, source_file, file_rejected=True)
    report.dead(
        DeadLetter(
            source=source_file,
            stage="detect",
            error_class=type(error).__name__,
            error_message=error.reason,
            payload=data or None,
            payload_pointer=None if data else source_file,
            source_file=source_file,
        ),
        producer,
    )
    producer.flush()
    return report


def publish_file(
    producer: ConfirmingProducer,
    source_format: SourceFormat,
    data: bytes,
    source_file: str,
    *,
    source: str | None = None,
    fetched_at: datetime | None = None,
    progress: Progress | None = None,
    progress_every: int = 50_000,
    columnar: bool = True,
) -> PublishReport:
    """Decode, validate, encode and produce one file's rows; flush confirms every delivery.

    `columnar=False` takes the record-by-record path for every file (the reference the
    columnar path is tested and benchmarked against)."""
    source = source or source_format.name
    fetched_at = fetched_at or datetime.now(UTC)
    topic = topic_for(source_format)
    headers = landing_headers(source_format)
    report = PublishReport(source, source_file)
    started = time.perf_counter()

    def letter(stage: str, error_class: str, message: str, payload: bytes | None, row: int | None):
        return DeadLetter(
            source=source,
            stage=stage,
            error_class=error_class,
            error_message=message,
            payload=payload,
            payload_pointer=None if payload is not None else source_file,
            source_format=source_format.name,
            source_file=source_file,
            source_row=row,
        )

    try:
        detect(data, source_file, expected=source_format)
    except DetectError as exc:
        report.file_rejected = True
        detect_letter = letter("detect", type(exc).__name__, exc.reason, data or None, None)
        report.dead(detect_letter, producer)
        producer.flush()
        return report

    def produce_table(table: pa.Table | None) -> bool:
        """The fast path: every row valid (decided column-wise) and the table encoded at
        once. False (nothing produced) sends the caller down the row-wise path, whose
        dead letters are the reference semantics."""
        if not columnar or table is None or not all_valid(source_format, table):
            return False
        try:
            values = encode_landing_batch(source_format, table, source_file, fetched_at)
        except Unsupported:
            return False
        rows = table.column(ROW_COLUMN).to_pylist()
        items = table.column(ITEM_COLUMN).to_pylist()
        keys = [f"{source_file}#{row}.{item}" for row, item in zip(rows, items, strict=True)]
        for start in range(0, len(values), progress_every):
            end = start + progress_every
            producer.produce_many(topic, values[start:end], keys[start:end], headers=headers)
            report.rows += len(values[start:end])
            if progress and report.rows % progress_every == 0:
                rate = report.rows / max(time.perf_counter() - started, 1e-9)
                progress(f"  {source_file}: {report.rows:,} rows produced ({rate:,.0f} rows/s)")
        producer.flush()
        return True

    # A columnar decoder reads clean files in one pass; anything else is the row decoder's.
    if (
        columnar
        and source_format.decode_batch
        and produce_table(source_format.decode_batch(data, source_file))
    ):
        return report

    records: list[Record] = []
    for item in number_items(source_format.decode(data, source_file)):
        if isinstance(item, Rejection):
            if item.row_number is None:
                report.file_rejected = True
                # A whole-file problem keeps the file itself as the payload (it is the
                # evidence); an empty file has none, so the letter points at its name.
                payload = data or item.payload.encode() or None
                report.dead(letter("decode", "FileRejected", item.reason, payload, None), producer)
            else:
                report.dead(
                    letter(
                        "decode", "RowRejected", item.reason, item.payload.encode(), item.row_number
                    ),
                    producer,
                )
        else:
            records.append(item)

    if produce_table(records_table(source_format, records)):
        return report
    for record, problem in validated(source_format, records):
        if problem is not None:
            payload = payload_of(record.values.values()).encode()
            report.dead(
                letter("validate", problem.rule, str(problem), payload, record.row_number), producer
            )
            continue
        try:
            value = encode_landing(source_format, record, source_file, fetched_at)
        except EncodeError as exc:
            payload = payload_of(record.values.values()).encode()
            report.dead(
                letter("encode", "EncodeError", str(exc), payload, record.row_number), producer
            )
            continue
        producer.produce(
            topic, value, key=f"{source_file}#{record.row_number}.{record.item}", headers=headers
        )
        report.rows += 1
        if progress and report.rows % progress_every == 0:
            rate = report.rows / max(time.perf_counter() - started, 1e-9)
            progress(f"  {source_file}: {report.rows:,} rows produced ({rate:,.0f} rows/s)")
    producer.flush()
    return report
