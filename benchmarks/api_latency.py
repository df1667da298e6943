"""API latency on a local aurum-api: a scenario read from Redis and from PostgreSQL,
against `GET /v1/ping` (no auth, no database) measured in the same run.

One uvicorn process (LocalStack, no worker) on the local PostgreSQL, Redis and Kafka;
one scenario (the PJM example). One keep-alive httpx client sends, one at a time:

  ping       GET /v1/ping
  cached     GET /v1/scenarios/{id}, every answer `X-Cache: hit`
  uncached   the same, its Redis key deleted (untimed) before each request: `X-Cache: miss`

The three cases alternate in ROUNDS blocks (order reversed every other round), so drift
on the shared machine falls on all of them alike. Then ping and cached again from THREADS
clients at once (throughput only; the clients share the CPU with the server). Requests
per case: AURUM_BENCH_REQUESTS (default 1,000; under a minute in all).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import redis

from aurum.api.cache import ScenarioCache
from aurum.dbt_runner import PROJECT_DIR
from aurum.devstack import LocalStack

EXAMPLE = PROJECT_DIR / "examples" / "scenarios" / "demo_pjm_carbon_gas.json"
REQUESTS = int(os.environ.get("AURUM_BENCH_REQUESTS", "1000"))
ROUNDS = 10
THREADS = 4
TENANT = f"bench-{uuid.uuid4().hex[:8]}"
UNLIMITED = {"AURUM_API_RATE_PER_SECOND": "1000000", "AURUM_API_RATE_BURST": "1000000"}


def _expect(response: httpx.Response, cache: str | None) -> None:
    response.raise_for_status()
    if cache is not None and response.headers.get("X-Cache") != cache:
        raise SystemExit(f"expected X-Cache: {cache}, got {response.headers.get('X-Cache')!r}")


def _wait_until_idle(pid: int, timeout: float = 60) -> None:
    """Wait for the API to finish its background dbt parse (valuation warm-up), which
    would otherwise share the CPU with the first measurements. Linux: /proc CPU ticks."""

    def ticks() -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    hertz = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = ticks()
        time.sleep(0.5)
        if (ticks() - before) / hertz < 0.05:  # under 10% of one core
            return
    raise TimeoutError(f"aurum-api still busy after {timeout}s")


def _sequential(
    client: httpx.Client,
    count: int,
    path: str,
    cache: str | None,
    before: Callable[[], object] | None = None,
) -> list[float]:
    latencies = []
    for _ in range(count):
        if before is not None:
            before()
        start = time.perf_counter()
        response = client.get(path)
        latencies.append(time.perf_counter() - start)
        _expect(response, cache)
    return latencies


def _concurrent(stack: LocalStack, path: str, cache: str | None) -> float:
    """Requests per second from THREADS clients sharing REQUESTS requests."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with stack.client(TENANT) as client:
                for _ in range(REQUESTS // THREADS):
                    _expect(client.get(path), cache)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return (REQUESTS // THREADS) * THREADS / elapsed


def _report(label: str, latencies: list[float]) -> float:
    p50 = statistics.median(latencies) * 1000
    p99 = statistics.quantiles(latencies, n=100)[98] * 1000
    # The sum of request times, so the untimed cache deletes do not count.
    rate = len(latencies) / sum(latencies)
    print(f"  {label:<26} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  {rate:8.0f} req/s")
    return p50


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="aurum-bench-api-") as tmp:
        # The API never opens the warehouse for these endpoints.
        # Rate limits out of the way: this measures latency, tenant_soak measures limits.
        stack = LocalStack(Path(tmp), warehouse=Path(tmp) / "aurum.duckdb", extra_env=UNLIMITED)
        try:
            stack.start_api()
            assert stack.api is not None
            _wait_until_idle(stack.api.pid)
            with stack.client(TENANT) as client:
                created = client.post("/v1/scenarios", json=json.loads(EXAMPLE.read_text()))
                created.raise_for_status()
                scenario_id = uuid.UUID(created.json()["id"])
                path = f"/v1/scenarios/{scenario_id}"
                key = ScenarioCache.key(TENANT, scenario_id)
                cache = redis.Redis.from_url(stack.settings.redis_url)
                cases = {
                    "GET /v1/ping": ("/v1/ping", None, None),
                    "GET scenario (cached)": (path, "hit", None),
                    "GET scenario (uncached)": (path, "miss", lambda: cache.delete(key)),
                }
                latencies: dict[str, list[float]] = {name: [] for name in cases}
                try:
                    _sequential(client, 100, "/v1/ping", None)  # untimed: connection, code paths
                    client.get(path).raise_for_status()  # fills the cache
                    for round_ in range(ROUNDS):
                        for name in list(cases)[:: 1 if round_ % 2 else -1]:
                            latencies[name] += _sequential(client, REQUESTS // ROUNDS, *cases[name])
                    # The last uncached request filled the cache again, for the threads.
                finally:
                    cache.close()
            print(f"  {len(latencies['GET /v1/ping']):,} requests per case, one keep-alive client")
            ping, cached, uncached = (_report(name, values) for name, values in latencies.items())
            print(f"  {THREADS} clients at once:")
            for name in ("GET /v1/ping", "GET scenario (cached)"):
                print(f"  {name:<26}{_concurrent(stack, *cases[name][:2]):41.0f} req/s")
            print(f"  p50 ratio cached / ping:     {cached / ping:6.2f}x")
            print(f"  p50 ratio uncached / ping:   {uncached / ping:6.2f}x")
            print(f"  p50 ratio uncached / cached: {uncached / cached:6.2f}x")
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
