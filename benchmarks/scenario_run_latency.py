"""End-to-end scenario run latency through the API and the worker, against a cold
`dbt build` CLI of the same model with the same vars, measured in the same run.

Untimed set-up: the bundled samples (and the ISO-NE fixtures) are landed and
`+scenario_output` is built into a fresh `aurum.duckdb`, then copied for the CLI. A
LocalStack (API + worker, its dbt parsed once) runs the PJM example scenario:

  api run    POST /v1/scenarios/{id}/run, then GET …/runs/{run_id} every POLL_SECONDS
             until `succeeded` (outbox → Kafka → worker → dbt → PostgreSQL)
  worker     the run's own duration_seconds (claimed → results stored)
  cold CLI   `dbt build --select scenario_output --vars …` as a new process, on the copy,
             with an empty target directory (full parse, as the worker's first start)

The first API run is reported apart (first build in the worker process). CLI runs are
interleaved with the API runs so drift on the shared machine falls on both. API runs:
AURUM_BENCH_RUNS (default 5); CLI runs: AURUM_BENCH_CLI_RUNS (default 3).

Then the worker's dbt step alone, before and after the Elementary layer, AURUM_BENCH_RUNS
runs each (benchmarks/elementary_overhead.py).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import duckdb
import httpx

from aurum.dbt_runner import PROJECT_DIR
from aurum.devstack import LocalStack
from aurum.scenarios.models import parse_scenario
from aurum.scenarios.vars import vars_json
from benchmarks import elementary_overhead
from benchmarks.common import build_scenario_warehouse

EXAMPLE = PROJECT_DIR / "examples" / "scenarios" / "demo_pjm_carbon_gas.json"
RUNS = int(os.environ.get("AURUM_BENCH_RUNS", "5"))
CLI_RUNS = int(os.environ.get("AURUM_BENCH_CLI_RUNS", "3"))
POLL_SECONDS = 0.05
RUN_TIMEOUT = 300
TENANT = f"bench-{uuid.uuid4().hex[:8]}"
DBT = Path(sys.executable).parent / "dbt"


def _api_run(stack: LocalStack, client: httpx.Client, scenario_id: str) -> tuple[list[float], int]:
    """([end to end, queued, worker, after] in seconds, result rows) of one run.

    End to end: POST until the poll that saw `succeeded`. The rest from the run's
    PostgreSQL timestamps: queued (created → claimed by the worker: outbox relay, Kafka),
    worker (claimed → results stored, its duration_seconds) and after (what is left:
    request, result copy and polling).
    """
    start = time.perf_counter()
    response = client.post(f"/v1/scenarios/{scenario_id}/run")
    response.raise_for_status()
    body = stack.wait_for_run(
        client, scenario_id, response.json()["id"], RUN_TIMEOUT, poll_seconds=POLL_SECONDS
    )
    total = time.perf_counter() - start
    if body["status"] != "succeeded":
        raise SystemExit(f"run {body['id']} {body['status']}: {body['error']}")
    created, started = (datetime.fromisoformat(body[k]) for k in ("created_at", "started_at"))
    queued = (started - created).total_seconds()
    worker = body["duration_seconds"]
    return [total, queued, worker, total - queued - worker], body["result_rows"]


def _cli_run(workdir: Path, database: Path, variables: str, index: int) -> float:
    command = [
        *[str(DBT), "build", "--quiet", "--select", "scenario_output", "--vars", variables],
        *["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        *["--target-path", str(workdir / f"target-{index}"), "--log-path", str(workdir)],
    ]
    env = {**os.environ, "AURUM_DUCKDB_PATH": str(database)}
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"dbt CLI failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def _cli_rows(database: Path, run_id: str) -> int:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(
            "select count(*) from market.scenario_output where run_id = ?", [run_id]
        ).fetchone()[0]


def _row(label: str, seconds: list[float]) -> None:
    total, *parts = seconds
    print(f"  {label:<22}{total:11.2f}" + "".join(f"{v:9.2f}" for v in parts))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="aurum-bench-run-") as tmp:
        stack_dir, cli_dir = Path(tmp) / "stack", Path(tmp) / "cli"
        stack_dir.mkdir()
        cli_dir.mkdir()
        start = time.perf_counter()
        warehouse = build_scenario_warehouse(stack_dir)
        cli_database = cli_dir / "aurum.duckdb"
        shutil.copyfile(warehouse, cli_database)
        print(
            f"  set-up, untimed: {time.perf_counter() - start:.0f} s (land, build +scenario_output)"
        )

        assumptions = json.loads(EXAMPLE.read_text())
        stack = LocalStack(stack_dir, warehouse=warehouse)
        try:
            start = time.perf_counter()
            stack.start()
            print(
                f"  stack start, untimed: {time.perf_counter() - start:.0f} s (worker parses dbt)"
            )
            with stack.client(TENANT) as client:
                created = client.post("/v1/scenarios", json=assumptions)
                created.raise_for_status()
                scenario_id = created.json()["id"]
                api: list[list[float]] = []
                cli: list[float] = []
                rows: set[int] = set()
                for index in range(max(RUNS, CLI_RUNS)):
                    if index < RUNS:
                        seconds, result_rows = _api_run(stack, client, scenario_id)
                        api.append(seconds)
                        rows.add(result_rows)
                    if index < CLI_RUNS:
                        run_id = str(uuid.uuid4())
                        variables = vars_json(parse_scenario(assumptions), scenario_id, run_id)
                        cli.append(_cli_run(cli_dir, cli_database, variables, index))
                        rows.add(_cli_rows(cli_database, run_id))
        finally:
            stack.stop()

    # Every API run and every CLI build must have produced the same table.
    if len(rows) != 1 or 0 in rows:
        raise SystemExit(f"runs disagree on the number of output rows: {sorted(rows)}")
    print(f"  {RUNS} API runs, {rows.pop():,} output rows each (as the CLI's); seconds:")
    print(f"  {'':<22}{'end to end':>11}{'queued':>9}{'worker':>9}{'after':>9}")
    _row("first run", api[0])
    rest = api[1:] or api
    for label, pick in (("later runs, p50", statistics.median), ("later runs, max", max)):
        values = [pick(column) for column in zip(*rest, strict=True)]
        _row(label, values)
    print(f"  cold CLI dbt build:    {', '.join(f'{s:.2f}' for s in cli)} s")
    api_p50 = statistics.median(run[0] for run in rest)
    print(f"  ratio API run p50 / cold CLI p50: {api_p50 / statistics.median(cli):5.2f}x")
    with tempfile.TemporaryDirectory(prefix="aurum-bench-elementary-") as tmp:
        _elementary_overhead(assumptions, Path(tmp))


def _elementary_overhead(assumptions: dict, workdir: Path) -> None:
    """The worker's dbt step before and after the Elementary layer (elementary_overhead)."""
    warehouse = build_scenario_warehouse(workdir)
    variables = [vars_json(parse_scenario(assumptions), "bench", str(uuid.uuid4()))
                 for _ in range(RUNS)]  # fmt: skip
    elementary_overhead.main(warehouse, variables, workdir)


if __name__ == "__main__":
    main()
