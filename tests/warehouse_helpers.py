"""Private copies of a built DuckDB warehouse for tests that rebuild or serve from it."""

from __future__ import annotations

import shutil
from pathlib import Path

from aurum.dbt_runner import release_duckdb


def copy_warehouse(source: Path, directory: Path) -> Path:
    """A copy named aurum.duckdb (views inside name the catalog by the file's stem)."""
    release_duckdb()  # dbt's handle in this process may hold pages not yet in the file
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "aurum.duckdb"
    shutil.copyfile(source, target)
    return target
