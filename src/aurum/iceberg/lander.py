"""Kafka → Iceberg landing: the production ingestion path (docs/scale.md).

Reads the same topics as the Kafka → DuckDB lander (aurum.ingest.kafka_landing), decodes
each message with the same function, and appends the rows to `landing.<format>` (and dead
letters to `landing.rejected_rows`) in the Iceberg catalog Trino reads. dbt's `trino`
target then builds from these tables; no DuckDB is involved.

Delivery guarantees, as the DuckDB lander's:

- offsets are committed to Kafka only after every table of the batch has committed to
  Iceberg: a crash before that replays the batch;
- a replay changes nothing: each table's commit carries, in the same atomic Iceberg
  metadata update as its new data file, the last Kafka offset per (topic, partition)
  whose rows it now holds (table properties `aurum.kafka.offset.<topic>.<partition>`).
  A replayed message at or below that offset is skipped for that table. Iceberg has no
  multi-table transaction; this makes each table exactly-once on its own, so a crash
  between two tables' commits of one batch is harmless too. It holds even when the
  consumer group's offsets are lost (a new group replays everything and lands nothing
  twice). Table properties survive compaction and snapshot expiry, which a snapshot
  summary would not;
- small files are avoided rather than made: a batch collects up to `max_batch_messages`
  or `max_batch_seconds` before it commits one Parquet file per table; what a steady
  trickle still leaves small is compacted by `aurum-iceberg maintain` (Trino's optimize,
  expire_snapshots, remove_orphan_files; aurum.iceberg.maintenance).

Difference from the DuckDB lander, on purpose: that one replaces rows by landing key
(file, row, item) on every batch, which in Iceberg would be a copy-on-write rewrite of
every earlier file of the same source file per batch. Here a key is landed once per
Kafka offset; the same file published again (new offsets) lands again, as a later load,
and dbt's revision dedup keeps the later load exactly as it would keep a revision.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import Consumer, Message
from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.table import Table

from aurum.iceberg.catalog import ensure_landing_tables, landing_columns, open_catalog
from aurum.ingest.kafka_landing import decode_message
from aurum.ingest.landing import REJECTED_TABLE, arrow_table
from aurum.kafka.consuming import usable
from aurum.kafka.topics import landing_topics
from aurum.seatunnel.avro import SEATUNNEL_TOPIC_PREFIX
from aurum.sources import FORMATS

OFFSET_PREFIX = "aurum.kafka.offset."
COMMIT_ATTEMPTS = 5


def offset_property(topic: str, partition: int) -> str:
    return f"{OFFSET_PREFIX}{topic}.{partition}"


def committed_offsets(table: Table) -> dict[str, int]:
    """Offset properties of a table: property name → last offset whose rows it holds."""
    return {k: int(v) for k, v in table.properties.items() if k.startswith(OFFSET_PREFIX)}


def _origin(message: Message) -> tuple[str, int, int]:
    """(topic, partition, offset): always set on a consumed message (the client's types
    allow None for messages a producer has not yet sent)."""
    topic, partition, offset = message.topic(), message.partition(), message.offset()
    assert topic is not None and partition is not None and offset is not None
    return topic, partition, offset


@dataclass
class IcebergLandStats:
    messages: int = 0
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    dead_letters: int = 0  # landed into rejected_rows, counted apart as the DuckDB lander does
    replayed: int = 0  # messages already in their table (offset at or below its property)
    batches: int = 0
    undecodable: int = 0
    files: int = 0


@dataclass
class _Pending:
    """One table's share of a batch: rows with the (topic, partition, offset) they came from."""

    rows: list[list] = field(default_factory=list)
    origins: list[tuple[str, int, int]] = field(default_factory=list)


