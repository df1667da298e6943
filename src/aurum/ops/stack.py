"""Start and stop the ops processes as local processes: Prometheus, Alertmanager, the
Pushgateway (Debian packages), the webhook sink, the ops exporter, the dead-letter sink
and Superset. Used by `make ops-up` / `make ops-down` (home var/ops, fixed ports from
AURUM_*_PORT) and by the tests (a temporary home, free ports, short intervals).

Every process is started in a session of its own with its pid in `<home>/pids/`, its
log in `<home>/logs/`, so `down` works from another process than `up`. ClickHouse is a
database with state and has its own service script (scripts/services/clickhouse.sh).

    python -m aurum.ops.stack up|down|status [component ...]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from aurum.ops import config
from aurum.paths import project_root
from aurum.settings import Settings, child_environment

REPO = project_root()
BIN = Path(sys.executable).parent
COMPONENTS = (
    "webhook-sink",
    "pushgateway",
    "alertmanager",
    "exporter",
    "dlq-sink",
    "prometheus",
    "superset",
)
# The Slack-shaped path the webhook sink is given as "the Slack URL".
SLACK_PATH = "/services/AURUM/LOCAL/webhook-sink"


@dataclass
class Ports:
    prometheus: int
    alertmanager: int
    pushgateway: int
    webhook_sink: int
    exporter: int
    dlq_sink: int
    superset: int
    api: int
    worker: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Ports:
        """The fixed ports of `make ops-up` (AURUM_*_PORT; docs/operations.md lists them)."""
        return cls(
            prometheus=settings.prometheus_port,
            alertmanager=settings.alertmanager_port,
            pushgateway=settings.pushgateway_port,
            webhook_sink=settings.webhook_sink_port,
            exporter=settings.ops_exporter_port,
            dlq_sink=settings.dlq_sink_metrics_port,
            superset=settings.superset_port,
            api=settings.api_port,
            worker=settings.worker_metrics_port,
        )


@dataclass
class Component:
    name: str
    argv: list[str]
    ready_url: str
    marker: str  # in the process's command line: guards against a reused pid
    env: dict[str, str] = field(default_factory=dict)
    ready_timeout: float = 60


class OpsStack:
    def __init__(
        self,
        home: Path,
        ports: Ports,
        settings: Settings | None = None,
        *,
        timings: config.Timings | None = None,
        extra_env: dict[str, str] | None = None,
    ):
        self.home = Path(home).resolve()
        self.ports = ports
        self.settings = settings or Settings()
        self.timings = timings or config.Timings()
        self.env = child_environment(extra_env)
        self.env.update(
            AURUM_CLICKHOUSE_DATABASE=self.settings.clickhouse_database,
            AURUM_OPS_EXPORTER_PORT=str(ports.exporter),
            AURUM_DLQ_SINK_METRICS_PORT=str(ports.dlq_sink),
            AURUM_DLQ_SINK_GROUP=self.settings.dlq_sink_group,
            AURUM_OPS_WATERMARK_KEY=self.settings.ops_watermark_key,
        )
        for sub in ("pids", "logs"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)

    # -- URLs ------------------------------------------------------------------------

    def url(self, component: str) -> str:
        port = {
            "prometheus": self.ports.prometheus,
            "alertmanager": self.ports.alertmanager,
            "pushgateway": self.ports.pushgateway,
            "webhook-sink": self.ports.webhook_sink,
            "exporter": self.ports.exporter,
            "dlq-sink": self.ports.dlq_sink,
            "superset": self.ports.superset,
        }[component]
        return f"http://127.0.0.1:{port}"

    @property
    def slack_url(self) -> str:
        return self.url("webhook-sink") + SLACK_PATH

    # -- components ------------------------------------------------------------------

    def _component(self, name: str) -> Component:
        home, ports = self.home, self.ports
        if name == "webhook-sink":
            return Component(
                name,
                [
                    str(BIN / "aurum-ops"),
                    "webhook-sink",
                    "--port",
                    str(ports.webhook_sink),
                    "--record",
                    str(home / "webhook-sink" / "messages.jsonl"),
                ],
                self.url(name) + "/-/healthy",
                f"--port {ports.webhook_sink}",
            )
        if name == "pushgateway":
            (home / "pushgateway").mkdir(exist_ok=True)
            return Component(
                name,
                [
                    "prometheus-pushgateway",
                    f"--web.listen-address=127.0.0.1:{ports.pushgateway}",
                    f"--persistence.file={home / 'pushgateway' / 'metrics.store'}",
                    "--persistence.interval=5s",
                ],
                self.url(name) + "/-/ready",
                f"127.0.0.1:{ports.pushgateway}",
            )
        if name == "alertmanager":
            slack_file = home / "alertmanager" / "slack-webhook-url"
            slack_file.parent.mkdir(exist_ok=True)
            slack_file.write_text(self.slack_url + "\n")
            conf = config.write_yaml(
                home / "alertmanager" / "alertmanager.yml",
                config.alertmanager_config(slack_file, self.timings),
                "ops/alertmanager/alertmanager.yml",
            )
            return Component(
                name,
                [
                    "prometheus-alertmanager",
                    f"--config.file={conf}",
                    f"--storage.path={home / 'alertmanager' / 'data'}",
                    f"--web.listen-address=127.0.0.1:{ports.alertmanager}",
                    "--cluster.listen-address=",
                ],
                self.url(name) + "/-/ready",
                f"127.0.0.1:{ports.alertmanager}",
            )
        if name == "exporter":
            return Component(
                name,
                [str(BIN / "aurum-ops"), "exporter", "--port", str(ports.exporter)],
                self.url(name) + "/metrics",
                f"--port {ports.exporter}",
            )
        if name == "dlq-sink":
            return Component(
                name,
                [str(BIN / "aurum-ops"), "sink", "--metrics-port", str(ports.dlq_sink)],
                self.url(name) + "/metrics",
                f"--metrics-port {ports.dlq_sink}",
            )
        if name == "prometheus":
            rules = home / "prometheus" / "rules"
            config.render_rules(rules, self.timings)
            targets = config.Targets(
                prometheus=f"127.0.0.1:{ports.prometheus}",
                alertmanager=f"127.0.0.1:{ports.alertmanager}",
                pushgateway=f"127.0.0.1:{ports.pushgateway}",
                exporter=f"127.0.0.1:{ports.exporter}",
                dlq_sink=f"127.0.0.1:{ports.dlq_sink}",
                api=f"127.0.0.1:{ports.api}",
                worker=f"127.0.0.1:{ports.worker}",
            )
            conf = config.write_yaml(
                home / "prometheus" / "prometheus.yml",
                config.prometheus_config(targets, rules, self.timings),
                "aurum.ops.config.prometheus_config",
            )
            return Component(
                name,
                [
                    "prometheus",
                    f"--config.file={conf}",
                    f"--storage.tsdb.path={home / 'prometheus' / 'data'}",
                    f"--web.listen-address=127.0.0.1:{ports.prometheus}",
                    "--storage.tsdb.retention.time=15d",
                    "--web.enable-lifecycle",
                ],
                self.url(name) + "/-/ready",
                f"127.0.0.1:{ports.prometheus}",
            )
        if name == "superset":
            from aurum.ops import superset

            return superset.component(self, Component)
        raise ValueError(f"unknown component {name!r}; expected one of {COMPONENTS}")

    # -- lifecycle -------------------------------------------------------------------

    def _pidfile(self, name: str) -> Path:
        return self.home / "pids" / f"{name}.pid"

    def _log(self, name: str) -> Path:
        return self.home / "logs" / f"{name}.log"

    def pid(self, name: str) -> int | None:
        """The live pid of a component started from this home, or None. The pid file
        holds the pid and a fragment of its command line, so a reused pid is not ours."""
        try:
            pid_text, marker = self._pidfile(name).read_text().split("\n", 1)
            pid = int(pid_text)
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            return None
        return pid if marker.strip() in cmdline else None

    def start(self, components: Iterable[str] = COMPONENTS) -> None:
        for name in components:
            if self.pid(name) is not None:
                continue
            component = self._component(name)
            with self._log(name).open("ab") as log:
                proc = subprocess.Popen(
                    component.argv,
                    env={**self.env, **component.env},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=self.home,
                    start_new_session=True,  # outlives `ops-up`; stopped by pid
                )
            self._pidfile(name).write_text(f"{proc.pid}\n{component.marker}\n")
            self._wait_ready(component, proc)

    def _wait_ready(self, component: Component, proc: subprocess.Popen) -> None:
        deadline = time.monotonic() + component.ready_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{component.name} exited ({proc.returncode}):\n{self.log_tail(component.name)}"
                )
            try:
                if httpx.get(component.ready_url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(
            f"{component.name} not ready after {component.ready_timeout}s:\n"
            f"{self.log_tail(component.name)}"
        )

    def log_tail(self, name: str, size: int = 3000) -> str:
        path = self._log(name)
        return path.read_bytes()[-size:].decode(errors="replace") if path.exists() else ""

    def stop(self, components: Iterable[str] = COMPONENTS, timeout: float = 30) -> None:
        for name in reversed(list(components)):
            pid = self.pid(name)
            if pid is not None:
                _terminate(pid, timeout)
            self._pidfile(name).unlink(missing_ok=True)

    def status(self, components: Iterable[str] = COMPONENTS) -> dict[str, int | None]:
        return {name: self.pid(name) for name in components}

    def reload_prometheus(self) -> None:
        """Re-render the config and rules and ask Prometheus to re-read them."""
        self._component("prometheus")
        httpx.post(self.url("prometheus") + "/-/reload", timeout=10).raise_for_status()


def _terminate(pid: int, timeout: float) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        _reap(pid)
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    """Collect a child of this process (tests start and stop in one process)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def default_stack() -> OpsStack:
    settings = Settings()
    timings = config.Timings(
        scrape_interval=settings.prometheus_scrape_interval,
        evaluation_interval=settings.prometheus_evaluation_interval,
    )
    return OpsStack(REPO / "var" / "ops", Ports.from_settings(settings), settings,
                    timings=timings)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aurum.ops.stack")
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("components", nargs="*", help=f"default: all of {', '.join(COMPONENTS)}")
    args = parser.parse_args(argv)
    if unknown := set(args.components) - set(COMPONENTS):
        parser.error(f"unknown components {sorted(unknown)}; expected {', '.join(COMPONENTS)}")
    stack = default_stack()
    components = args.components or list(COMPONENTS)
    if args.command == "up":
        stack.start(components)
    elif args.command == "down":
        stack.stop(components)
    rc = 0
    for name, pid in stack.status(components).items():
        url = stack.url(name)
        state = f"up    pid {pid}" if pid else "down"
        print(f"{name:13} {state:16} {url}  log {stack._log(name)}")
        rc |= args.command != "down" and pid is None
    return int(rc)


if __name__ == "__main__":
    raise SystemExit(main())
