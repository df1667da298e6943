"""`aurum_backfill_scenarios`: the backfill CLI (`python -m aurum.scripts.ingest.backfill`)
as a DAG, configured by the roadmap's AURUM_BACKFILL_* variables.

    check_config  ─►  run_backfill   (the CLI in a child process, its output in the log)

The worker's environment configures it; a trigger's parameters, when given, replace
the variable of the same meaning for that run only:

    source            AURUM_BACKFILL_SOURCE            (required; a source of the catalog)
    days              AURUM_BACKFILL_DAYS              (default 7)
    (no parameter)    AURUM_BACKFILL_HISTORY_LIMIT     (default 30; a hard cap: DAYS above
                                                        it fails the run, never clipped)
    command_template  AURUM_BACKFILL_COMMAND_TEMPLATE  (default: aurum-ingest fetch … per day;
                                                        {source} {date} {watermark_key})
    command_shell     AURUM_BACKFILL_COMMAND_SHELL     (truthy: the rendered command runs
                                                        through /bin/sh; otherwise no shell)
    watermark_key     AURUM_BACKFILL_WATERMARK_KEY     (default "default")
    end_date          --end-date                       (default: the day before the run)

`check_config` validates exactly as the CLI does (`aurum.ingest.backfill.load_config`),
so a bad value fails the run with the CLI's message before any command runs.
`run_backfill` then runs the CLI itself: one command per day, oldest first, the
watermark advanced after each day that succeeds, stopping at the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import dag_common as common
from airflow.sdk import DAG, Param, get_current_context, task

from aurum.settings import child_environment

# Parameter -> the variable it replaces for one run.
OVERRIDES = {
    "source": "AURUM_BACKFILL_SOURCE",
    "days": "AURUM_BACKFILL_DAYS",
    "command_template": "AURUM_BACKFILL_COMMAND_TEMPLATE",
    "command_shell": "AURUM_BACKFILL_COMMAND_SHELL",
    "watermark_key": "AURUM_BACKFILL_WATERMARK_KEY",
}


def backfill_environment(params: dict) -> dict[str, str]:
    """The CLI's environment for this run: the worker's, with the run's overrides."""
    environ = child_environment()  # the child process environment, not a setting read
    for name, variable in OVERRIDES.items():
        value = params.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        environ[variable] = str(value)
    # The default template calls aurum-ingest: the one installed next to this Python.
    environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}"
    return environ


@task
def check_config() -> dict:
    """Validate like the CLI and show the commands; fails before any command runs."""
    from aurum.ingest.backfill import ConfigError, display, load_config, render

    context = get_current_context()
    params = context["params"]
    environ = backfill_environment(params)
    try:
        config = load_config(environ)
    except ConfigError as exc:
        raise common.fail_now(f"aurum_backfill_scenarios: {exc}") from None
    if config.source not in common.source_catalog():
        raise common.fail_now(f"AURUM_BACKFILL_SOURCE={config.source!r} is not in the catalog")
    end = common.parse_day(params["end_date"], "end_date") or (
        common.run_day(context) - timedelta(days=1)
    )
    days = common.day_window(end, config.days)
    print(
        f"backfill {config.source} [{config.watermark_key}] {days[0]} .. {end} "
        f"({config.days} of at most {config.history_limit} days), "
        f"{'through /bin/sh' if config.shell else 'without a shell'}:"
    )
    for day in days:
        print("  " + display(render(config, day)))
    return {"end_date": end.isoformat(), "days": [d.isoformat() for d in days]}


# A failed day has been reported and its watermark kept; running the window again is a
# new decision, so this task is not retried automatically.
@task(retries=0)
def run_backfill(checked: dict) -> None:
    """The CLI itself, in a child process; its output goes to the task log."""
    environ = backfill_environment(get_current_context()["params"])
    command = [sys.executable, "-m", "aurum.scripts.ingest.backfill"]
    command += ["--end-date", checked["end_date"]]
    with subprocess.Popen(
        command, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        for line in process.stdout:
            print(line, end="")
    if process.returncode != 0:
        raise RuntimeError(f"aurum-backfill exited with status {process.returncode}")


with DAG(
    dag_id="aurum_backfill_scenarios",
    description="Replay a window of days for one source through the backfill CLI",
    doc_md=__doc__,
    schedule=None,
    start_date=common.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=common.default_args(),
    tags=["aurum", "ingest", "backfill"],
    params={
        "source": Param(None, type=["null", "string"], description="AURUM_BACKFILL_SOURCE"),
        "days": Param(None, type=["null", "integer"], minimum=1, description="AURUM_BACKFILL_DAYS"),
        "command_template": Param(
            None, type=["null", "string"], description="AURUM_BACKFILL_COMMAND_TEMPLATE"
        ),
        "command_shell": Param(
            None, type=["null", "boolean"], description="AURUM_BACKFILL_COMMAND_SHELL"
        ),
        "watermark_key": Param(
            None, type=["null", "string"], description="AURUM_BACKFILL_WATERMARK_KEY"
        ),
        "end_date": Param(
            None, type=["null", "string"], format="date", description="last day (YYYY-MM-DD)"
        ),
    },
) as dag:
    run_backfill(check_config())
