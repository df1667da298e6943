"""The transactional outbox's relay: committed `app.outbox` rows → Kafka, then stamped.

A run and its scenario.request.v1 message are inserted in one PostgreSQL transaction
(`run_store.create_run`, `enqueue_request` below); this relay publishes unpublished rows in id order, waits for the
broker's acknowledgement, and only then sets `published_at`. A crash between the two
publishes the row again on restart: delivery is at least once, and the worker is
idempotent by run id. `FOR UPDATE SKIP LOCKED` lets several relays share the table.

    python -m aurum.scenarios.outbox          # run the relay alone (the API also runs one)
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.types.json import Jsonb

from aurum import log_json
from aurum.db import connect
from aurum.kafka.codec import SUBJECT_HEADER, encode
from aurum.kafka.producer import ConfirmingProducer, ProduceError
from aurum.kafka.topics import SCENARIO_REQUEST_TOPIC
from aurum.settings import Settings

if TYPE_CHECKING:
    from aurum.scenarios.run_store import RunRecord

log = logging.getLogger(__name__)
SCENARIO_REQUEST_SUBJECT = SCENARIO_REQUEST_TOPIC


# -- the writing side: a message committed with its run ----------------------------------


def request_message(run: RunRecord) -> dict[str, Any]:
    """The scenario.request.v1 record for a run (schemas/avro/scenario.request.v1.avsc)."""
    return {
        "request_id": str(run.request_id),
        "run_id": str(run.id),
        "scenario_id": str(run.scenario_id),
        "tenant_id": run.tenant_id,
        "assumption_version": run.assumption_version,
        "dbt_select": "scenario_output",
        "requested_by": run.requested_by,
        "requested_at": run.created_at,
    }


def enqueue_request(cur: psycopg.Cursor[Any], topic: str, run: RunRecord) -> None:
    """Insert the run's scenario.request.v1 message, in the caller's (the run's) transaction."""
    cur.execute(
        """
        insert into app.outbox (topic, message_key, payload, headers)
        values (%s, %s, %s, %s)
        """,
        (
            topic,
            str(run.id),
            encode(SCENARIO_REQUEST_SUBJECT, request_message(run)),
            Jsonb({SUBJECT_HEADER: SCENARIO_REQUEST_SUBJECT}),
        ),
    )


# -- the relay -----------------------------------------------------------------------------


def publish_pending(
    conn: psycopg.Connection,
    producer: ConfirmingProducer,
    topics: Sequence[str],
    batch: int = 100,
) -> int:
    """Publish up to `batch` unpublished rows of `topics`; return how many were published.

    A relay publishes only its own stack's topics: stacks that share one PostgreSQL (a
    staging and a test stack, each with its request topic) relay their own messages,
    as their workers claim only their own runs.
    """
    failure: ProduceError | None = None
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """
            select id, topic, message_key, payload, headers from app.outbox
             where published_at is null and topic = any(%s)
             order by id limit %s for update skip locked
            """,
            (list(topics), batch),
        )
        rows = cur.fetchall()
        if not rows:
            return 0
        for _id, topic, key, payload, headers in rows:
            producer.produce(topic, bytes(payload), key=key, headers=headers)
        ids = [row[0] for row in rows]
        try:
            producer.flush(timeout=30)
        except ProduceError as exc:
            failure = exc  # rows stay unpublished; the note commits, then the error is raised
            cur.execute(
                "update app.outbox set attempts = attempts + 1, last_error = %s where id = any(%s)",
                (str(exc)[:1000], ids),
            )
        else:
            cur.execute(
                "update app.outbox set published_at = now(), attempts = attempts + 1,"
                " last_error = null where id = any(%s)",
                (ids,),
            )
    if failure is not None:
        raise failure
    return len(rows)


class OutboxRelay:
    """Polls the outbox on a background thread; `wake()` makes it look at once."""

    def __init__(self, settings: Settings, poll_seconds: float = 0.5):
        self._settings = settings
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="outbox-relay", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        producer = ConfirmingProducer(self._settings.kafka_bootstrap, client_id="aurum-outbox")
        topics = [self._settings.scenario_request_topic]
        conn: psycopg.Connection | None = None
        try:
            while not self._stop.is_set():
                try:
                    if conn is None or conn.closed:
                        conn = connect(self._settings.pg_dsn)
                    while publish_pending(conn, producer, topics):
                        pass
                except (ConnectionError, psycopg.Error, ProduceError) as exc:
                    log.warning("outbox relay: %s (retrying)", exc)
                    if conn is not None and conn.broken:
                        conn = None
                self._wake.wait(self._poll)
                self._wake.clear()
        finally:
            producer.close()
            if conn is not None:
                conn.close()


def main() -> int:
    log_json.configure()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    relay = OutboxRelay(Settings())
    relay.start()
    stop.wait()
    relay.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
