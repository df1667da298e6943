"""Two tenants on one API + worker: does a flooding tenant hurt a normal one? (issue 10)

A LocalStack (aurum-api + aurum-worker on 127.0.0.1, deployed limits) on a warehouse
built from the bundled samples. The *normal* tenant does what a person's client does,
in a loop: read its scenario, list its scenarios and runs, and every RUN_EVERY seconds
run its scenario (the PJM example) and follow the run to the end. Measured in two
phases of SOAK_SECONDS each, in the same run:

  alone        the normal tenant only
  with flood   the same, while a second tenant floods within its limits: threads that
               queue runs as fast as the quota lets them (honouring Retry-After on 429)
               and create scenarios with ~0.9 MB bodies (under the 1 MiB cap) as fast as
               the rate limit lets them

Reported for the normal tenant in each phase: request latency p50/p99 (every HTTP
request but the run polls), and the queue wait of its runs (created → started, from the
run's own timestamps). The "alone" phase is measured half before and half after the
flood (once the backlog has run), so drift on a shared machine falls on both. Targets
(issue 10): p99 with flood ≤ 2x p99 alone, and the worst queue wait with flood ≤ the
worst alone + one run's duration — a run in progress is not preempted, so the longest
run during the flood is the most another tenant's backlog may cost. The flooding
tenant's accepted and refused requests are reported too. Seconds per phase:
AURUM_BENCH_SOAK_SECONDS (60).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from aurum.dbt_runner import PROJECT_DIR
from aurum.devstack import LocalStack
from benchmarks.common import build_scenario_warehouse

EXAMPLE = json.loads(
    (PROJECT_DIR / "examples" / "scenarios" / "demo_pjm_carbon_gas.json").read_text()
)
SOAK_SECONDS = float(os.environ.get("AURUM_BENCH_SOAK_SECONDS", "60"))
RUN_EVERY = 5.0  # the normal tenant runs its scenario this often
FLOOD_THREADS = 2  # run requests; one more thread sends large bodies
LARGE_BODY_BYTES = 900_000


@dataclass
class Observed:
    latencies: list[float] = field(default_factory=list)
    queue_waits: list[float] = field(default_factory=list)
    run_seconds: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)


def _timed(observed: Observed, send) -> httpx.Response:
    started = time.perf_counter()
    response = send()
    observed.latencies.append(time.perf_counter() - started)
    observed.statuses[response.status_code] += 1
    return response


def _follow(client: httpx.Client, url: str, deadline: float) -> dict:
    while True:
        body = client.get(url).json()
        if body["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def normal_tenant(stack: LocalStack, seconds: float, observed: Observed) -> None:
    with stack.client(f"normal-{uuid.uuid4().hex[:6]}") as client:
        created = client.post("/v1/scenarios", json=EXAMPLE)
        created.raise_for_status()
        sid = created.json()["id"]
        end = time.monotonic() + seconds
        next_run = time.monotonic()
        while time.monotonic() < end:
            _timed(observed, lambda: client.get(f"/v1/scenarios/{sid}"))
            _timed(observed, lambda: client.get("/v1/scenarios", params={"limit": 10}))
            _timed(observed, lambda: client.get(f"/v1/scenarios/{sid}/runs", params={"limit": 5}))
            if time.monotonic() >= next_run:
                accepted = _timed(observed, lambda: client.post(f"/v1/scenarios/{sid}/run"))
                if accepted.status_code == 202:
                    run = _follow(client, accepted.json()["links"]["self"], end + 300)
                    if run["status"] == "succeeded":
                        created_at, started_at = (
                            datetime.fromisoformat(run[k]) for k in ("created_at", "started_at")
                        )
                        observed.queue_waits.append((started_at - created_at).total_seconds())
                        observed.run_seconds.append(run["duration_seconds"])
                next_run = time.monotonic() + RUN_EVERY
            time.sleep(0.05)


def _honour(response: httpx.Response, stop: threading.Event) -> None:
    if response.status_code in (429, 503):
        stop.wait(float(response.headers.get("retry-after", "1")))


def flooding_tenant(stack: LocalStack, stop: threading.Event, observed: Observed) -> None:
    name = f"flood-{uuid.uuid4().hex[:6]}"
    with stack.client(name) as client:
        sid = client.post("/v1/scenarios", json=EXAMPLE).json()["id"]
    padding = " " * (LARGE_BODY_BYTES - len(json.dumps(EXAMPLE)))
    large = (json.dumps(EXAMPLE)[:-1] + padding + "}").encode()

    def runs() -> None:
        with stack.client(name) as client:
            while not stop.is_set():
                _honour(_timed(observed, lambda: client.post(f"/v1/scenarios/{sid}/run")), stop)

    def bodies() -> None:
        headers = {"content-type": "application/json"}
        with stack.client(name) as client:
            while not stop.is_set():
                sent = _timed(observed, lambda: client.post("/v1/scenarios", content=large,
                                                            headers=headers))  # fmt: skip
                _honour(sent, stop)

    threads = [threading.Thread(target=runs) for _ in range(FLOOD_THREADS)]
    threads.append(threading.Thread(target=bodies))
    for thread in threads:
        thread.start()
    stop.wait()
    for thread in threads:
        thread.join(60)


def _ms(values: list[float], q: float) -> float:
    if len(values) < 2:
        return (values or [float("nan")])[0] * 1000
    return statistics.quantiles(values, n=100)[round(q * 100) - 1] * 1000


def _print(label: str, observed: Observed) -> None:
    waits = observed.queue_waits or [float("nan")]
    print(
        f"  {label:<12} {len(observed.latencies):6d} requests  p50 {_ms(observed.latencies, 0.5):7.1f} ms"
        f"  p99 {_ms(observed.latencies, 0.99):7.1f} ms   {len(observed.queue_waits)} runs,"
        f" queue wait p50 {statistics.median(waits):5.2f} s  max {max(waits):5.2f} s"
    )


def _drain(stack: LocalStack, seconds: float = 180) -> None:
    """Wait until the queue is empty (the flooding tenant's backlog ran)."""
    from aurum.db import connect

    deadline = time.monotonic() + seconds
    with connect(stack.settings.pg_dsn) as conn:
        while time.monotonic() < deadline:
            active = conn.execute(
                "select count(*) from app.scenario_run where queue = %s"
                " and status in ('queued', 'running')",
                (stack.settings.scenario_request_topic,),
            ).fetchone()[0]
            if active == 0:
                return
            time.sleep(0.5)


def _flood_run_seconds(stack: LocalStack, since: datetime) -> list[float]:
    from aurum.db import connect

    with connect(stack.settings.pg_dsn) as conn:
        rows = conn.execute(
            "select extract(epoch from finished_at - started_at) from app.scenario_run"
            " where queue = %s and started_at >= %s and finished_at is not null",
            (stack.settings.scenario_request_topic, since),
        ).fetchall()
    return [float(r[0]) for r in rows]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="aurum-bench-soak-") as tmp:
        workdir = Path(tmp)
        started = time.perf_counter()
        warehouse = build_scenario_warehouse(workdir)
        stack = LocalStack(workdir, warehouse=warehouse)
        try:
            stack.start()
            print(f"  set-up, untimed: {time.perf_counter() - started:.0f} s; alone "
                  f"{SOAK_SECONDS:.0f} s (half before, half after), with flood "
                  f"{SOAK_SECONDS:.0f} s")  # fmt: skip
            normal_tenant(stack, 5, Observed())  # untimed: first build, connections, caches

            # The baseline is measured half before and half after the flood, so drift on
            # the shared machine falls on both sides.
            alone = Observed()
            normal_tenant(stack, SOAK_SECONDS / 2, alone)

            flooded, flood = Observed(), Observed()
            stop = threading.Event()
            flood_started = datetime.now(UTC)
            flooder = threading.Thread(target=flooding_tenant, args=(stack, stop, flood))
            flooder.start()
            time.sleep(3)  # let the backlog form first
            try:
                normal_tenant(stack, SOAK_SECONDS, flooded)
            finally:
                stop.set()
                flooder.join(120)
            in_flood = _flood_run_seconds(stack, flood_started)
            _drain(stack)
            normal_tenant(stack, SOAK_SECONDS / 2, alone)
        finally:
            stack.stop()

    print("  normal tenant:")
    _print("alone", alone)
    _print("with flood", flooded)
    flood_statuses = ", ".join(f"{code}: {n}" for code, n in sorted(flood.statuses.items()))
    print(f"  flooding tenant: {sum(flood.statuses.values())} requests ({flood_statuses})")
    p99_ratio = _ms(flooded.latencies, 0.99) / _ms(alone.latencies, 0.99)
    longest = max(in_flood or [float("nan")])
    extra_wait = max(flooded.queue_waits or [float("nan")]) - max(alone.queue_waits or [0.0])
    print(f"  p99 with flood / alone: {p99_ratio:5.2f}x (target <= 2x)"
          f" {'ok' if p99_ratio <= 2 else 'MISSED'}")  # fmt: skip
    print(
        f"  runs during the flood: {len(in_flood)}, median "
        f"{statistics.median(in_flood or [float('nan')]):.2f} s, longest {longest:.2f} s"
    )
    print(f"  extra queue wait with flood (worst): {extra_wait:5.2f} s; target <= one run in"
          f" progress ({longest:.2f} s) {'ok' if extra_wait <= longest else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
