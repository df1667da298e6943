"""Run dbt in-process against this repository's project (dbtRunner, not a subprocess)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult

PROJECT_DIR = Path(__file__).resolve().parents[2]


class DbtFailed(RuntimeError):
    pass


def run_dbt(
    args: Sequence[str],
    *,
    duckdb_path: Path | None = None,
    target_path: Path | None = None,
    project_dir: Path = PROJECT_DIR,
) -> dbtRunnerResult:
    """Invoke dbt with the repo's profiles.yml; raise DbtFailed unless it succeeded.

    `duckdb_path` is passed through AURUM_DUCKDB_PATH, which profiles.yml reads at
    invocation time, so tests and benchmarks never touch the demo warehouse.
    """
    if duckdb_path is not None:
        os.environ["AURUM_DUCKDB_PATH"] = str(duckdb_path)
    full_args = [
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
    ]
    if target_path is not None:
        full_args += ["--target-path", str(target_path)]
    result = dbtRunner().invoke(full_args)
    if not result.success:
        failures = []
        for node_result in getattr(result.result, "results", None) or []:
            if str(node_result.status) in {"error", "fail"}:
                failures.append(f"{node_result.node.name}: {node_result.message}")
        detail = "; ".join(failures) or str(result.exception)
        raise DbtFailed(f"dbt {' '.join(args)} failed: {detail}")
    return result
