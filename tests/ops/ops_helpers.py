"""Helpers for the ops tests: real malformed inputs through the real ingestion path."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaException, TopicPartition

from aurum.dbt_runner import PROJECT_DIR
from aurum.ingest.http import HttpFetcher
from aurum.ingest.pipeline import ingest_day
from aurum.ingest.publish import publish_unrecognised
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import DLQ_TOPIC
from aurum.ops.clickhouse import apply_migrations, connect
from aurum.ops.dlq_sink import DeadLetterSink
from aurum.settings import Settings
from aurum.sources import SOURCES, DetectError, detect
from kafka_helpers import bootstrap
from replay.routes import SAMPLES
from replay.server import ReplayServer


def run_script(*args: str, timeout: float = 600) -> None:
    """A repository script (installs what is missing, starts a service); fails loudly."""
    done = subprocess.run(
        [str(PROJECT_DIR / args[0]), *args[1:]], capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stderr[-4000:]}"


def sink_for(client, settings: Settings, group: str) -> DeadLetterSink:
    return DeadLetterSink(
        client, settings.clickhouse_database, bootstrap_servers=bootstrap(), group_id=group
    )


@contextmanager
def fresh_clickhouse_database(prefix: str = "ops_test") -> Iterator[Settings]:
    """ClickHouse up (idempotent), the migrations applied to a fresh database of our own,
    dropped afterwards; a running `make ops-up` keeps its `ops` database untouched."""
    run_script("scripts/services/clickhouse.sh", "up")
    database = f"{prefix}_{uuid.uuid4().hex[:8]}"
    settings = Settings(clickhouse_database=database)
    client = connect(settings)
    apply_migrations(client, database)
    try:
        yield settings
    finally:
        client.execute(f"DROP DATABASE IF EXISTS {database}")
        client.disconnect()


@dataclass(frozen=True)
class Expected:
    source: str
    stage: str
    error_class: str
    errors: int


def _sample(source: str):
    sample = next(s for s in SAMPLES if s.source == source)
    return SOURCES[source], sample.day, sample.file.read_bytes(), sample.route()


def _non_numeric(csv: bytes, rows: tuple[int, ...]) -> bytes:
    lines = csv.split(b"\n")
    for n in rows:
        parts = lines[n].split(b",")
        parts[3] = b"abc"  # NYISO P-2A: the LBMP column
        lines[n] = b",".join(parts)
    return b"\n".join(lines)


def publish_malformed_inputs(producer: ConfirmingProducer) -> list[Expected]:
    """The malformed inputs that produce dead letters today, through fetch → publish.

    Returns what ClickHouse must then show per source, stage and error class. No
    watermark is touched (the freshness tests own those).
    """
    caiso, caiso_day, caiso_zip, caiso_route = _sample("caiso_prc_lmp_dam")
    pjm, pjm_day, pjm_csv, pjm_route = _sample("pjm_da_hrl_lmps")
    nyiso, nyiso_day, nyiso_csv, nyiso_route = _sample("nyiso_damlbmp_zone")
    ercot, ercot_day, _, ercot_route = _sample("ercot_api_np6_905_spp")
    fetcher = HttpFetcher(backoff_seconds=0.01, retries=2)
    with ReplayServer() as server:
        server.serve_bytes(caiso_route, caiso_zip[: len(caiso_zip) // 2])  # truncated zip
        server.serve_bytes(pjm_route, pjm_csv.replace(b"total_lmp_da", b"lmp_total", 1))
        server.serve_bytes(nyiso_route, _non_numeric(nyiso_csv, (5, 9, 17)))  # three bad prices
        server.fail_next(ercot_route.split("?")[0], [500] * 3)  # HTTP 500 on every attempt
        for source, day in ((caiso, caiso_day), (pjm, pjm_day), (nyiso, nyiso_day),
                            (ercot, ercot_day)):  # fmt: skip
            ingest_day(source, day, fetcher=fetcher, producer=producer, base_url=server.base_url)
    return [
        # A truncated zip and a renamed price column are no longer what their format
        # promises: content detection refuses them before any decoding.
        Expected("caiso_prc_lmp_dam", "detect", "Unclaimed", 1),
        Expected("pjm_da_hrl_lmps", "detect", "Unclaimed", 1),
        Expected("nyiso_damlbmp_zone", "decode", "RowRejected", 3),
        Expected("ercot_api_np6_905_spp", "fetch", "FetchError", 1),
    ]


def publish_unrecognised_file(producer: ConfirmingProducer, name: str) -> Expected:
    """A file no format claims, through the real detection: one `detect` dead letter
    whose source is the file's name (no catalog source promised it)."""
    data = b"Date,Node,Price\n2025-05-01,X,12.5\n"
    try:
        detect(data, name)
    except DetectError as error:
        publish_unrecognised(producer, data, name, error)
    else:
        raise AssertionError(f"a format claims {data!r}")
    return Expected(name, "detect", "Unclaimed", 1)


def committed_offsets(group: str) -> list[TopicPartition]:
    consumer = Consumer({"bootstrap.servers": bootstrap(), "group.id": group})
    try:
        partitions = consumer.list_topics(DLQ_TOPIC, timeout=10).topics[DLQ_TOPIC].partitions
        return consumer.committed([TopicPartition(DLQ_TOPIC, p) for p in partitions], timeout=10)
    finally:
        consumer.close()


def rewind(group: str, offsets: list[TopicPartition]) -> None:
    """Commit earlier offsets for `group`: its next consumer gets those messages again."""
    consumer = Consumer({"bootstrap.servers": bootstrap(), "group.id": group})
    try:
        for attempt in range(20):  # a just-started broker may not have a coordinator yet
            try:
                consumer.commit(offsets=offsets, asynchronous=False)
                return
            except KafkaException as exc:
                if not exc.args[0].retriable() or attempt == 19:
                    raise
                time.sleep(0.5)
    finally:
        consumer.close()
