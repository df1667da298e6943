"""The worker process: a consumer-group member on scenario.request.v1.

    aurum-worker                     # AURUM_* settings; metrics on AURUM_WORKER_METRICS_PORT

Offsets are committed only after a message's outcome is durable in PostgreSQL (run
succeeded, failed, or was a duplicate). A message whose handling raised is sought back
and retried after a pause; `attempts` in app.scenario_run bounds how often. An
undecodable message goes to the dead-letter topic and is committed — never retried.
dbt is parsed once, before the first poll, and kept warm for every run.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from confluent_kafka import Consumer, KafkaError, TopicPartition
from prometheus_client import start_http_server

from aurum import log_json
from aurum.dbt_runner import WarmDbt
from aurum.kafka.admin import ensure_topics
from aurum.kafka.codec import decode
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import DLQ_TOPIC
from aurum.scenarios.store import SCENARIO_REQUEST_SUBJECT
from aurum.settings import Settings
from aurum.worker.executor import ScenarioExecutor

log = logging.getLogger("aurum.worker")
RETRY_PAUSE_SECONDS = 2.0


def make_consumer(settings: Settings) -> Consumer:
    return Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap,
            "group.id": settings.worker_group,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            # A killed worker's partition moves to a restarted one after this long.
            "session.timeout.ms": 10_000,
            "heartbeat.interval.ms": 2_000,
            # A run may take minutes on a large warehouse.
            "max.poll.interval.ms": 1_800_000,
        }
    )


def run_worker(settings: Settings, stop: threading.Event) -> None:
    topic = settings.scenario_request_topic
    ensure_topics(settings.kafka_bootstrap, [topic, DLQ_TOPIC])
    dbt = WarmDbt(
        target=settings.dbt_target,
        duckdb_path=settings.duckdb_path,
        work_dir=settings.dbt_work_dir / "worker",
    )
    started = time.monotonic()
    dbt.manifest()
    log.info("dbt project parsed in %.1f s (target %s)", time.monotonic() - started, dbt.target)
    producer = ConfirmingProducer(settings.kafka_bootstrap, client_id="aurum-worker")
    executor = ScenarioExecutor(settings, dbt, producer)
    consumer = make_consumer(settings)
    consumer.subscribe([topic])
    log.info("consuming %s as group %s", topic, settings.worker_group)
    try:
        while not stop.is_set():
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                if message.error().code() != KafkaError._PARTITION_EOF:
                    log.warning("consumer error: %s", message.error())
                continue
            try:
                request = decode(SCENARIO_REQUEST_SUBJECT, message.value())
            except Exception as exc:
                executor.dead_letter(
                    None, "decode", type(exc).__name__, str(exc), payload=message.value()
                )
                consumer.commit(message=message, asynchronous=False)
                continue
            try:
                executor.handle(request)
            except Exception:
                log.exception(
                    "run interrupted; will retry",
                    extra={"run_id": request.get("run_id"), "tenant_id": request.get("tenant_id")},
                )
                consumer.seek(
                    TopicPartition(message.topic(), message.partition(), message.offset())
                )
                stop.wait(RETRY_PAUSE_SECONDS)
                continue
            consumer.commit(message=message, asynchronous=False)
    finally:
        consumer.close()
        producer.close()


def main() -> int:
    log_json.configure()
    settings = Settings()
    start_http_server(settings.worker_metrics_port, addr="127.0.0.1")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_worker(settings, stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
