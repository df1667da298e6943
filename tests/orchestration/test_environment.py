"""Airflow's own locked environment (orchestration/env) runs the same dbt and DuckDB as the
project: the versions both locks resolve must be identical."""

from __future__ import annotations

import subprocess
import tomllib

from aurum.dbt_runner import PROJECT_DIR

PINNED = ("duckdb", "dbt-core", "dbt-duckdb", "dbt-trino", "dbt-adapters")


def _versions(lock: str) -> dict[str, str]:
    packages = tomllib.loads((PROJECT_DIR / lock).read_text())["package"]
    return {p["name"]: p.get("version") for p in packages}


def test_the_airflow_lock_pins_the_project_locks_dbt_and_duckdb():
    project = _versions("uv.lock")
    airflow = _versions("orchestration/env/uv.lock")
    assert {p: airflow.get(p) for p in PINNED} == {p: project.get(p) for p in PINNED}
    assert airflow["apache-airflow"].startswith("3.3.")
    assert "astronomer-cosmos" in airflow


def test_aurum_is_installed_from_this_checkout():
    env = tomllib.loads((PROJECT_DIR / "orchestration/env/pyproject.toml").read_text())
    assert env["tool"]["uv"]["sources"]["aurum"] == {"path": "../..", "editable": True}


def test_the_airflow_lock_is_current_with_both_pyprojects():
    """aurum's own dependencies come from the root pyproject.toml: a dependency added there
    must be re-locked here too (`uv lock --project orchestration/env`)."""
    uv = PROJECT_DIR / ".cache" / "bootstrap" / "bin" / "uv"
    check = subprocess.run(
        [str(uv), "lock", "--check", "--offline", "--project", "orchestration/env"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
