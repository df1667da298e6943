"""dbt hub packages: installed from a mirror, checked, or replaced by placeholders (off)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
import yaml

from aurum.dbt_runner import PROJECT_DIR, run_dbt
from aurum.quality import dbt_packages as pk
from aurum.settings import Settings

REAL_MIRROR = pk.default_mirror(Settings())


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copyfile(PROJECT_DIR / "packages.yml", project / "packages.yml")
    return project


def _release(mirror: Path, name: str, version: str, project_name: str, deps: str = "") -> None:
    folder = mirror / name / version
    folder.mkdir(parents=True)
    (folder / "dbt_project.yml").write_text(f"name: {project_name}\nversion: '{version}'\n")
    if deps:
        (folder / "packages.yml").write_text(deps)


def _mirror(tmp_path: Path, utils_range: str = '[">=0.8.0", "<2.0.0"]') -> Path:
    """A mirror shaped like the shared one, with what packages.yml pins."""
    mirror = tmp_path / "mirror"
    deps = f"packages:\n  - package: dbt-labs/dbt_utils\n    version: {utils_range}\n"
    _release(mirror, "elementary-data/elementary", "0.25.1", "elementary", deps)
    _release(mirror, "dbt-labs/dbt_utils", "1.4.1", "dbt_utils")
    return mirror


def test_packages_yml_keeps_exact_hub_pins():
    assert {p.name: p.version for p in pk.declared_packages()} == {
        "elementary-data/elementary": "0.25.1",
        "dbt-labs/dbt_utils": "1.4.1",
    }


def test_mirror_install_copies_the_pinned_releases_and_is_kept(tmp_path):
    project = _project(tmp_path)
    settings = Settings(dbt_packages_mirror=_mirror(tmp_path))
    state = pk.install(settings, project_dir=project, use_hub=False)
    assert state["elementary"] == "on"
    assert (project / "dbt_packages" / "elementary" / "dbt_project.yml").is_file()
    assert (project / "dbt_packages" / "dbt_utils" / "dbt_project.yml").is_file()
    assert pk.elementary_switch(project) == "on"
    # A second run keeps the installation, even when the mirror has gone.
    shutil.rmtree(settings.dbt_packages_mirror)
    assert pk.install(settings, project_dir=project, use_hub=False)["elementary"] == "on"


def test_a_dependency_outside_its_allowed_range_is_refused(tmp_path):
    project = _project(tmp_path)
    settings = Settings(dbt_packages_mirror=_mirror(tmp_path, utils_range='[">=0.8.0", "<0.9.0"]'))
    with pytest.raises(pk.PackagesError, match="dbt_utils"):
        pk.install(settings, project_dir=project, use_hub=False)


def test_a_missing_release_leaves_the_previous_installation(tmp_path):
    project = _project(tmp_path)
    mirror = _mirror(tmp_path)
    pk.install(Settings(dbt_packages_mirror=mirror), project_dir=project, use_hub=False)
    before = sorted(p.name for p in (project / "dbt_packages").iterdir())
    shutil.rmtree(mirror / "dbt-labs")
    with pytest.raises(pk.PackagesError, match=r"no dbt-labs/dbt_utils 1\.4\.1"):
        pk.copy_from_mirror(pk.declared_packages(project), mirror, project / "dbt_packages")
    assert sorted(p.name for p in (project / "dbt_packages").iterdir()) == before


def test_without_hub_or_mirror_the_layer_is_off_and_says_why(tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.setattr(pk, "default_mirror", lambda settings, project_dir: None)
    state = pk.install(Settings(), project_dir=project, use_hub=False)
    assert state["elementary"] == "off" and "no mirror" in state["detail"]
    assert pk.elementary_switch(project) == "off"
    # dbt counts one folder per declared package; each is an empty project.
    folders = sorted(p.name for p in (project / "dbt_packages").iterdir() if p.is_dir())
    assert folders == ["dbt_utils", "elementary"]
    saved = json.loads((project / "dbt_packages" / pk.STATE_FILE).read_text())
    assert saved["elementary"] == "off"


def test_a_configured_mirror_that_does_not_exist_is_no_mirror(tmp_path):
    assert pk.default_mirror(Settings(dbt_packages_mirror=tmp_path / "absent"), tmp_path) is None


@pytest.mark.skipif(REAL_MIRROR is None, reason="no dbt package mirror on this machine")
def test_the_real_mirror_holds_compatible_releases(tmp_path):
    project = _project(tmp_path)
    state = pk.install(
        Settings(dbt_packages_mirror=REAL_MIRROR),
        project_dir=project,
        edr_packages_dir=tmp_path / "edr",
        use_hub=False,
    )
    assert state["packages"] == {
        "elementary-data/elementary": "0.25.1",
        "dbt-labs/dbt_utils": "1.4.1",
    }
    assert pk._installed([pk.HubPackage(*p) for p in pk.EDR_PACKAGES], tmp_path / "edr")


@pytest.mark.integration
def test_dbt_runs_with_elementary_off_when_no_package_can_be_installed(tmp_path, monkeypatch):
    """What `make demo` does on a machine with neither hub nor mirror."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "packages.yml"):
        shutil.copyfile(PROJECT_DIR / name, project / name)
    config = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    folders = {path for key, paths in config.items() if key.endswith("-paths") for path in paths}
    for name in sorted(folders):  # models, macros, … and the docs in the sources' packages
        shutil.copytree(PROJECT_DIR / name, project / name)
    monkeypatch.setattr(pk, "default_mirror", lambda settings, project_dir: None)
    assert pk.install(Settings(), project_dir=project, use_hub=False)["elementary"] == "off"

    off = '{"aurum_elementary": false}'
    result = run_dbt(
        ["build", "--select", "market_price_limits", "--vars", off],
        project_dir=project,
        duckdb_path=tmp_path / "aurum.duckdb",
        target_path=tmp_path / "t",
        elementary=True,  # the project as is (placeholders included); the var turns it off
    )
    assert {str(r.status) for r in result.result.results} == {"success", "pass"}
    listed = run_dbt(
        ["ls", "--vars", off, "--output", "name"],
        project_dir=project,
        target_path=tmp_path / "t",
        elementary=True,
    )
    names = set(listed.result)
    assert "fct_lmp" in names
    assert not {n for n in names if "elementary" in n or "anomalies" in n}


