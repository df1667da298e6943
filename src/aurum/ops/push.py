"""Batch jobs report their last run to the Pushgateway (a job's process is gone before
Prometheus could scrape it; in-memory counters would die with it).

Each source is its own group (`job="aurum_ingest", source=…`). Every run pushes its
time, outcome, rows and dead letters; a successful run also pushes the time of the last
successful fetch. The push replaces only the metrics it carries (POST, `pushadd`), so a
failed run leaves the last success where it was.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Gauge, pushadd_to_gateway

log = logging.getLogger("aurum.ops.push")
JOB = "aurum_ingest"


def push_ingest_run(
    gateway: str,
    source: str,
    *,
    ok: bool,
    rows: int,
    dead_letters: int,
    finished_at: float | None = None,
    timeout: float = 10.0,
) -> None:
    finished_at = finished_at or time.time()
    registry = CollectorRegistry()

    def gauge(name: str, doc: str, value: float) -> None:
        Gauge(name, doc, registry=registry).set(value)

    gauge("aurum_ingest_last_run_timestamp_seconds", "When the last fetch run ended.", finished_at)
    gauge("aurum_ingest_last_run_success", "1 if the last fetch run succeeded, else 0.", int(ok))
    gauge("aurum_ingest_last_run_rows", "Rows the last fetch run published.", rows)
    gauge("aurum_ingest_last_run_dead_letters", "Dead letters of the last fetch run.", dead_letters)
    if ok:
        gauge(
            "aurum_ingest_last_success_timestamp_seconds",
            "When a fetch of this source last succeeded.",
            finished_at,
        )
    pushadd_to_gateway(
        gateway, job=JOB, grouping_key={"source": source}, registry=registry, timeout=timeout
    )


def push_ingest_results(gateway: str | None, source: str, results: Sequence) -> None:
    """`aurum-ingest fetch`'s day results (aurum.ingest.pipeline.DayResult) as one run.

    A push that fails is logged, never raised: the data path must not fail because
    monitoring is down (the missing push shows as a stale last-run time instead).
    """
    if not gateway or not results:
        return
    try:
        push_ingest_run(
            gateway,
            source,
            ok=all(r.ok for r in results),
            rows=sum(r.rows for r in results),
            dead_letters=sum(r.dead_letters for r in results),
        )
    except OSError as exc:
        log.warning("pushgateway %s unreachable: %s", gateway, exc)
