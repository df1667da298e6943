"""The registry snapshot keeps history: an edited seed row closes its old version.

Runs dbt (through dbtRunner) on a temporary copy of the project's dbt files so the edit to
the seed never touches the repository, against a temporary DuckDB file.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
from dbt.cli.main import dbtRunner

REPO = Path(__file__).resolve().parents[2]
DBT_FILES = [
    "dbt_project.yml",
    "profiles.yml",
    "seeds",
    "snapshots",
    "macros",
    "tests/dbt",
    "models",
]
EDITED_KEY = ("PJM", "51288")  # WESTERN HUB


def _copy_project(dest: Path) -> Path:
    for name in DBT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    # The sources' doc blocks live with their publishers (dbt_project.yml docs-paths).
    for quirks in (REPO / "src" / "aurum" / "sources").glob("*/quirks.md"):
        target = dest / quirks.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(quirks, target)
    return dest


def _dbt(project: Path, *args: str) -> None:
    result = dbtRunner().invoke(
        [*args, "--project-dir", str(project), "--profiles-dir", str(project), "--target", "duckdb"]
    )
    assert result.success, result.exception or [str(r.message) for r in result.result or []]


def _rename_western_hub(seed: Path) -> None:
    with seed.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    edited = 0
    for row in rows:
        if (row["iso_code"], row["location_id"]) == EDITED_KEY:
            row["location_name"] = "WESTERN HUB RENAMED"
            edited += 1
    assert edited == 1
    with seed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.integration
def test_snapshot_closes_the_old_version_of_an_edited_row(tmp_path, monkeypatch):
    project = _copy_project(tmp_path / "project")
    database = tmp_path / "registry.duckdb"
    monkeypatch.setenv("AURUM_DUCKDB_PATH", str(database))
    monkeypatch.setenv("AURUM_DBT_TARGET", "duckdb")
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))

    _dbt(project, "seed", "--select", "iso_nodes")
    _dbt(project, "snapshot", "--select", "iso_nodes_snapshot")
    _rename_western_hub(project / "seeds" / "iso_nodes.csv")
    _dbt(project, "seed", "--select", "iso_nodes")
    _dbt(project, "snapshot", "--select", "iso_nodes_snapshot")

    # dbt-duckdb may keep its own handle on the file in this process; DuckDB refuses a
    # second in-process handle with a different configuration, so no read_only here.
    with duckdb.connect(str(database)) as conn:
        versions = conn.execute(
            """
            select location_name, dbt_valid_from, dbt_valid_to
            from snapshots.iso_nodes_snapshot
            where iso_code = ? and location_id = ?
            order by dbt_valid_from
            """,
            list(EDITED_KEY),
        ).fetchall()
        seed_rows = conn.execute("select count(*) from reference.iso_nodes").fetchone()[0]
        current, total = conn.execute(
            "select count(*) filter (where dbt_valid_to is null), count(*) "
            "from snapshots.iso_nodes_snapshot"
        ).fetchone()

    assert len(versions) == 2
    (old_name, old_from, old_to), (new_name, new_from, new_to) = versions
    assert (old_name, new_name) == ("WESTERN HUB", "WESTERN HUB RENAMED")
    assert old_to is not None and new_to is None
    assert old_from <= old_to == new_from
    # Only the edited row gained a version; every registry row is current exactly once.
    assert (current, total) == (seed_rows, seed_rows + 1)
