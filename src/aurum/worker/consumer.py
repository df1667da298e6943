"""The worker process: claims scenario runs from PostgreSQL and executes them.

    aurum-worker                     # AURUM_* settings; metrics on AURUM_WORKER_METRICS_PORT

PostgreSQL (`app.scenario_run`) is the queue of record and decides what runs next,
fairly between tenants (`aurum.scenarios.run_queue`). The worker is a consumer-group
member on scenario.request.v1 only to be woken up at once: a message is committed as
soon as it is read (a run the message names that is already finished counts as a
skipped duplicate), and the worker also looks at the queue every
AURUM_WORKER_POLL_SECONDS, so a lost or late message delays nothing for long. Between
runs it keeps polling Kafka, so a long backlog never drops it from the group. An
undecodable message goes to the dead-letter topic. dbt is parsed once, before the first
claim, and kept warm for every run.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import uuid

import psycopg
from confluent_kafka import Consumer, KafkaError, Message
from prometheus_client import start_http_server

from aurum import log_json
from aurum.db import connect
from aurum.dbt_runner import WarmDbt
from aurum.kafka.admin import ensure_topics
from aurum.kafka.codec import decode
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import DLQ_TOPIC
from aurum.scenarios import run_queue
from aurum.scenarios.store import SCENARIO_REQUEST_SUBJECT
from aurum.settings import Settings
from aurum.worker import metrics
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
            # A single run may take minutes on a large warehouse.
            "max.poll.interval.ms": 1_800_000,
        }
    )


class Worker:
    def __init__(self, settings: Settings, executor: ScenarioExecutor, consumer: Consumer):
        self.settings = settings
        self.executor = executor
        self.consumer = consumer

    def wake_up(self, message: Message) -> None:
        """Note what a message says, then commit it: the run itself is in PostgreSQL."""
        try:
            request = decode(SCENARIO_REQUEST_SUBJECT, message.value())
        except Exception as exc:
            self.executor.dead_letter(
                None, "decode", type(exc).__name__, str(exc), payload=message.value()
            )
        else:
            self._note_duplicate(request)
        self.consumer.commit(message=message, asynchronous=False)

    def _note_duplicate(self, request: dict) -> None:
        try:
            with connect(self.settings.pg_dsn) as conn:
                status = run_queue.run_status(
                    conn, request["tenant_id"], uuid.UUID(request["run_id"])
                )
        except (ConnectionError, psycopg.Error, ValueError):
            return  # the queue is read on the next claim anyway
        if status in ("succeeded", "failed"):
            log.info(
                "run already finished; duplicate request skipped",
                extra={"run_id": request["run_id"], "tenant_id": request["tenant_id"]},
            )
            metrics.RUNS.labels("skipped").inc()

    def run_next(self, stop: threading.Event) -> bool:
        """Claim and execute one run; False when there was none (or it was interrupted)."""
        run = None
        try:
            with connect(self.settings.pg_dsn) as conn:
                run = run_queue.claim_next(conn, self.settings.scenario_request_topic)
                if run is None:
                    return False
                self.executor.execute(conn, run)
            return True  # closing the connection released the run's lock
        except Exception:
            extra = {"run_id": str(run.id), "tenant_id": run.tenant_id} if run else {}
            log.exception("run interrupted; will retry" if run else "cannot claim runs",
                          extra=extra)  # fmt: skip
            stop.wait(RETRY_PAUSE_SECONDS)
            return False

    def loop(self, stop: threading.Event) -> None:
        busy = False
        while not stop.is_set():
            message = self.consumer.poll(0 if busy else self.settings.worker_poll_seconds)
            if message is not None:
                if message.error():
                    if message.error().code() != KafkaError._PARTITION_EOF:
                        log.warning("consumer error: %s", message.error())
                else:
                    self.wake_up(message)
            busy = self.run_next(stop)


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
        Worker(settings, executor, consumer).loop(stop)
    finally:
        consumer.close()
        producer.close()


def main() -> int:
    log_json.configure()
    settings = Settings()
    if settings.worker_nice > 0:
        # Batch work yields to interactive requests on a shared machine (issue 10's soak).
        os.nice(settings.worker_nice)
    start_http_server(settings.worker_metrics_port, addr="127.0.0.1")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_worker(settings, stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
