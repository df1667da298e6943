"""Ingest throughput on the real local Kafka: decode + validate + Avro encode + produce
(with delivery confirmation) of a real file, against producing the same messages,
already encoded, through the same producer in the same run. Needs
`scripts/services/up.sh`.

The file is MISO's 2011-07-16 day-ahead report (5,391 wide rows, 129,384 landed
records), published REPEAT times per round so a round is long enough to measure.
The machine is shared, so ROUNDS rounds alternate the two and the ratio reported
is the median of the rounds' ratios. The record-by-record path (the columnar path's
reference, and the whole path before issue 15) is timed once for comparison.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from aurum.ingest.publish import publish_file
from aurum.kafka.admin import all_topics, ensure_topics
from aurum.kafka.batch_codec import encode_landing_batch
from aurum.kafka.codec import landing_headers
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import topic_for
from aurum.settings import Settings
from aurum.sources import format_named

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "miso" / "20110716_da_lmp.csv"
RECORDS = 129_384
REPEAT = 3
ROUNDS = 3


def main() -> None:
    bootstrap = Settings().kafka_bootstrap
    ensure_topics(bootstrap, all_topics())
    source_format = format_named("miso_report_lmp")
    data = SAMPLE.read_bytes()
    producer = ConfirmingProducer(bootstrap, client_id="aurum-bench")
    rows = REPEAT * RECORDS

    def pipeline(columnar: bool = True, repeat: int = REPEAT) -> float:
        start = time.perf_counter()
        published = 0
        for _ in range(repeat):
            report = publish_file(producer, source_format, data, SAMPLE.name, columnar=columnar)
            published += report.rows
        elapsed = time.perf_counter() - start
        if published != repeat * RECORDS:
            raise SystemExit(f"expected {repeat * RECORDS} rows, published {published}")
        return elapsed

    # The same messages, encoded beforehand (outside the timing), produced as the
    # pipeline produces them: with keys and headers, through the same producer call,
    # one flush (delivery confirmation) per file.
    table = source_format.decode_batch(data, SAMPLE.name)
    values = encode_landing_batch(source_format, table, SAMPLE.name, datetime.now(UTC))
    headers = landing_headers(source_format)
    topic = topic_for(source_format)

    def pre_encoded() -> float:
        start = time.perf_counter()
        for copy in range(REPEAT):
            keys = [f"bench-raw#{copy}.{n}" for n in range(RECORDS)]
            producer.produce_many(topic, values, keys, headers=headers)
            producer.flush()
        return time.perf_counter() - start

    pipeline(repeat=1)  # warm-up: imports, connections, the broker's first batches
    runs = [(pipeline(), pre_encoded()) for _ in range(ROUNDS)]
    row_wise = pipeline(columnar=False, repeat=1)

    best_pipeline = min(p for p, _ in runs)
    best_raw = min(r for _, r in runs)
    ratio = statistics.median(p / r for p, r in runs)
    print(f"  rows: {rows:,} ({REPEAT} x {SAMPLE.name}) per round, {ROUNDS} rounds")
    print(
        f"  decode+validate+encode+produce  {best_pipeline:7.2f} s  {rows / best_pipeline:10,.0f} rows/s (best round)"
    )
    print(
        f"  produce pre-encoded messages    {best_raw:7.2f} s  {rows / best_raw:10,.0f} msgs/s (best round)"
    )
    print(
        f"  record-by-record path (1 file)  {row_wise:7.2f} s  {RECORDS / row_wise:10,.0f} rows/s"
    )
    print("  ratios per round:               " + ", ".join(f"{p / r:.2f}x" for p, r in runs))
    print(f"  ratio pipeline / pre-encoded:   {ratio:6.2f}x (median; target <= 2.0x)")
