"""Run dbt in-process against this repository's project (dbtRunner, not a subprocess).

`run_dbt` is a one-off invocation (parses the project each time). `WarmDbt` parses once
and hands dbt the parsed manifest on every later invocation, which is what makes a
scenario run cost seconds instead of a cold `dbt build` CLI start.
"""

from __future__ import annotations

import copy
import functools
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import yaml

from aurum.paths import dbt_project_dir, project_root
from aurum.settings import dbt_environment

if TYPE_CHECKING:  # dbt is imported when first invoked: importing it costs seconds, and
    # the API process (which imports this module) should start without paying for it.
    from dbt.cli.main import dbtRunnerResult
    from dbt.contracts.graph.manifest import Manifest

# The checkout's dbt project (aurum.paths.project_root). run_dbt and WarmDbt build
# paths.dbt_project_dir(): AURUM_DBT_PROJECT_DIR when set, else this one.
PROJECT_DIR = project_root()
# dbt vars that switch the Elementary layer off for one invocation (dbt_project.yml).
ELEMENTARY_OFF = '{"aurum_elementary": false}'


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
    project_dir: Path | None = None,
    elementary: bool = False,
) -> dbtRunnerResult:
    """Invoke dbt with the repo's profiles.yml; raise DbtFailed unless it succeeded.

    `duckdb_path` is passed through AURUM_DUCKDB_PATH, which profiles.yml reads at
    invocation time, so tests and benchmarks never touch the demo warehouse.

    Without `elementary`, dbt sees the project without its hub packages and with the var
    aurum_elementary false (merged into any --vars given): a one-off build of a selection
    does not pay for Elementary's parse, hooks and uploads. Builds that Elementary should
    observe (the demo warehouse, the reports) pass elementary=True and get the project
    exactly as `dbt` on the command line does.
    """
    from dbt.cli.main import dbtRunner

    dbt_environment(duckdb_path)
    project_dir = project_dir or dbt_project_dir()
    if not elementary and (project_dir / "packages.yml").exists():
        project_dir = _cached_view(project_dir)
        args = _with_elementary_off(args)
    result = dbtRunner().invoke([*args, *_project_args(project_dir, target_path)])
    return _raise_unless_success(result, args)


@functools.cache
def _cached_view(project_dir: Path) -> Path:
    return project_without_packages(project_dir)


def _with_elementary_off(args: Sequence[str]) -> list[str]:
    """args with aurum_elementary: false added to their --vars (dbt takes one --vars)."""
    args = list(args)
    if "--vars" not in args:
        return [*args, "--vars", ELEMENTARY_OFF]
    at = args.index("--vars") + 1
    given = yaml.safe_load(args[at]) or {}
    # YAML again, not JSON: dbt reads --vars as YAML, and JSON has no .nan or .inf
    args[at] = yaml.safe_dump({**given, "aurum_elementary": False}, default_flow_style=True)
    return args


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


# What dbt must not see in a project parsed without its hub packages.
_PACKAGE_ENTRIES = frozenset({"packages.yml", "package-lock.yml", "dbt_packages", "target", "logs"})


def project_without_packages(project_dir: Path, work_dir: Path | None = None) -> Path:
    """A view of the project without its hub packages: symlinks to everything else.

    Elementary's ~1,200 macros, disabled or not, make every node's context and every
    hook slower; a per-request build needs none of them. Returns project_dir itself when
    it declares no packages.
    """
    if not (project_dir / "packages.yml").exists():
        return project_dir
    view = (
        Path(tempfile.mkdtemp(prefix="dbt-project-")) if work_dir is None else work_dir / "project"
    )
    view.mkdir(parents=True, exist_ok=True)
    for entry in project_dir.iterdir():
        link = view / entry.name
        if entry.name in _PACKAGE_ENTRIES or link.is_symlink():
            continue
        link.symlink_to(entry.resolve())
    return view


class WarmDbt:
    """One parsed project, many invocations (`dbt build --vars …` for each run).

    Each invocation gets its own copy of the manifest's nodes: dbt marks compiled ephemeral
    nodes in place, and a reused manifest would skip injecting their CTEs on the next run.

    Unless `elementary` is set, the project is parsed without its hub packages and with
    Elementary off (var aurum_elementary): these per-request builds would otherwise pay
    for Elementary's hooks, test materialization and macros on every run
    (benchmarks/scenario_run_latency.py measures it); Elementary observes the warehouse
    builds instead (docs/data-quality.md).
    """

    def __init__(
        self,
        *,
        target: str,
        duckdb_path: Path | None = None,
        work_dir: Path | None = None,
        project_dir: Path | None = None,
        elementary: bool = False,
    ):
        """`work_dir` receives dbt's target/ and logs/ (default: the project's own)."""
        project_dir = project_dir or dbt_project_dir()
        self.target = target
        self._parse_vars = [] if elementary else ["--vars", ELEMENTARY_OFF]
        if not elementary:
            project_dir = project_without_packages(project_dir, work_dir)
        self._duckdb_path = duckdb_path
        self._project_args = _project_args(
            project_dir,
            work_dir / "target" if work_dir else None,
            work_dir / "logs" if work_dir else None,
        )
        self._manifest: Manifest | None = None

    def _environment(self) -> None:
        dbt_environment(self._duckdb_path)

    def manifest(self) -> Manifest:
        from dbt.cli.main import dbtRunner

        if self._manifest is None:
            self._environment()
            args = ["parse", "--target", self.target, "--quiet", *self._parse_vars]
            result = _raise_unless_success(dbtRunner().invoke([*args, *self._project_args]), args)
            self._manifest = cast("Manifest", result.result)  # what `parse` returns
        return self._manifest

    def _fresh_manifest(self) -> Manifest:
        """The parsed manifest with its own copy of what compilation changes in place.

        Nodes and unit tests are compiled in place (ephemeral CTEs marked as injected);
        macros, sources and docs are only read during a run and stay shared: deep-copying
        every macro (Elementary brings about 1,200) cost more than the build it served.
        """
        parsed = self.manifest()
        manifest = copy.copy(parsed)  # Manifest.__reduce_ex__: a new object, shared fields
        manifest.nodes = copy.deepcopy(parsed.nodes)
        manifest.unit_tests = copy.deepcopy(parsed.unit_tests)
        return manifest

    def invoke(self, args: Sequence[str]) -> dbtRunnerResult:
        from dbt.cli.main import dbtRunner

        manifest = self._fresh_manifest()
        self._environment()
        full = [*args, "--quiet", "--target", self.target, *self._project_args]
        try:
            result = dbtRunner(manifest=manifest).invoke(full)
        finally:
            if self.target == "duckdb":
                release_duckdb()
        return _raise_unless_success(result, args)
