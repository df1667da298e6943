"""The ops exporter: metrics read, at every scrape, from where the facts are kept.

Nothing is counted in memory, so nothing dies with the process:

- dead letters by source, stage and error class: ClickHouse `ingest_errors_latest`
  (distinct message keys, so a redelivered dead letter counts once);
- per source, the dead-letter total, present (at 0) for every source in the catalog
  from the first scrape on, so that the first burst of a quiet source is an increase
  Prometheus can see;
- ingestion freshness: each source's watermark (PostgreSQL ingest.watermarks) and the
  freshness budget that follows its publishing cadence (aurum.ops.cadence).

A backend that cannot be read is reported as `aurum_ops_backend_up{backend=…} 0` and
its metrics are left out of that scrape; the scrape itself still succeeds.

    aurum-ops exporter [--port N]     (settings: AURUM_CLICKHOUSE_*, AURUM_PG_DSN)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from aurum.ops.cadence import source_cadences
from aurum.ops.clickhouse import connect as clickhouse_connect
from aurum.ops.clickhouse import quote_identifier
from aurum.settings import Settings

log = logging.getLogger("aurum.ops.exporter")


class OpsCollector(Collector):
    def __init__(self, settings: Settings, watermark_key: str = "default"):
        self.settings = settings
        self.database = quote_identifier(settings.clickhouse_database)
        self.watermark_key = watermark_key
        self.cadences = source_cadences()
        self._clickhouse: Any = None  # a clickhouse_driver Client, connected lazily
        self._lock = threading.Lock()  # one scrape at a time shares the ClickHouse client

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            up = GaugeMetricFamily(
                "aurum_ops_backend_up",
                "Whether the exporter could read a backend at this scrape (1) or not (0).",
                labels=["backend"],
            )
            for backend, read in (
                ("clickhouse", self._dead_letters),
                ("postgres", self._freshness),
            ):
                started = time.perf_counter()
                try:
                    metrics = list(read())
                except Exception:
                    log.exception("reading %s failed", backend)
                    if backend == "clickhouse":
                        self._clickhouse = None  # reconnect next time
                    up.add_metric([backend], 0)
                    continue
                up.add_metric([backend], 1)
                log.debug("%s read in %.3fs", backend, time.perf_counter() - started)
                yield from metrics
            yield up
            yield from self._cadence_metrics()

    # -- ClickHouse ------------------------------------------------------------------

    def _dead_letters(self) -> Iterator[Metric]:
        if self._clickhouse is None:
            self._clickhouse = clickhouse_connect(self.settings)
        client = self._clickhouse
        rows = client.execute(
            f"""
            SELECT source, stage, error_class, errors, toUnixTimestamp(last_seen)
            FROM {self.database}.ingest_errors_latest_summary
            """
        )
        detail = CounterMetricFamily(
            "aurum_dead_letters",
            "Dead letters stored in ClickHouse, by source, stage and error class.",
            labels=["source", "stage", "error_class"],
        )
        last_seen = GaugeMetricFamily(
            "aurum_dead_letter_last_seen_timestamp_seconds",
            "When the latest dead letter of a source, stage and error class occurred.",
            labels=["source", "stage", "error_class"],
        )
        by_source = dict.fromkeys(self.cadences, 0)
        for source, stage, error_class, errors, seen in rows:
            detail.add_metric([source, stage, error_class], errors)
            last_seen.add_metric([source, stage, error_class], seen)
            by_source[source] = by_source.get(source, 0) + errors
        per_source = CounterMetricFamily(
            "aurum_dead_letters_by_source",
            "Dead letters stored in ClickHouse per source (every catalog source, 0 included).",
            labels=["source"],
        )
        for source, errors in sorted(by_source.items()):
            per_source.add_metric([source], errors)
        yield from (detail, last_seen, per_source)

    # -- PostgreSQL ------------------------------------------------------------------

    def _freshness(self) -> Iterator[Metric]:
        from aurum.db import connect as pg_connect

        with pg_connect(self.settings.pg_dsn, autocommit=True) as conn:
            rows = conn.execute(
                """
                select source, extract(epoch from watermark)::float8,
                       extract(epoch from updated_at)::float8
                from ingest.watermarks where watermark_key = %s
                """,
                (self.watermark_key,),
            ).fetchall()
        watermark = GaugeMetricFamily(
            "aurum_ingest_watermark_timestamp_seconds",
            "Per source, the UTC instant up to which data has been loaded (ingest.watermarks).",
            labels=["source"],
        )
        advanced = GaugeMetricFamily(
            "aurum_ingest_watermark_updated_timestamp_seconds",
            "When each source's watermark last moved forward.",
            labels=["source"],
        )
        for source, value, updated in rows:
            watermark.add_metric([source], value)
            advanced.add_metric([source], updated)
        yield from (watermark, advanced)

    def _cadence_metrics(self) -> Iterator[Metric]:
        cadence = GaugeMetricFamily(
            "aurum_source_cadence_seconds",
            "Each source's publishing cadence, from the source catalog (aurum.ops.cadence).",
            labels=["source", "cadence"],
        )
        budget = GaugeMetricFamily(
            "aurum_source_freshness_budget_seconds",
            "How old a source's watermark may get before it is stale (two periods + grace).",
            labels=["source"],
        )
        for name, c in sorted(self.cadences.items()):
            cadence.add_metric([name, c.name], c.period.total_seconds())
            budget.add_metric([name], c.freshness_budget.total_seconds())
        yield from (cadence, budget)


def registry_for(settings: Settings, watermark_key: str = "default") -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(OpsCollector(settings, watermark_key))
    return registry


def serve(settings: Settings, port: int, watermark_key: str = "default") -> None:
    start_http_server(port, addr="127.0.0.1", registry=registry_for(settings, watermark_key))
    log.info("exporter on http://127.0.0.1:%d/metrics", port)
    threading.Event().wait()
