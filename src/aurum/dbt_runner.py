"""Run dbt in-process against this repository's project (dbtRunner, not a subprocess).

`run_dbt` is a one-off invocation (parses the project each time). `WarmDbt` parses once
and hands dbt the parsed manifest on every later invocation, which is what makes a
scenario run cost seconds instead of a cold `dbt build` CLI start.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # dbt is imported when first invoked: importing it costs seconds, and
    # the API process (which imports this module) should start without paying for it.
    from dbt.cli.main import dbtRunnerResult
    from dbt.contracts.graph.manifest import Manifest

PROJECT_DIR = Path(__file__).resolve().parents[2]


class DbtFailed(RuntimeError):
    """dbt did not succeed. `str()` is the full story for logs (command line included);
    `failures` holds (node name, message) per failed node and `exception` what dbt raised
    outside any node (e.g. it could not connect), so callers can tell a client what went
    wrong without the command line, and tell a model's error from an outage."""

    def __init__(
        self,
        message: str,
        *,
        failures: Sequence[tuple[str, str]] = (),
        exception: BaseException | None = None,
    ):
        super().__init__(message)
        self.failures = list(failures)
        self.exception = exception


def _project_args(
    project_dir: Path, target_path: Path | None, log_path: Path | None = None
) -> list[str]:
    args = ["--project-dir", str(project_dir), "--profiles-dir", str(project_dir)]
    if target_path is not None:
        args += ["--target-path", str(target_path)]
    if log_path is not None:
        args += ["--log-path", str(log_path)]
    return args


def _raise_unless_success(result: dbtRunnerResult, args: Sequence[str]) -> dbtRunnerResult:
    if not result.success:
        failures = []
        for node_result in getattr(result.result, "results", None) or []:
            if str(node_result.status) in {"error", "fail"}:
                failures.append((node_result.node.name, str(node_result.message)))
        detail = "; ".join(f"{name}: {message}" for name, message in failures)
        raise DbtFailed(
            f"dbt {' '.join(args)} failed: {detail or result.exception}",
            failures=failures,
            exception=result.exception,
        )
    return result


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
    from dbt.cli.main import dbtRunner

    if duckdb_path is not None:
        os.environ["AURUM_DUCKDB_PATH"] = str(duckdb_path)
    result = dbtRunner().invoke([*args, *_project_args(project_dir, target_path)])
    return _raise_unless_success(result, args)


def release_duckdb() -> None:
    """Close dbt-duckdb's process-wide database handle.

    dbt-duckdb keeps the file open (and locked) after an invocation ends; a long-lived
    process must let go of it so other processes (the lander, a reader) can open the file.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    env = DuckDBConnectionManager._ENV
    if env is not None:
        DuckDBConnectionManager._ENV = None
        env.close()


class WarmDbt:
    """One parsed project, many invocations (`dbt build --vars …` for each run).

    Each invocation gets a deep copy of the manifest: dbt marks compiled ephemeral nodes
    in place, and a reused manifest would skip injecting their CTEs on the next run.
    """

    def __init__(
        self,
        *,
        target: str,
        duckdb_path: Path | None = None,
        work_dir: Path | None = None,
        project_dir: Path = PROJECT_DIR,
    ):
        """`work_dir` receives dbt's target/ and logs/ (default: the project's own)."""
        self.target = target
        self._duckdb_path = duckdb_path
        self._project_args = _project_args(
            project_dir,
            work_dir / "target" if work_dir else None,
            work_dir / "logs" if work_dir else None,
        )
        self._manifest: Manifest | None = None

    def _environment(self) -> None:
        if self._duckdb_path is not None:
            os.environ["AURUM_DUCKDB_PATH"] = str(self._duckdb_path)

    def manifest(self) -> Manifest:
        from dbt.cli.main import dbtRunner

        if self._manifest is None:
            self._environment()
            args = ["parse", "--target", self.target, "--quiet"]
            result = _raise_unless_success(dbtRunner().invoke([*args, *self._project_args]), args)
            self._manifest = result.result
        return self._manifest

    def invoke(self, args: Sequence[str]) -> dbtRunnerResult:
        from dbt.cli.main import dbtRunner

        manifest = copy.deepcopy(self.manifest())
        self._environment()
        full = [*args, "--quiet", "--target", self.target, *self._project_args]
        try:
            result = dbtRunner(manifest=manifest).invoke(full)
        finally:
            if self.target == "duckdb":
                release_duckdb()
        return _raise_unless_success(result, args)