def test_one_off_runs_merge_the_elementary_switch_into_their_vars():
    from aurum.dbt_runner import _with_elementary_off

    given = '{"scenario": {"id": "x", "start": "2026-01-01", "usd": .nan, "cap": -.inf}}'
    merged = _with_elementary_off(["build", "--vars", given, "-q"])
    assert merged[3] == "-q"
    back = yaml.safe_load(merged[2])
    assert back.pop("aurum_elementary") is False
    scenario = back["scenario"]
    assert scenario["start"] == "2026-01-01" and scenario["cap"] == float("-inf")
    assert math.isnan(scenario.pop("usd"))  # dbt reads --vars as YAML: .nan survives
    assert yaml.safe_load(_with_elementary_off(["build"])[-1]) == {"aurum_elementary": False}


def test_the_service_view_of_the_project_has_no_hub_packages(tmp_path):
    from aurum.dbt_runner import project_without_packages

    view = project_without_packages(PROJECT_DIR, tmp_path)
    names = {p.name for p in view.iterdir()}
    assert {"dbt_project.yml", "models", "macros", "seeds", "tests"} <= names
    assert not names & {"packages.yml", "dbt_packages", "package-lock.yml", "target"}
    assert (view / "models").resolve() == PROJECT_DIR / "models"
    bare = tmp_path / "bare"
    bare.mkdir()
    assert project_without_packages(bare) == bare
