"""The alert path on real processes: the dead-letter sink and the ops exporter over the
real ClickHouse, Kafka and PostgreSQL, a real Prometheus scraping them, the API and the
Pushgateway, a real Alertmanager posting to the webhook sink that stands in for Slack.

Timings are shortened (scrape and evaluation every second, every rule's `for:` 0 s,
grouping waits 1 s); expressions, routes and inhibitions are the versioned ones.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from ops_helpers import fresh_clickhouse_database, run_script

from aurum.devstack import BIN, LocalStack, free_port
from aurum.ingest.publish import publish_file
from aurum.ingest.watermarks import update_watermark
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import DLQ_TOPIC
from aurum.ops.config import Timings
from aurum.ops.stack import OpsStack, Ports
from aurum.settings import Settings
from aurum.sources import SOURCES, format_named
from kafka_helpers import bootstrap, fresh_group
from replay.routes import SAMPLES
from replay.server import ReplayServer

pytestmark = pytest.mark.integration

FAST = Timings(
    scrape_interval="1s", evaluation_interval="1s", alert_for="0s",
    group_wait="1s", group_interval="1s",
)  # fmt: skip
COMPONENTS = ["webhook-sink", "pushgateway", "alertmanager", "exporter", "dlq-sink", "prometheus"]


def wait_for(check: Callable[[], object], what: str, timeout: float = 90, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


class Stack:
    def __init__(self, ops: OpsStack, api: LocalStack, watermark_key: str):
        self.ops, self.api, self.watermark_key = ops, api, watermark_key

    def query(self, promql: str) -> list[dict]:
        response = httpx.get(
            self.ops.url("prometheus") + "/api/v1/query", params={"query": promql}, timeout=10
        )
        response.raise_for_status()
        return response.json()["data"]["result"]

    def firing(self, alertname: str) -> set[str]:
        """Sources (or '') of the alerts Prometheus has firing under this name."""
        rows = self.query(f'ALERTS{{alertname="{alertname}", alertstate="firing"}}')
        return {row["metric"].get("source", "") for row in rows}

    def slack_messages(self) -> list[dict]:
        response = httpx.get(self.ops.url("webhook-sink") + "/messages", timeout=10)
        return [m["payload"] for m in response.json()]

    def slack_about(self, alertname: str, source: str) -> list[dict]:
        return [
            m
            for m in self.slack_messages()
            if any(alertname in a.get("title", "") and source in a.get("title", "")
                   for a in m.get("attachments", []))
        ]  # fmt: skip

    def alertmanager_alerts(self) -> list[dict]:
        response = httpx.get(self.ops.url("alertmanager") + "/api/v2/alerts", timeout=10)
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="module")
def alerts_clickhouse() -> Iterator[Settings]:
    with fresh_clickhouse_database("ops_test_alerts") as settings:
        yield settings


@pytest.fixture(scope="module")
def stack(alerts_clickhouse, kafka_topics, pg_settings, tmp_path_factory) -> Iterator[Stack]:
    run_script("scripts/ops/install.sh", "prometheus")
    home = tmp_path_factory.mktemp("ops")
    watermark_key = f"ops-test-{uuid.uuid4().hex[:8]}"
    settings = alerts_clickhouse.model_copy(
        update={"dlq_sink_group": fresh_group([DLQ_TOPIC]), "ops_watermark_key": watermark_key}
    )
    # The API starts slowly (imports); it boots while the ops processes start.
    api = LocalStack(home / "api", warehouse=home / "api" / "aurum.duckdb")
    api_error: list[BaseException] = []

    def start_api() -> None:
        try:
            api.start_api(timeout=180)
        except BaseException as exc:
            api_error.append(exc)

    api_thread = threading.Thread(target=start_api)
    api_thread.start()
    ports = Ports(
        prometheus=free_port(), alertmanager=free_port(), pushgateway=free_port(),
        webhook_sink=free_port(), exporter=free_port(), dlq_sink=free_port(),
        superset=free_port(), api=api.api_port, worker=api.metrics_port,
    )  # fmt: skip
    ops = OpsStack(home, ports, settings, timings=FAST)
    try:
        ops.start(COMPONENTS)
        api_thread.join()
        if api_error:
            raise api_error[0]
        yield Stack(ops, api, watermark_key)
    finally:
        api_thread.join()
        api.stop()
        ops.stop(COMPONENTS)


def test_prometheus_scrapes_the_real_metrics(stack: Stack):
    with stack.api.client() as client:
        for path in ("/health", "/v1/scenarios", "/no-such-route"):
            client.get(path)

    def scraped() -> bool:
        up = {r["metric"]["job"]: r["value"][1] for r in stack.query("up")}
        return all(up.get(job) == "1" for job in
                   ("aurum-api", "aurum-ops-exporter", "aurum-dlq-sink", "pushgateway"))  # fmt: skip

    wait_for(scraped, "every ops target and the API to be up")
    statuses = wait_for(
        lambda: (
            {r["metric"]["status"] for r in stack.query("aurum_http_requests_total")}
            >= {"200", "401", "404"}
            or None
        ),
        "the API's request counts",
    )
    assert statuses
    budgets = stack.query("aurum_source_freshness_budget_seconds")
    assert {r["metric"]["source"] for r in budgets} == set(SOURCES)
    assert stack.query('aurum_ops_backend_up{backend="clickhouse"} == 1')
    assert stack.query('aurum_ops_backend_up{backend="postgres"} == 1')
    assert stack.query("aurum_dlq_sink_messages_total")
    assert stack.query('up{job="aurum-worker"} == 0'), "no worker runs here: it is down"


def _duplicated_rows(copies: int) -> tuple[bytes, str]:
    """The SPP sample with one row repeated: each copy is a `duplicate_row` dead letter."""
    sample = next(s for s in SAMPLES if s.source == "spp_da_lmp_sl")
    lines = sample.file.read_bytes().split(b"\n")
    name = sample.file.name.replace("_subset", f"_burst{uuid.uuid4().hex[:6]}")
    return b"\n".join([*lines[:3], *[lines[2]] * copies, *lines[3:]]), name


def test_a_dead_letter_burst_fires_and_slack_hears_which_source(stack: Stack):
    source = "spp_da_lmp_sl"
    series = f'aurum_dead_letters_by_source_total{{source="{source}"}}'
    before = float(wait_for(lambda: stack.query(series), "the quiet source's count")[0]["value"][1])
    time.sleep(2)  # a couple of scrapes of the quiet value: the burst is an increase
    data, name = _duplicated_rows(12)
    report = publish_file(
        ConfirmingProducer(bootstrap()),
        format_named("spp_lmp_by_settlement_location"),
        data,
        name,
        source=source,
    )
    assert report.dead_letters == {"validate": 12}

    wait_for(lambda: float(stack.query(series)[0]["value"][1]) == before + 12,
             "the sink and the exporter to count the burst")  # fmt: skip
    wait_for(lambda: source in stack.firing("DeadLetterBurst"), "DeadLetterBurst to fire")
    assert stack.firing("DeadLetterBurst") == {source}, "only the source that burst"
    messages = wait_for(lambda: stack.slack_about("DeadLetterBurst", source), "a Slack post")
    message = messages[0]
    assert message["channel"] == "#aurum-ingest"
    attachment = message["attachments"][0]
    assert attachment["title"].startswith("[FIRING:1] DeadLetterBurst — spp_da_lmp_sl")
    assert f"{source}: 12 dead letters in 15 min" in attachment["text"]
    assert "ingest_errors_latest_summary where source = 'spp_da_lmp_sl'" in attachment["text"]


def test_freshness_fires_for_the_held_back_source_only(stack: Stack, pg):
    now = datetime.now(UTC)
    watermarks = {
        "pjm_da_hrl_lmps": now - timedelta(days=10),  # held back
        "nyiso_damlbmp_zone": now,
        "eia_v2_natural_gas_fut_weekly": now - timedelta(days=10),  # weekly: within budget
        "isone_hourlylmp_da_final": now - timedelta(days=1, hours=12),  # daily, within 2 d 6 h
    }
    for source, value in watermarks.items():
        update_watermark(pg, source, value, key=stack.watermark_key)

    ages = wait_for(
        lambda: {r["metric"]["source"]: float(r["value"][1])
                 for r in stack.query("source:aurum_ingest_watermark_age:seconds")}.keys()
        >= watermarks.keys() or None,
        "the watermarks to be scraped",
    )  # fmt: skip
    assert ages
    wait_for(lambda: "pjm_da_hrl_lmps" in stack.firing("IngestSourceStale"), "the stale alert")
    time.sleep(3)  # three more evaluations: nobody else joins
    assert stack.firing("IngestSourceStale") == {"pjm_da_hrl_lmps"}
    message = wait_for(lambda: stack.slack_about("IngestSourceStale", "pjm_da_hrl_lmps"),
                       "a Slack post about the stale source")[0]  # fmt: skip
    assert message["channel"] == "#aurum-ingest"
    assert "watermark 10d" in message["attachments"][0]["text"]


def _fetch(stack: Stack, source: str, day, base_url: str, key: str) -> int:
    env = {**stack.api.env, "AURUM_PUSHGATEWAY_URL": stack.ops.url("pushgateway")}
    done = subprocess.run(
        [str(BIN / "aurum-ingest"), "fetch", "--source", source, "--date", day.isoformat(),
         "--base-url", base_url, "--watermark-key", key],
        env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    return done.returncode


def test_fetch_runs_push_their_outcome_and_a_failing_source_inhibits_its_stale_alert(
    stack: Stack,
):
    pjm = next(s for s in SAMPLES if s.source == "pjm_da_hrl_lmps")
    nyiso = next(s for s in SAMPLES if s.source == "nyiso_damlbmp_zone")
    with ReplayServer() as server:
        server.serve_bytes(pjm.route(), b"Time Stamp,Name\n")  # wrong header: the run fails
        failed = _fetch(stack, "pjm_da_hrl_lmps", pjm.day, server.base_url, "ops-push-test")
        ok = _fetch(stack, "nyiso_damlbmp_zone", nyiso.day, server.base_url, "ops-push-test")
    assert (failed, ok) == (1, 0)

    last_success = wait_for(
        lambda: stack.query("aurum_ingest_last_success_timestamp_seconds"), "the pushed success"
    )
    assert {r["metric"]["source"] for r in last_success} == {"nyiso_damlbmp_zone"}
    assert abs(float(last_success[0]["value"][1]) - time.time()) < 120
    wait_for(lambda: stack.firing("IngestFetchFailing") == {"pjm_da_hrl_lmps"}, "the fetch alert")

    def stale_inhibited() -> bool:
        for alert in stack.alertmanager_alerts():
            labels = alert["labels"]
            if labels["alertname"] == "IngestSourceStale" and labels["source"] == "pjm_da_hrl_lmps":
                return alert["status"]["state"] == "suppressed" and bool(
                    alert["status"]["inhibitedBy"]
                )
        return False

    wait_for(stale_inhibited, "Alertmanager to inhibit the stale alert of the failing source")
    wait_for(
        lambda: (
            {m["channel"] for m in stack.slack_about("IngestFetchFailing", "pjm_da_hrl_lmps")}
            >= {"#aurum-oncall", "#aurum-ingest"}
        ),
        "the critical alert posted to on-call and to the team",
    )


def test_the_webhook_sink_kept_every_post_on_disk(stack: Stack):
    record = Path(stack.ops.home) / "webhook-sink" / "messages.jsonl"
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert lines and all(line["path"].startswith("/services/") for line in lines)
