"""Prometheus rules and Alertmanager routing, checked by the real tools: every alert has
`promtool test rules` cases that fire and that do not; the rendered Prometheus config
passes `promtool check config`; alertmanager.yml passes `amtool check-config` and routes
each team and severity to the right Slack receivers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from ops_helpers import run_script

from aurum.ops import config

pytestmark = pytest.mark.integration

PROM_TESTS = config.OPS_DIR / "prometheus" / "tests"


@pytest.fixture(scope="module", autouse=True)
def tools() -> None:
    run_script("scripts/ops/install.sh", "prometheus")


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def test_promtool_rule_unit_tests_pass():
    tests = sorted(str(p) for p in PROM_TESTS.glob("*.test.yml"))
    done = _run("promtool", "test", "rules", *tests)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS") == len(tests)


def _alerts() -> set[str]:
    names = set()
    for path in config.RULES_DIR.glob("*.rules.yml"):
        for group in yaml.safe_load(path.read_text())["groups"]:
            names |= {rule["alert"] for rule in group["rules"] if "alert" in rule}
    return names


def test_every_alert_has_a_firing_and_a_not_firing_case():
    firing, quiet = set(), set()
    for path in PROM_TESTS.glob("*.test.yml"):
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check["exp_alerts"] else quiet).add(check["alertname"])
    assert _alerts() - firing == set(), "alerts never shown firing"
    assert _alerts() - quiet == set(), "alerts never shown quiet"


def test_rendered_prometheus_config_and_rules_pass_promtool(tmp_path: Path):
    timings = config.Timings()
    rules = config.render_rules(tmp_path / "rules", timings)
    targets = config.Targets(*(f"127.0.0.1:{port}" for port in range(45900, 45907)))
    conf = config.write_yaml(
        tmp_path / "prometheus.yml",
        config.prometheus_config(targets, tmp_path / "rules", timings),
        "test",
    )
    done = _run("promtool", "check", "config", str(conf))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(rules)} rule files found" in done.stdout + done.stderr


def test_test_timings_change_only_the_for_durations(tmp_path: Path):
    fast = config.render_rules(tmp_path / "fast", config.Timings(alert_for="0s"))
    for path in fast:
        original = yaml.safe_load((config.RULES_DIR / path.name).read_text())
        rendered = yaml.safe_load(path.read_text())
        for group, copy in zip(original["groups"], rendered["groups"], strict=True):
            for rule, twin in zip(group["rules"], copy["rules"], strict=True):
                assert {k: v for k, v in twin.items() if k != "for"} == {
                    k: v for k, v in rule.items() if k != "for"
                }
                assert twin.get("for") == ("0s" if "alert" in rule else None)


def test_alertmanager_config_checks(tmp_path: Path):
    done = _run("amtool", "check-config", str(config.ALERTMANAGER_FILE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 inhibit rules" in done.stdout
    # Slack receivers need a URL: without slack_api_url_file the file is refused.
    doc = yaml.safe_load(config.ALERTMANAGER_FILE.read_text())
    del doc["global"]["slack_api_url_file"]
    broken = tmp_path / "no-url.yml"
    broken.write_text(yaml.safe_dump(doc))
    refused = _run("amtool", "check-config", str(broken))
    assert refused.returncode != 0 and "no global Slack API URL" in refused.stdout


@pytest.mark.parametrize(
    ("labels", "receivers"),
    [
        ({"alertname": "DeadLetterBurst", "severity": "warning", "team": "ingest",
          "source": "pjm_da_hrl_lmps"}, "slack-ingest"),
        ({"alertname": "IngestFetchFailing", "severity": "critical", "team": "ingest",
          "source": "pjm_da_hrl_lmps"}, "slack-oncall,slack-ingest"),
        ({"alertname": "ScenarioRunSlow", "severity": "warning", "team": "scenarios"},
         "slack-scenarios"),
        ({"alertname": "ScenarioWorkerDown", "severity": "critical", "team": "scenarios"},
         "slack-oncall,slack-scenarios"),
        ({"alertname": "ApiErrorRatioHigh", "severity": "critical", "team": "api"},
         "slack-oncall,slack-api"),
        ({"alertname": "OpsPipelineDown", "severity": "warning", "team": "ops"}, "slack-ops"),
        ({"alertname": "SomethingUnlabelled"}, "slack-ops"),
    ],
)  # fmt: skip
def test_routes_by_team_and_severity(labels: dict[str, str], receivers: str):
    done = _run(
        "amtool", "config", "routes", "test", f"--config.file={config.ALERTMANAGER_FILE}",
        *(f"{k}={v}" for k, v in labels.items()),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == receivers
