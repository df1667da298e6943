"""Drive the real Airflow of scripts/services/airflow.sh from tests: `airflow dags test`
as a subprocess in the Airflow environment, run states read from its metadata database.

The tests' Airflow keeps its own home (var/airflow-test) and metadata database
(`airflow_test` in the local PostgreSQL), so a `make airflow` scheduler never picks up
the runs a test creates.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from confluent_kafka import Consumer

from aurum.dbt_runner import PROJECT_DIR
from aurum.devstack import free_port
from aurum.settings import Settings

AIRFLOW_SH = PROJECT_DIR / "scripts" / "services" / "airflow.sh"
TEST_HOME = PROJECT_DIR / "var" / "airflow-test"
TEST_DB = "airflow_test"


@dataclass
class DagTest:
    dag_id: str
    returncode: int
    output: str
    run_id: str | None
    state: str | None
    tasks: dict[str, str] = field(default_factory=dict)  # task_id (or id[index]) -> state
    tries: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def explain(self) -> str:
        return f"{self.dag_id}: run {self.state}, tasks {self.tasks}\n{self.output[-6000:]}"


class Airflow:
    """The Airflow CLI with the tests' home and database; `init` once per session."""

    def __init__(self, home: Path = TEST_HOME, database: str = TEST_DB):
        self.home = home
        self.database = database
        self.env = {
            **os.environ,
            "AURUM_AIRFLOW_HOME": str(home),
            "AURUM_AIRFLOW_DB": database,
            # Fast retries for tests; the back-off is still exponential.
            "AURUM_AIRFLOW_RETRIES": "1",
            "AURUM_AIRFLOW_RETRY_DELAY_SECONDS": "1",
        }
        self.env.pop("AURUM_AIRFLOW_SQL_ALCHEMY_CONN", None)

    def init(self) -> None:
        subprocess.run([str(AIRFLOW_SH), "init"], env=self.env, check=True, timeout=1800)

    def metadata(self) -> psycopg.Connection:
        return psycopg.connect(Settings().pg_dsn, dbname=self.database, autocommit=True)

    def dags_test(
        self,
        dag_id: str,
        conf: dict | None = None,
        *,
        env: dict[str, str] | None = None,
        dag_file: str | None = None,
        mark_success: str | None = None,
        timeout: float = 600,
    ) -> DagTest:
        args = [str(AIRFLOW_SH), "run", "dags", "test", dag_id]
        if conf is not None:
            args += ["-c", json.dumps(conf)]
        if dag_file:  # parse only this file
            args += ["-f", str(PROJECT_DIR / "orchestration" / dag_file)]
        if mark_success:  # tasks matching this regex are marked successful, not run
            args += ["--mark-success-pattern", mark_success]
        started = time.monotonic()
        with self.metadata() as conn:
            last = conn.execute(
                "select coalesce(max(id), 0) from dag_run where dag_id = %s", (dag_id,)
            ).fetchone()[0]
        proc = subprocess.run(
            args,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        result = DagTest(
            dag_id, proc.returncode, proc.stdout + proc.stderr, None, None,
            seconds=time.monotonic() - started,
        )  # fmt: skip
        with self.metadata() as conn:
            row = conn.execute(
                "select run_id, state from dag_run where dag_id = %s and id > %s "
                "order by id desc limit 1",
                (dag_id, last),
            ).fetchone()
            if row:
                result.run_id, result.state = row
                for task_id, index, state, tries in conn.execute(
                    "select task_id, map_index, state, try_number from task_instance "
                    "where dag_id = %s and run_id = %s",
                    (dag_id, result.run_id),
                ):
                    name = task_id if index < 0 else f"{task_id}[{index}]"
                    result.tasks[name] = state
                    result.tries[name] = tries
        return result

    def python(self, code: str, *, env: dict[str, str] | None = None, timeout: float = 300):
        """Run Python code in the Airflow environment, configured as airflow.sh configures it."""
        return subprocess.run(
            [str(AIRFLOW_SH), "python", "-c", code],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )


# The UI keeps the chosen DAG view (grid or graph) in the browser's localStorage. A page on
# the API server's own origin (an Airflow plugin app, test-only) sets it to "graph" and
# then opens the page asked for, with the named task groups expanded:
# /aurum-test/graph?dag=<dag>&groups=<group,…>&next=/dags/<dag>/runs/<run>.
VIEW_PLUGIN = """
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from airflow.plugins_manager import AirflowPlugin

app = FastAPI()


@app.get("/graph", response_class=HTMLResponse)
def graph(next: str, dag: str, groups: str = "") -> str:
    if not next.startswith("/dags/"):
        return "no"
    opened = [g for g in groups.split(",") if g]
    return (
        "<script>localStorage.setItem('default_dag_view', JSON.stringify('graph'));"
        f"localStorage.setItem({dag + '/open-groups'!r}, JSON.stringify({opened!r}));"
        f"location.replace({next!r});</script>"
    )


class AurumTestViews(AirflowPlugin):
    name = "aurum_test_views"
    fastapi_apps = [{"app": app, "url_prefix": "/aurum-test", "name": "aurum test views"}]
"""


class ApiServer:
    """`airflow api-server` on a free loopback port for the tests' Airflow, every visitor an
    admin (SimpleAuthManager's all-admins mode: no login page between Chromium and the UI)."""

    def __init__(self, airflow: Airflow, log_path: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        plugins = log_path.parent / "plugins"
        plugins.mkdir(exist_ok=True)
        (plugins / "aurum_test_views.py").write_text(VIEW_PLUGIN)
        self.env = {
            **airflow.env,
            "AURUM_AIRFLOW_PORT": str(self.port),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins),
        }
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> ApiServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(AIRFLOW_SH), "run", "api-server", "--port", str(self.port), "-H", "127.0.0.1"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"api-server exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base_url}/api/v2/monitor/health", timeout=2).is_success:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"api-server not healthy:\n{self.log_path.read_text()[-3000:]}")

    def __exit__(self, *exc_info) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def chromium(url: str, user_data_dir: Path, *args: str, timeout: float = 120) -> str:
    """Headless Chromium (the flags the project's pages are tested with) on `url`."""
    binary = (
        subprocess.run(
            [str(AIRFLOW_SH), "chromium"], capture_output=True, text=True, check=True, timeout=900
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={user_data_dir}", "--virtual-time-budget=20000", *args, url,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout).stdout


def consume(topic: str, group: str, *, idle_seconds: float = 5.0, timeout: float = 60.0) -> list:
    """Every message of `topic` after `group`'s committed offsets, until the topic is idle."""
    consumer = Consumer(
        {
            "bootstrap.servers": Settings().kafka_bootstrap,
            "group.id": group,
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([topic])
    messages = []
    deadline = time.monotonic() + timeout
    quiet_since = time.monotonic()
    try:
        while time.monotonic() < deadline and time.monotonic() - quiet_since < idle_seconds:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            messages.append(message)
            quiet_since = time.monotonic()
    finally:
        consumer.close()
    return messages
