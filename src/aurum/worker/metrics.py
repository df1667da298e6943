"""The worker's Prometheus metrics (served on AURUM_WORKER_METRICS_PORT)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

RUNS = Counter(
    "aurum_scenario_runs_total",
    "Scenario runs finished by this worker, by outcome (succeeded, failed, skipped).",
    ["outcome"],
)
RUN_DURATION = Histogram(
    "aurum_scenario_run_duration_seconds",
    "Wall time of a scenario run: claim → results committed (or failure recorded).",
    ["outcome"],
    buckets=(1, 2, 5, 10, 20, 30, 60, 120, 300, 600),
)
RUNS_IN_PROGRESS = Gauge("aurum_scenario_runs_in_progress", "Runs executing right now.")
DEAD_LETTERS = Counter(
    "aurum_scenario_dead_letters_total",
    "Dead letters written by the worker, by stage (decode, run).",
    ["stage"],
)
