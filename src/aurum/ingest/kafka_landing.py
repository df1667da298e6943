"""Kafka → DuckDB landing: the embedded warehouse's equivalent of SeaTunnel's Kafka sink.

Reads the LMP/reference topics and the dead-letter topic and writes the same
landing tables `aurum-land` writes from files. Each poll batch is written in ONE
DuckDB transaction that first deletes the batch's keys — (_source_file,
_source_row, _source_item) per table, error_id for dead letters — so a replayed message replaces
itself instead of doubling. Offsets are committed only after that transaction has
committed: a crash before the commit replays the batch, which the delete makes
harmless. Nothing is lost and nothing is landed twice.

SeaTunnel's Kafka sink writes no headers and its own Avro (aurum.seatunnel.avro); its
jobs write one format per topic, `aurum.seatunnel.<format>.v1`, which the lander also
reads (the format comes from the topic name, or from `headerless_formats` for a topic
named otherwise). Their landing key is the row's own `source_file`/`source_row`, which
the templates make unique and replay-stable.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
from confluent_kafka import Consumer, Message

from aurum.ingest.landing import (
    REJECTED_COLUMNS,
    REJECTED_TABLE,
    arrow_table,
    ensure_landing_tables,
    landing_table,
    rejected_row,
)
from aurum.kafka.codec import FORMAT_HEADER, SUBJECT_HEADER, decode
from aurum.kafka.consuming import usable
from aurum.kafka.dead_letters import DLQ_SUBJECT
from aurum.kafka.schemas import landing_subject
from aurum.kafka.topics import DLQ_TOPIC, landing_topics
from aurum.seatunnel import avro as seatunnel_avro
from aurum.seatunnel.avro import SEATUNNEL_TOPIC_PREFIX, format_of_topic
from aurum.sources import FORMATS, format_named
from aurum.sources.core.formats import PROVENANCE_COLUMNS


@dataclass
class LandStats:
    messages: int = 0
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dead_letters: int = 0
    batches: int = 0
    undecodable: int = 0


def _headers(message: Message) -> dict[str, str]:
    return {k: v.decode() for k, v in (message.headers() or []) if v is not None}


def decode_message(
    message: Message, loaded_at: datetime, headerless_formats: dict[str, str] | None = None
) -> tuple[str, list] | None:
    """(landing table, row in its column order) for one message; None when it is not ours.

    Dead letters go to REJECTED_TABLE (REJECTED_COLUMNS); landing rows are the format's
    columns then PROVENANCE_COLUMNS. Shared by the DuckDB and the Iceberg lander.
    """
    headers = _headers(message)
    subject = headers.get(SUBJECT_HEADER)
    if message.topic() == DLQ_TOPIC:
        record = decode(DLQ_SUBJECT, message.value(), writer_subject=subject or DLQ_SUBJECT)
        return REJECTED_TABLE, rejected_row(
            record["source_format"] or record["source"],
            record["source_file"],
            record["source_row"],
            f"{record['error_class']}: {record['error_message']}",
            (record["payload"] or b"").decode("utf-8", "replace") or record["payload_pointer"],
            record["occurred_at"].replace(tzinfo=None),
            record["stage"],
            record["error_id"],
        )
    format_name = headers.get(FORMAT_HEADER)
    if format_name is not None:
        record = decode(landing_subject(format_name), message.value(), writer_subject=subject)
    else:
        format_name = (headerless_formats or {}).get(message.topic()) or format_of_topic(
            message.topic()
        )
        if format_name is None:
            return None
        record = seatunnel_avro.decode_landing(format_name, message.value())
    source_format = format_named(format_name)
    return format_name, [record.get(c) for c in source_format.column_names] + [
        record["source_file"],
        record["source_row"],
        record.get("source_item") or 0,
        loaded_at,
    ]


class KafkaLander:
    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        *,
        bootstrap_servers: str,
        group_id: str = "aurum-landing",
        topics: Iterable[str] | None = None,
        batch_size: int = 2000,
        on_batch: Callable[[LandStats], None] | None = None,
        headerless_formats: dict[str, str] | None = None,
    ):
        self.conn = conn
        self.headerless_formats = headerless_formats or {}
        self.batch_size = batch_size
        self.on_batch = on_batch
        ensure_landing_tables(conn, FORMATS)
        self.consumer = Consumer(
            {
                "bootstrap.servers": bootstrap_servers,
                "group.id": group_id,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "enable.partition.eof": False,
                # A crashed lander's partitions move to its replacement after this long.
                "session.timeout.ms": 10_000,
            }
        )
        self._assigned = False
        # By default also every SeaTunnel one-format topic (a librdkafka regex subscription).
        default = [*landing_topics(), "^" + SEATUNNEL_TOPIC_PREFIX.replace(".", r"\.") + r".+\.v1$"]
        self.consumer.subscribe(list(topics or default), on_assign=self._on_assign)

    def _on_assign(self, consumer, partitions) -> None:
        self._assigned = True

    def run(
        self,
        *,
        max_messages: int | None = None,
        idle_seconds: float = 5.0,
        assignment_timeout: float = 60.0,
    ) -> LandStats:
        """Consume until `idle_seconds` pass with nothing new (or `max_messages` are landed).

        Idle time counts only once the group has assigned partitions: after a crash
        the replacement waits for the dead member's session to expire first.
        """
        stats = LandStats()
        started = idle_since = time.monotonic()
        try:
            while max_messages is None or stats.messages < max_messages:
                want = self.batch_size
                if max_messages is not None:
                    want = min(want, max_messages - stats.messages)
                messages = [m for m in self.consumer.consume(want, timeout=1.0) if usable(m)]
                if not messages:
                    now = time.monotonic()
                    if not self._assigned:
                        if now - started > assignment_timeout:
                            raise RuntimeError(f"no partitions assigned in {assignment_timeout}s")
                        idle_since = now
                    elif now - idle_since >= idle_seconds:
                        break
                    continue
                idle_since = time.monotonic()
                self._land_batch(messages, stats)
                self.consumer.commit(asynchronous=False)  # only after DuckDB committed
                stats.batches += 1
                if self.on_batch:
                    self.on_batch(stats)
        finally:
            self.consumer.close()
        return stats

    def _land_batch(self, messages: list[Message], stats: LandStats) -> None:
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        rows_by_format: dict[str, list[list]] = defaultdict(list)
        dead_rows: list[list] = []
        for message in messages:
            decoded = decode_message(message, loaded_at, self.headerless_formats)
            if decoded is None:
                stats.undecodable += 1  # not ours: no format header, no SeaTunnel topic
            elif decoded[0] == REJECTED_TABLE:
                dead_rows.append(decoded[1])
            else:
                rows_by_format[decoded[0]].append(decoded[1])
        self.conn.execute("begin transaction")
        try:
            for format_name, rows in rows_by_format.items():
                self._replace_rows(format_name, rows)
                stats.rows[format_name] += len(rows)
            if dead_rows:
                self._replace_dead_letters(dead_rows)
                stats.dead_letters += len(dead_rows)
            self.conn.execute("commit")
        except BaseException:
            self.conn.execute("rollback")
            raise
        stats.messages += len(messages)

    def _replace_rows(self, format_name: str, rows: list[list]) -> None:
        source_format = format_named(format_name)
        columns = (*source_format.columns, *PROVENANCE_COLUMNS)
        batch = arrow_table(columns, rows)
        table = landing_table(self.conn, format_name)
        self.conn.register("_kafka_batch", batch)
        try:
            self.conn.execute(
                f"""
                delete from {table} t
                using (select distinct _source_file, _source_row, _source_item from _kafka_batch) b
                where t._source_file = b._source_file
                    and t._source_row = b._source_row
                    and t._source_item = b._source_item
                """
            )
            # A batch may hold the same message twice (a replay within one poll): keep one.
            self.conn.execute(
                f"""
                insert into {table} by name
                select * exclude (_dup) from (
                    select
                        *,
                        row_number() over (
                            partition by _source_file, _source_row, _source_item
                        ) as _dup
                    from _kafka_batch
                ) where _dup = 1
                """
            )
        finally:
            self.conn.unregister("_kafka_batch")

    def _replace_dead_letters(self, rows: list[list]) -> None:
        batch = arrow_table(REJECTED_COLUMNS, rows)
        table = landing_table(self.conn, REJECTED_TABLE)
        self.conn.register("_dlq_batch", batch)
        try:
            self.conn.execute(
                f"delete from {table} where error_id in (select error_id from _dlq_batch)"
            )
            self.conn.execute(
                f"insert into {table} by name select distinct on (error_id) * from _dlq_batch"
            )
        finally:
            self.conn.unregister("_dlq_batch")
