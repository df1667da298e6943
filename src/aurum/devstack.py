"""Run the API (uvicorn) and the scenario worker as local processes, for tests, benchmarks
and `make serve`. PostgreSQL, Redis and Kafka must be up (scripts/services/up.sh).

    stack = LocalStack(workdir, warehouse=path_to/aurum.duckdb)
    stack.start()            # both processes, waits until /health answers and dbt is parsed
    stack.token("acme")      # a bearer token for tenant acme
    stack.kill_worker(); stack.start_worker()
    stack.stop()
"""

from __future__ import annotations

import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from aurum.api.tokens import mint_token
from aurum.kafka.topics import SCENARIO_REQUEST_TOPIC
from aurum.settings import Settings, child_environment

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalStack:
    def __init__(
        self,
        workdir: Path,
        *,
        warehouse: Path,
        extra_env: dict[str, str] | None = None,
        group: str | None = None,
    ):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.api_port = free_port()
        self.metrics_port = free_port()
        self.lineage_file = self.workdir / "openlineage.jsonl"
        secret = secrets.token_urlsafe(32)
        stack_id = uuid.uuid4().hex[:8]
        self.env = {
            **child_environment(),
            "AURUM_DUCKDB_PATH": str(warehouse),
            "AURUM_JWT_SECRET": secret,
            "AURUM_OPENLINEAGE_FILE": str(self.lineage_file),
            "AURUM_DBT_WORK_DIR": str(self.workdir / "dbt"),
            "AURUM_WORKER_METRICS_PORT": str(self.metrics_port),
            # A request topic and group of its own: stacks sharing a broker (tests and a
            # benchmark at once) must not run each other's requests.
            "AURUM_SCENARIO_REQUEST_TOPIC": f"{SCENARIO_REQUEST_TOPIC}.{stack_id}",
            "AURUM_WORKER_GROUP": group or f"aurum-worker-{stack_id}",
            **(extra_env or {}),
        }
        self.settings = Settings(
            jwt_secret=secret,
            duckdb_path=warehouse,
            scenario_request_topic=self.env["AURUM_SCENARIO_REQUEST_TOPIC"],
        )
        self.api: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.base_url = f"http://127.0.0.1:{self.api_port}"

    # -- processes -------------------------------------------------------------------

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("ab")
        return subprocess.Popen(args, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_api(self, timeout: float = 180) -> None:
        self.api = self._spawn("api", [str(BIN / "aurum-api"), "--port", str(self.api_port)])
        self._wait(lambda: httpx.get(f"{self.base_url}/health", timeout=5).status_code == 200,
                   timeout, "api", self.api)  # fmt: skip

    def start_worker(self, timeout: float = 240) -> None:
        self.worker = self._spawn("worker", [str(BIN / "aurum-worker")])
        # Ready once it has parsed dbt and subscribed (it logs "consuming").
        self._wait(lambda: b"consuming" in self._log_tail("worker"), timeout, "worker", self.worker)

    def start(self) -> None:
        self.start_worker()
        self.start_api()

    def kill_worker(self) -> None:
        """SIGKILL: no cleanup, no offset commit, as a crash would."""
        if self.worker is not None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(30)
            self.worker = None

    def stop(self) -> None:
        for proc in (self.api, self.worker):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self.api = self.worker = None

    def _log_tail(self, name: str) -> bytes:
        path = self.workdir / f"{name}.log"
        return path.read_bytes()[-200_000:] if path.exists() else b""

    def _wait(
        self, ready: Callable[[], object], timeout: float, name: str, proc: subprocess.Popen
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited ({proc.returncode}):\n{self._log_tail(name)[-3000:].decode(errors='replace')}"
                )
            try:
                if ready():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(
            f"{name} not ready after {timeout}s:\n{self._log_tail(name)[-3000:].decode(errors='replace')}"
        )

    # -- clients ---------------------------------------------------------------------

    def token(self, tenant_id: str, subject: str = "tester") -> str:
        return mint_token(self.settings, tenant_id, subject)

    def client(self, tenant_id: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(tenant_id)}"} if tenant_id else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=60)

    def wait_for_run(
        self,
        client: httpx.Client,
        scenario_id: str,
        run_id: str,
        timeout: float = 180,
        poll_seconds: float = 0.2,
    ) -> dict:
        """Poll until the run is succeeded or failed (or `timeout` passed); returns the
        last representation."""
        deadline = time.monotonic() + timeout
        while True:
            response = client.get(f"/v1/scenarios/{scenario_id}/runs/{run_id}")
            response.raise_for_status()
            body = response.json()
            if body["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
                return body
            time.sleep(poll_seconds)