class IcebergLander:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        catalog: Catalog | None = None,
        group_id: str = "aurum-iceberg-landing",
        topics: Iterable[str] | None = None,
        max_batch_messages: int = 50_000,
        max_batch_seconds: float = 10.0,
        on_table_commit: Callable[[str, int], None] | None = None,
        on_batch: Callable[[IcebergLandStats], None] | None = None,
        headerless_formats: dict[str, str] | None = None,
    ):
        self.catalog = catalog or open_catalog()
        self.formats = {f.name: f for f in FORMATS}
        self.max_batch_messages = max_batch_messages
        self.max_batch_seconds = max_batch_seconds
        self.on_table_commit = on_table_commit
        self.on_batch = on_batch
        self.headerless_formats = headerless_formats or {}
        self._tables: dict[str, Table] = ensure_landing_tables(self.catalog, self.formats)
        self.consumer = Consumer(
            {
                "bootstrap.servers": bootstrap_servers,
                "group.id": group_id,
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "enable.partition.eof": False,
                "session.timeout.ms": 10_000,
            }
        )
        self._assigned = False
        default = [*landing_topics(), "^" + SEATUNNEL_TOPIC_PREFIX.replace(".", r"\.") + r".+\.v1$"]
        self.consumer.subscribe(list(topics or default), on_assign=self._on_assign)

    def _on_assign(self, consumer: Any, partitions: Any) -> None:
        self._assigned = True

    def run(
        self,
        *,
        max_messages: int | None = None,
        idle_seconds: float = 5.0,
        assignment_timeout: float = 60.0,
    ) -> IcebergLandStats:
        """Consume until `idle_seconds` pass with nothing new (or `max_messages` are landed)."""
        stats = IcebergLandStats()
        started = idle_since = time.monotonic()
        try:
            while max_messages is None or stats.messages < max_messages:
                limit = self.max_batch_messages
                if max_messages is not None:
                    limit = min(limit, max_messages - stats.messages)
                messages = self._collect(limit)
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
                self.consumer.commit(asynchronous=False)  # only after Iceberg committed
                stats.batches += 1
                if self.on_batch:
                    self.on_batch(stats)
        finally:
            self.consumer.close()
        return stats

    def _collect(self, limit: int) -> list[Message]:
        """Up to `limit` messages or `max_batch_seconds`, whichever first; stops early when
        the topics are drained, so a backlog makes big files and a trickle is not held back."""
        messages: list[Message] = []
        deadline = time.monotonic() + self.max_batch_seconds
        while len(messages) < limit and time.monotonic() < deadline:
            polled = self.consumer.consume(min(10_000, limit - len(messages)), timeout=1.0)
            messages.extend(m for m in polled if usable(m))
            if not polled:
                break
        return messages

    def _land_batch(self, messages: list[Message], stats: IcebergLandStats) -> None:
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        pending: dict[str, _Pending] = defaultdict(_Pending)
        seen: set[tuple[str, int, int]] = set()
        for message in messages:
            origin = _origin(message)
            if origin in seen:  # the same message twice in one batch (a replay within a poll)
                continue
            seen.add(origin)
            decoded = decode_message(message, loaded_at, self.headerless_formats)
            if decoded is None:
                stats.undecodable += 1  # not ours: no format header, no SeaTunnel topic
                continue
            table, row = decoded
            pending[table].rows.append(row)
            pending[table].origins.append(origin)
        for table in sorted(pending):
            landed, replayed = self._commit(table, pending[table])
            if table == REJECTED_TABLE:
                stats.dead_letters += landed
            else:
                stats.rows[table] += landed
            stats.replayed += replayed
            if landed:
                stats.files += 1
            if self.on_table_commit:
                self.on_table_commit(table, landed)
        stats.messages += len(messages)

    def _commit(self, name: str, batch: _Pending) -> tuple[int, int]:
        """Append the rows not yet in the table, with their offsets, in one Iceberg commit.

        Returns (rows appended, rows skipped as already landed)."""
        table = self._tables[name]
        for attempt in range(COMMIT_ATTEMPTS):
            committed = committed_offsets(table)
            keep = [
                i
                for i, (topic, partition, offset) in enumerate(batch.origins)
                if offset > committed.get(offset_property(topic, partition), -1)
            ]
            if not keep:
                return 0, len(batch.rows)
            last: dict[str, int] = {}
            for i in keep:
                topic, partition, offset = batch.origins[i]
                key = offset_property(topic, partition)
                last[key] = max(last.get(key, -1), offset)
            data = arrow_table(landing_columns(name, self.formats), [batch.rows[i] for i in keep])
            try:
                with table.transaction() as transaction:
                    transaction.append(data)
                    transaction.set_properties({k: str(v) for k, v in last.items()})
                self._tables[name] = table
                return len(keep), len(batch.rows) - len(keep)
            except CommitFailedException:
                # Another writer (a compaction, a lander on other partitions) committed
                # first: re-read the table, offsets included, and try again.
                if attempt == COMMIT_ATTEMPTS - 1:
                    raise
                table = self.catalog.load_table(table.name())
                self._tables[name] = table
        raise AssertionError("unreachable")
