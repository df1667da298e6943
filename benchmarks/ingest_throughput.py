"""Ingest throughput on the real local Kafka: decode + validate + Avro encode + produce
(with delivery confirmation) of a real file, against producing the same number of
already-encoded messages in the same run. Needs `scripts/services/up.sh`.

The file is MISO's 2011-07-16 day-ahead report (5,391 wide rows, 129,384 landed
records), published REPEAT times so the run is long enough to measure.
"""

from __future__ import annotations

import time
from pathlib import Path

from aurum.ingest.publish import publish_file
from aurum.kafka.admin import all_topics, ensure_topics
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import topic_for
from aurum.settings import Settings
from aurum.sources import format_named

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "miso" / "20110716_da_lmp.csv"
REPEAT = 3


def main() -> None:
    bootstrap = Settings().kafka_bootstrap
    ensure_topics(bootstrap, all_topics())
    source_format = format_named("miso_report_lmp")
    data = SAMPLE.read_bytes()

    producer = ConfirmingProducer(bootstrap, client_id="aurum-bench")
    start = time.perf_counter()
    rows = 0
    for _ in range(REPEAT):
        rows += publish_file(producer, source_format, data, SAMPLE.name).rows
    pipeline = time.perf_counter() - start
    if rows != REPEAT * 129_384:
        raise SystemExit(f"expected {REPEAT * 129_384} rows, published {rows}")

    # Baseline: the same number of messages, same size, already encoded.
    value = b"x" * 180  # a landed MISO record encodes to ~150-200 bytes
    topic = topic_for(source_format)
    start = time.perf_counter()
    for n in range(rows):
        producer.produce(topic, value, key=f"bench-raw#{n}", headers={"aurum.format": "bench"})
    producer.flush()
    raw = time.perf_counter() - start

    print(f"  rows: {rows:,} ({REPEAT} x {SAMPLE.name})")
    print(f"  decode+validate+encode+produce  {pipeline:7.2f} s  {rows / pipeline:10,.0f} rows/s")
    print(f"  produce pre-encoded messages    {raw:7.2f} s  {rows / raw:10,.0f} msgs/s")
    print(f"  ratio pipeline / pre-encoded:   {pipeline / raw:6.2f}x")
