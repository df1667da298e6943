"""SeaTunnel 2.3.8 jobs run for real (local mode, scripts/services/seatunnel.sh).

HTTP → Kafka: the Http source reads the real sample files from the replay server at the
sources' URL paths; the Kafka sink writes Avro to a topic unique to the run; the messages
are read back and compared with what the Python decoder makes of the same file.
Kafka → PostgreSQL: standard LMP records published to a fresh topic, the Timescale job
in batch mode (bounded Kafka source), rows read back from market.lmp_timescale.

What legitimately differs between the two paths, and is therefore not compared:
`source_file`/`source_row` (SeaTunnel has no row ordinal: the templates write the request
plus the row's natural key and 1), `fetched_at` (run time; checked to be this run's UTC
time instead), and MISO's `location_type` ('' from SeaTunnel, whose Avro cannot hold a
null, see aurum.seatunnel.avro).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import psycopg
import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from seatunnel_helpers import parse, render_sample

from aurum.db import pg_dsn
from aurum.db.migrations import apply_migrations
from aurum.db.registry import sync_registry
from aurum.ingest.kafka_landing import KafkaLander
from aurum.ingest.landing import landing_table
from aurum.seatunnel import avro
from aurum.seatunnel.render import jdbc_url_from_dsn
from aurum.seatunnel.run import install, run_job
from aurum.sources import detect, format_named
from aurum.sources.core.records import Record
from kafka_helpers import bootstrap, require_kafka
from replay.routes import SAMPLES
from replay.server import ReplayServer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "postgres" / "migrations"
PROVENANCE = {"source_file", "source_row", "source_item", "fetched_at"}


@pytest.fixture(scope="module")
def seatunnel() -> Path:
    require_kafka()
    return install()  # first run downloads ~130 MB from Maven Central, then cached


@pytest.fixture(scope="module")
def replay():
    with ReplayServer() as server:
        yield server


def unique_topic(name: str) -> str:
    return f"aurum.test.seatunnel.{name}.{uuid.uuid4().hex[:10]}"


def read_topic(topic: str, timeout: float = 30.0) -> list:
    """Every message of `topic` from the beginning, until the end offsets are reached."""
    consumer = Consumer(
        {"bootstrap.servers": bootstrap(), "group.id": topic, "enable.auto.commit": False}
    )
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        ends = {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
            for p in partitions
        }
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        messages, positions = [], dict.fromkeys(partitions, 0)
        deadline = datetime.now() + timedelta(seconds=timeout)
        while any(positions[p] < ends[p] for p in partitions) and datetime.now() < deadline:
            message = consumer.poll(1.0)
            if message is None or message.error():
                continue
            messages.append(message)
            positions[message.partition()] = message.offset() + 1
        return messages
    finally:
        consumer.close()


def sample_file(source: str) -> Path:
    return next(s.file for s in SAMPLES if s.source == source)


def decoder_rows(path: Path) -> list[dict]:
    """The landing records the Python path publishes for `path` (aliases + columns)."""
    source_format = detect(path.read_bytes(), path.name)
    return [
        {**source_format.alias_values(item.values), **item.values}
        for item in source_format.decode(path.read_bytes(), path.name)
        if isinstance(item, Record)
    ]


def run_to_kafka(template: str, replay, variables: dict) -> tuple[list[dict], datetime, list]:
    topic = unique_topic(template)
    started = datetime.now(UTC)
    result = run_job(
        template,
        {"base_url": replay.base_url, "topic": topic, "kafka_bootstrap": bootstrap(), **variables},
    )
    assert result.returncode == 0
    messages = read_topic(topic)
    return messages, started, result


def compare(seatunnel_rows: list[dict], python_rows: list[dict], key: tuple[str, ...]) -> None:
    assert len(seatunnel_rows) == len(python_rows) > 0
    fields = sorted(set(python_rows[0]) - PROVENANCE)
    ordered = sorted(seatunnel_rows, key=lambda r: tuple(str(r[k]) for k in key))
    expected = sorted(python_rows, key=lambda r: tuple(str(r[k]) for k in key))
    for got, want in zip(ordered, expected, strict=True):
        assert {f: got[f] for f in fields} == {f: want[f] for f in fields}


def check_fetched_at(rows: list[dict], started: datetime) -> None:
    # SeaTunnel's now() is UTC only because seatunnel.sh runs the JVM with user.timezone=UTC.
    for row in rows:
        fetched = row["fetched_at"]
        fetched = fetched if fetched.tzinfo else fetched.replace(tzinfo=UTC)  # local-timestamp
        assert started - timedelta(seconds=5) <= fetched <= datetime.now(UTC)


def test_seatunnel_http_to_kafka_ercot_api(seatunnel, replay, tmp_path):
    messages, started, _ = run_to_kafka(
        "ercot_lmp_to_kafka",
        replay,
        {
            "delivery_date": "2026-09-28",
            "ercot_api_key": "replay",
            "ercot_id_token": "replay",
            "page_size": "100000",
        },
    )
    # The known gap: no aurum.format/aurum.subject headers, so the topic names the format.
    assert all(m.headers() is None for m in messages)
    rows = [avro.decode_landing("ercot_api_rt_spp", m.value()) for m in messages]
    python_rows = decoder_rows(sample_file("ercot_api_np6_905_spp"))
    compare(
        rows, python_rows, ("location_id", "location_type", "delivery_hour", "delivery_interval")
    )
    check_fetched_at(rows, started)
    assert {m.key().decode("utf-8", "replace")[1:] for m in messages} >= {"LZ_HOUSTON"}
    land_and_compare(messages[0].topic(), "ercot_api_rt_spp", python_rows, tmp_path)


def land_and_compare(topic: str, format_name: str, python_rows: list[dict], tmp_path) -> None:
    """The Python lander lands SeaTunnel's header-less topic like the decoder's rows, and a
    second pass over the same messages (a replay) replaces them instead of doubling."""
    columns = format_named(format_name).column_names
    database = tmp_path / "aurum.duckdb"
    for _ in range(2):
        with duckdb.connect(str(database)) as conn:
            lander = KafkaLander(
                conn,
                bootstrap_servers=bootstrap(),
                group_id=f"{topic}.lander.{uuid.uuid4().hex[:6]}",
                topics=[topic],
                headerless_formats={topic: format_name},
            )
            stats = lander.run(idle_seconds=2)
            assert stats.rows[format_name] == len(python_rows) and stats.undecodable == 0
            table = landing_table(conn, format_name)
            landed = conn.execute(f"select {', '.join(columns)} from {table}").fetchall()
    assert len(landed) == len(python_rows)
    want = sorted(tuple(str(row[c]) for c in columns) for row in python_rows)
    assert sorted(tuple(str(v) for v in row) for row in landed) == want


def test_seatunnel_http_to_kafka_miso_api(seatunnel, replay):
    messages, started, _ = run_to_kafka("miso_lmp_to_kafka", replay, {"miso_period": "Current"})
    rows = [avro.decode_landing("miso_api_fivemin_lmp", m.value()) for m in messages]
    python_rows = decoder_rows(sample_file("miso_api_rt_fivemin_expost"))
    assert {r["location_type"] for r in rows} == {""}
    assert {r["location_type"] for r in python_rows} == {None}
    for row in python_rows:
        row["location_type"] = ""
    compare(rows, python_rows, ("location_id", "interval"))
    check_fetched_at(rows, started)


def test_seatunnel_http_to_kafka_eia_reference(seatunnel, replay):
    messages, started, _ = run_to_kafka(
        "eia_fuel_to_kafka",
        replay,
        {
            "eia_api_key": "replay",
            "eia_route": "natural-gas/pri/fut",
            "frequency": "weekly",
            "series": "RNGC4",
            "start": "1993-12-24",
            "end": "1993-12-24",
        },
    )
    # The reference template has its own field list (no .avsc yet): SeaTunnel's writer
    # schema is derived from its select list, as SeaTunnel derives it.
    schema = avro.writer_schema(template_schema("eia_fuel_to_kafka", "eia_fuel_to_kafka"))
    rows = [avro.decode(schema, m.value()) for m in messages]
    (python_row,) = decoder_rows(sample_file("eia_v2_natural_gas_fut_weekly"))
    (row,) = rows
    assert (row["route"], row["frequency"], row["period"], row["series"]) == (
        python_row["route"],
        python_row["frequency"],
        python_row["period"],
        python_row["series_id"],
    )
    assert (row["value"], row["value_status"], row["units"]) == (
        python_row["value"],
        python_row["value_status"],
        python_row["units"],
    )
    check_fetched_at(rows, started)


AVRO_OF = {
    "string": "string",
    "double": "double",
    "bigint": "long",
    "int": "int",
    "boolean": "boolean",
    "date": {"type": "int", "logicalType": "date"},
    "timestamp": {"type": "long", "logicalType": "local-timestamp-micros"},
}


def template_schema(template: str, record_name: str) -> dict:
    """An Avro record with the output fields of `template` (Sql select or Kafka source)."""
    from seatunnel_helpers import output_transform, select_fields

    config = parse(render_sample(template))
    if "transform" in config:
        fields = select_fields(output_transform(config)["query"], config)
    else:
        fields = list(next(iter(config["source"].values()))["schema"]["fields"].items())
    return {
        "type": "record",
        "name": record_name,
        "fields": [{"name": n, "type": ["null", AVRO_OF[t]]} for n, t in fields],
    }


def test_seatunnel_kafka_to_postgres_timescale(seatunnel):
    dsn = pg_dsn()
    apply_migrations(dsn)
    sync_registry(dsn)
    topic = unique_topic("timescale").replace(".", "-")  # see the template: no dots
    market = f"seatunnel_test_{uuid.uuid4().hex[:8]}"  # isolates this run's rows
    schema = avro.writer_schema(template_schema("iso_lmp_kafka_to_timescale", "standard_lmp"))
    start = datetime(2025, 5, 1, 4, 0)
    fetched = datetime(2025, 5, 11, 12, 0)
    records = [
        {
            "iso_code": "PJM",
            "location_id": location_id,
            "location_name": name,
            "location_type": "HUB",
            "market": market,
            "currency": "USD",
            "uom": "MWh",
            "interval_seconds": 3600,
            "interval_start_utc": start + timedelta(hours=hour),
            "interval_end_utc": start + timedelta(hours=hour + 1),
            "lmp": 30.0 + hour,
            "energy": 29.0,
            "congestion": 0.5 + hour,
            "loss": 0.5,
            "source_file": "seatunnel-test",
            "source_row": hour + 1,
            "fetched_at": fetched,
        }
        for hour in range(3)
        for location_id, name in (("116013751", "ATSI GEN HUB"), ("999999999", "NOT A NODE"))
    ]
    producer = Producer({"bootstrap.servers": bootstrap()})
    for record in records:
        producer.produce(topic, avro.encode(schema, record))
    assert producer.flush(30) == 0
    try:
        run_job(
            "iso_lmp_kafka_to_timescale",
            {
                "topic": topic,
                "consumer_group": topic,
                "job_mode": "BATCH",
                "start_mode": "earliest",
                "batch_size": "100",
                "kafka_bootstrap": bootstrap(),
                "pg_jdbc_url": jdbc_url_from_dsn(dsn),
                "pg_user": psycopg.conninfo.conninfo_to_dict(dsn).get("user", "aurum"),
                "pg_password": psycopg.conninfo.conninfo_to_dict(dsn).get("password", ""),
            },
        )
        with psycopg.connect(dsn) as conn:
            landed = conn.execute(
                "select location_id, location_name, zone, hub, timezone, in_registry, lmp, "
                "congestion, interval_start_utc, interval_end_utc, source_row "
                "from market.lmp_timescale where market = %s "
                "order by location_id, interval_start_utc",
                (market,),
            ).fetchall()
    finally:
        with psycopg.connect(dsn) as conn:
            conn.execute("delete from market.lmp_timescale where market = %s", (market,))
    assert len(landed) == len(records) == 6
    registered = [r for r in landed if r[0] == "116013751"]
    assert [r[1:6] for r in registered] == [
        ("ATSI GEN HUB", "ATSI", "116013751", "America/New_York", True)
    ] * 3
    assert [(r[6], r[7], r[8], r[10]) for r in registered] == [
        (30.0 + h, 0.5 + h, (start + timedelta(hours=h)).replace(tzinfo=UTC), h + 1)
        for h in range(3)
    ]
    unknown = [r for r in landed if r[0] == "999999999"]
    assert [r[1:6] for r in unknown] == [("NOT A NODE", None, None, None, False)] * 3
