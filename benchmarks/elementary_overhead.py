"""What Elementary costs the scenario worker's dbt step, measured in the same run.

Part of `scenario_run_latency` (which calls `main(warehouse, variables)` after its API
runs). The worker's warm dbt (`WarmDbt`: parsed once, then `dbt build --select
scenario_output --exclude-resource-type unit_test --vars …` per run) is timed in three
set-ups, interleaved run by run (each round starting with the next one) so drift on the shared
machine falls on all three:

  before      the project without the Elementary package (a copy with no packages.yml):
              what the worker ran before the data-quality layer existed
  after       the project as shipped, package installed: WarmDbt parses a view of the
              project without its hub packages, with the var aurum_elementary false
  hooks on    the same, parsed with Elementary on: what every run would pay otherwise

The budget (issue 12) is after / before ≤ 1.10.
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

from aurum.dbt_runner import PROJECT_DIR, WarmDbt, release_duckdb, run_dbt

PROJECT_FILES = ["dbt_project.yml", "profiles.yml"]
PROJECT_DIRS = ["models", "macros", "seeds", "snapshots", "analyses", "tests/dbt"]
BUDGET = 1.10


def _bare_project(directory: Path) -> Path:
    """The dbt project without packages.yml or dbt_packages/ (the state before Elementary)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copyfile(PROJECT_DIR / name, directory / name)
    for name in PROJECT_DIRS:
        shutil.copytree(PROJECT_DIR / name, directory / name)
    return directory


def main(warehouse: Path, variables: list[str], workdir: Path) -> float:
    """Times len(variables) runs per set-up; returns after / before (p50)."""
    release_duckdb()
    setups: dict[str, WarmDbt] = {}
    for label, project, elementary in (
        ("before (no package)", _bare_project(workdir / "bare"), False),
        ("after (shipped, off)", PROJECT_DIR, False),
        ("hooks on", PROJECT_DIR, True),
    ):
        copy = workdir / label.split()[0] / "aurum.duckdb"  # views name the catalog aurum
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(warehouse, copy)
        if elementary:  # Elementary's own tables, which its hooks write to
            run_dbt(
                ["run", "--select", "elementary", "--quiet"],
                duckdb_path=copy,
                target_path=copy.parent / "target-setup",
                elementary=True,
            )
            release_duckdb()
        setups[label] = WarmDbt(
            target="duckdb",
            duckdb_path=copy,
            work_dir=copy.parent,
            project_dir=project,
            elementary=elementary,
        )
        setups[label].manifest()  # parsed once, untimed, as the worker does at start

    seconds: dict[str, list[float]] = {label: [] for label in setups}
    order = list(setups)
    for index, dbt_vars in enumerate(variables):
        # Each round starts with the next set-up, so no one always follows the heavy one.
        for label in order[index % 3 :] + order[: index % 3]:
            dbt = setups[label]
            start = time.perf_counter()
            dbt.invoke(
                [
                    "build",
                    "--select",
                    "scenario_output",
                    "--exclude-resource-type",
                    "unit_test",
                    "--vars",
                    dbt_vars,
                ]
            )
            seconds[label].append(time.perf_counter() - start)

    before = statistics.median(seconds["before (no package)"])
    print(f"  worker dbt step, {len(variables)} runs each (p50 / max, seconds):")
    for label, values in seconds.items():
        p50 = statistics.median(values)
        print(f"    {label:<22}{p50:7.2f} {max(values):7.2f}   x{p50 / before:5.2f}")
    ratio = statistics.median(seconds["after (shipped, off)"]) / before
    verdict = "within" if ratio <= BUDGET else "OVER"
    print(f"  after / before: {ratio:.2f} ({verdict} the {BUDGET:.2f} budget)")
    return ratio
