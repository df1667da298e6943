"""`airflow dags test iso_lmp_kafka_to_timescale`: the DAG syncs the registry, runs the
SeaTunnel Kafka → PostgreSQL job from its template (BATCH mode, SeaTunnel 2.3.8 for real)
and reports what it upserted: standard LMP records land enriched from the registry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from confluent_kafka import Producer
from pyhocon import ConfigFactory

from aurum.seatunnel import avro
from aurum.seatunnel.render import load_template, render_template
from kafka_helpers import bootstrap, require_kafka

pytestmark = pytest.mark.integration

DAG_ID = "iso_lmp_kafka_to_timescale"


# SeaTunnel types of the template's Kafka schema -> Avro (as tests/seatunnel does).
AVRO_OF = {
    "string": "string",
    "double": "double",
    "bigint": "long",
    "int": "int",
    "timestamp": {"type": "long", "logicalType": "local-timestamp-micros"},
}


def _schema() -> dict:
    """The template's declared Kafka schema, as the Avro writer schema SeaTunnel reads."""
    rendered = render_template(load_template(DAG_ID), {
        "kafka_bootstrap": "x", "consumer_group": "x", "pg_jdbc_url": "x", "pg_user": "x",
        "pg_password": "x", "batch_size": "1",
    })  # fmt: skip
    config = ConfigFactory.parse_string(rendered)
    fields = config["source"]["Kafka"]["schema"]["fields"]
    record = {
        "type": "record",
        "name": "standard_lmp",
        "fields": [{"name": n, "type": ["null", AVRO_OF[t]]} for n, t in fields.items()],
    }
    return avro.writer_schema(record)


def test_the_dag_runs_the_seatunnel_job_and_rows_land_enriched(airflow, pg_settings):
    require_kafka()
    topic = f"aurum-test-airflow-timescale-{uuid.uuid4().hex[:10]}"  # no dots (template)
    market = f"airflow_test_{uuid.uuid4().hex[:8]}"
    start = datetime(2025, 5, 1, 4, 0)
    schema = _schema()
    producer = Producer({"bootstrap.servers": bootstrap()})
    for hour in range(2):
        for location_id, name in (("116013751", "ATSI GEN HUB"), ("999999999", "NOT A NODE")):
            record = {
                "iso_code": "PJM", "location_id": location_id, "location_name": name,
                "location_type": "HUB", "market": market, "currency": "USD", "uom": "MWh",
                "interval_seconds": 3600, "interval_start_utc": start + timedelta(hours=hour),
                "interval_end_utc": start + timedelta(hours=hour + 1), "lmp": 30.0 + hour,
                "energy": 29.0, "congestion": 0.5 + hour, "loss": 0.5,
                "source_file": "airflow-test", "source_row": hour + 1,
                "fetched_at": datetime(2025, 5, 11, 12, 0),
            }  # fmt: skip
            producer.produce(topic, avro.encode(schema, record))
    assert producer.flush(30) == 0
    try:
        run = airflow.dags_test(
            DAG_ID,
            {"topic": topic, "consumer_group": topic, "start_mode": "earliest"},
            dag_file="iso_lmp_kafka_to_timescale.py",
            timeout=900,
        )
        assert run.state == "success", run.explain()
        assert "market.lmp_timescale: 4 rows upserted, 2 not in the registry" in run.output
        with psycopg.connect(pg_settings.pg_dsn) as conn:
            landed = conn.execute(
                "select location_id, zone, in_registry, lmp, interval_start_utc "
                "from market.lmp_timescale where market = %s order by 1, 5",
                (market,),
            ).fetchall()
    finally:
        with psycopg.connect(pg_settings.pg_dsn) as conn:
            conn.execute("delete from market.lmp_timescale where market = %s", (market,))
    assert landed == [
        ("116013751", "ATSI", True, 30.0, start.replace(tzinfo=UTC)),
        ("116013751", "ATSI", True, 31.0, (start + timedelta(hours=1)).replace(tzinfo=UTC)),
        ("999999999", None, False, 30.0, start.replace(tzinfo=UTC)),
        ("999999999", None, False, 31.0, (start + timedelta(hours=1)).replace(tzinfo=UTC)),
    ]
