"""The exporter keeps answering when a backend is down; the webhook sink answers like
Slack; the rendered Alertmanager config changes only what it says it changes."""

from __future__ import annotations

import threading

import httpx
import pytest
import yaml
from prometheus_client import generate_latest

from aurum.devstack import free_port
from aurum.ops import config
from aurum.ops.exporter import registry_for
from aurum.ops.webhook_sink import WebhookSink


@pytest.mark.integration
def test_an_unreachable_clickhouse_is_reported_not_fatal(pg_settings):
    settings = pg_settings.model_copy(update={"clickhouse_port": free_port()})
    text = generate_latest(registry_for(settings)).decode()
    assert 'aurum_ops_backend_up{backend="clickhouse"} 0.0' in text
    assert 'aurum_ops_backend_up{backend="postgres"} 1.0' in text
    assert "aurum_dead_letters_total" not in text  # absent, not a misleading 0
    assert 'aurum_source_freshness_budget_seconds{source="pjm_da_hrl_lmps"} 194400.0' in text


def test_the_webhook_sink_records_json_and_refuses_the_rest(tmp_path):
    sink = WebhookSink(tmp_path / "messages.jsonl")
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{sink.port}"
    try:
        ok = httpx.post(base + "/services/T/B/X", json={"channel": "#x", "text": "hello"})
        bad = httpx.post(base + "/services/T/B/X", content=b"not json")
        messages = httpx.get(base + "/messages").json()
    finally:
        sink.server.shutdown()
    assert (ok.status_code, ok.text, bad.status_code) == (200, "ok", 400)
    assert [(m["path"], m["payload"]) for m in messages] == [
        ("/services/T/B/X", {"channel": "#x", "text": "hello"})
    ]


def test_alertmanager_rendering_sets_the_url_file_and_only_the_waits_asked(tmp_path):
    original = yaml.safe_load(config.ALERTMANAGER_FILE.read_text())
    same = config.alertmanager_config(tmp_path / "url", config.Timings())
    assert same["global"]["slack_api_url_file"] == str(tmp_path / "url")
    assert same["route"] == original["route"]
    assert same["inhibit_rules"] == original["inhibit_rules"]
    fast = config.alertmanager_config(tmp_path / "url", config.Timings(group_wait="1s"))
    assert fast["route"]["group_wait"] == "1s"
    assert [r.get("group_wait") for r in fast["route"]["routes"]] == [
        "1s" if "group_wait" in r else None for r in original["route"]["routes"]
    ]
    assert fast["receivers"] == original["receivers"]
