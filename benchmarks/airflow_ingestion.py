"""One day of one source through the ingestion DAG (`airflow dags test ingest_<source>`)
against the same work through `aurum-ingest fetch` directly, in the same run, on the real
local services. Needs `scripts/services/up.sh`; installs Airflow (scripts/services/airflow.sh)
on first use.

The day is PJM day-ahead hubs 2025-05-01 (288 rows, the real export's first EPT day),
served by the replay server at Data Miner's URL. Both paths run the same function
(`aurum.ingest.pipeline.ingest_day`), so the difference is what Airflow adds; the
Airflow run's log timestamps split it into CLI start-up, DAG parsing and serialisation,
run creation, task start-up (the in-process execution API) and the tasks themselves.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date, datetime
from urllib.parse import urlsplit

from aurum.dbt_runner import PROJECT_DIR
from aurum.sources import SOURCES

sys.path.insert(0, str(PROJECT_DIR / "tests"))  # the replay server lives with the tests
from replay.server import ReplayServer

AIRFLOW_SH = PROJECT_DIR / "scripts" / "services" / "airflow.sh"
SOURCE = SOURCES["pjm_da_hrl_lmps"]
DAY = date(2025, 5, 1)
REPEAT = 3
STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z \[\w+\s*\] (.*)$")


def _day_body() -> bytes:
    """The export's rows for DAY (EPT), as Data Miner answers a one-day query."""
    header, *lines = (
        (PROJECT_DIR / "sample_data/pjm/da_hrl_lmps_hubs_2025-05-01_to_05-10.csv")
        .read_text()
        .splitlines(True)
    )
    wanted = f"{DAY.month}/{DAY.day}/{DAY.year} "
    return (header + "".join(x for x in lines if x.split(",")[1].startswith(wanted))).encode()


def _stamps(output: str) -> list[tuple[float, str]]:
    found = []
    for line in output.splitlines():
        match = STAMP.match(line)
        if match:
            when = datetime.fromisoformat(match.group(1) + "+00:00").timestamp()
            found.append((when, match.group(2)))
    return found


def _first(stamps, needle: str, after: float = 0.0) -> float:
    return next(t for t, text in stamps if needle in text and t >= after)


def _breakdown(started: float, ended: float, output: str) -> dict[str, float]:
    stamps = _stamps(output)
    parse = _first(stamps, "Filling up the DagBag")
    created = _first(stamps, "creating dag run")
    parts = {"CLI start-up (imports, config)": parse - started}
    parts["DAG parse + serialise to the DB"] = created - parse
    last = created
    for task in ("plan_window", "ingest_window"):
        begin = _first(
            stamps, f"[DAG TEST] running task <TaskInstance: ingest_{SOURCE.name}.{task}"
        )
        running = _first(stamps, "Task started", begin)
        end = _first(stamps, f"[DAG TEST] end task task_id={task}")
        parts[f"{task}: scheduling + start-up"] = (begin - last) + (running - begin)
        parts[f"{task}: task body"] = end - running
        last = end
    parts["run teardown + exit"] = ended - last
    return parts


def main() -> None:
    env = {**os.environ, "AURUM_AIRFLOW_HOME": str(PROJECT_DIR / "var" / "airflow-bench"),
           "AURUM_AIRFLOW_DB": "airflow_bench"}  # fmt: skip
    env.pop("AURUM_AIRFLOW_SQL_ALCHEMY_CONN", None)
    subprocess.run([str(AIRFLOW_SH), "init"], env=env, check=True)
    parsed = urlsplit(SOURCE.url(DAY, "http://replay.invalid"))
    direct, airflow, parts = [], [], []
    with ReplayServer() as server:
        server.serve_bytes(f"{parsed.path}?{parsed.query}", _day_body(), "text/csv")
        env["AURUM_SOURCE_BASE_URL"] = server.base_url
        bin_dir = PROJECT_DIR / ".venv" / "bin"
        for _ in range(REPEAT):
            key = f"bench-{uuid.uuid4().hex[:8]}"
            start = time.perf_counter()
            subprocess.run(
                [str(bin_dir / "aurum-ingest"), "fetch", "--source", SOURCE.name,
                 "--date", DAY.isoformat(), "--watermark-key", key],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            direct.append(time.perf_counter() - start)

            conf = {"backfill_days": 1, "end_date": DAY.isoformat(), "watermark_key": key + "-af"}
            started = time.time()
            start = time.perf_counter()
            proc = subprocess.run(
                [str(AIRFLOW_SH), "run", "dags", "test", f"ingest_{SOURCE.name}", "-c",
                 json.dumps(conf), "-f", str(PROJECT_DIR / "orchestration" / "ingest_sources.py")],
                env=env, capture_output=True, text=True,
            )  # fmt: skip
            airflow.append(time.perf_counter() - start)
            if "state=success" not in proc.stdout + proc.stderr:
                raise SystemExit(
                    f"the DAG run did not succeed:\n{(proc.stdout + proc.stderr)[-4000:]}"
                )
            parts.append(_breakdown(started, time.time(), proc.stdout + proc.stderr))

    d, a = statistics.median(direct), statistics.median(airflow)
    print(f"  one day of {SOURCE.name} (288 rows), median of {REPEAT}:")
    print(f"  aurum-ingest fetch (baseline)            {d:8.2f} s")
    print(f"  airflow dags test ingest_{SOURCE.name}   {a:8.2f} s   {a / d:5.1f}x the baseline")
    print("  where the Airflow run's time goes (median):")
    for name in parts[0]:
        print(f"    {name:<40} {statistics.median(p[name] for p in parts):8.2f} s")
