"""Install the dbt hub packages of packages.yml from the hub, else from a local mirror, else
switch the Elementary layer off. `make setup` runs `python -m aurum.quality.dbt_packages`.

The hub cannot be reached from every machine, so a mirror folder laid out as
`<namespace>/<package>/<version>/` (AURUM_DBT_PACKAGES_MIRROR; by default `shared/dbt-packages`
beside the checkout, or /work/shared/dbt-packages) stands in. Installing from it copies
exactly the pinned releases into the git-ignored dbt_packages/; nothing runs `dbt deps`
against it, because a package's own packages.yml would send `dbt deps` to the hub for its
dependencies (elementary → dbt_utils), so this module places and checks them itself.

edr's internal dbt project needs its own pair (elementary 0.25.1, dbt_utils 0.8.6): they go
into `.cache/edr-dbt-packages/` (edr reads DBT_PACKAGES_FOLDER), and edr is configured never
to run `dbt deps` (a failed one wipes that folder).

Without hub and mirror, dbt would still refuse to run: it counts the packages packages.yml
names against the folders in dbt_packages/. An empty dbt project per missing package stands
in (it defines nothing), the state file says `off`, and every dbt call the repository makes
then passes `--vars '{aurum_elementary: false}'` (Makefile; WarmDbt always does), which
disables Elementary's models, hooks and tests. `make demo` works and says Elementary is off.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from aurum.dbt_runner import PROJECT_DIR
from aurum.settings import Settings

HUB_PROBE_URL = "https://hub.getdbt.com/api/v1/index.json"
STATE_FILE = ".aurum-packages.json"
# What edr's internal dbt project pins (its packages.yml / package-lock.yml).
EDR_PACKAGES = (("dbt-labs/dbt_utils", "0.8.6"), ("elementary-data/elementary", "0.25.1"))
PLACEHOLDER_PREFIX = "aurum_unavailable_"


class PackagesError(RuntimeError):
    pass


@dataclass(frozen=True)
class HubPackage:
    name: str  # namespace/package, as on the hub
    version: str

    @property
    def folder(self) -> str:
        return self.name.split("/")[1]


def declared_packages(project_dir: Path = PROJECT_DIR) -> list[HubPackage]:
    """The hub packages packages.yml pins (exact versions only: a mirror holds releases)."""
    data = yaml.safe_load((project_dir / "packages.yml").read_text())
    packages = []
    for entry in data["packages"]:
        if not isinstance(entry.get("version"), str):
            raise PackagesError(f"packages.yml: pin {entry['package']} to one version")
        packages.append(HubPackage(entry["package"], entry["version"]))
    return packages


def default_mirror(settings: Settings, project_dir: Path = PROJECT_DIR) -> Path | None:
    """AURUM_DBT_PACKAGES_MIRROR, else `shared/dbt-packages` beside the checkout (how CI lays
    out a fresh clone), else the shared folder of this workplace; None when none exists."""
    if settings.dbt_packages_mirror is not None:
        return settings.dbt_packages_mirror if settings.dbt_packages_mirror.is_dir() else None
    for candidate in (
        project_dir.parent / "shared" / "dbt-packages",
        Path("/work/shared/dbt-packages"),
    ):
        if candidate.is_dir():
            return candidate
    return None


def hub_reachable(timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(HUB_PROBE_URL, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _project(folder: Path) -> dict | None:
    """A package's dbt_project.yml, or None when it is missing or a placeholder.

    Its `version` field is not the release (dbt_utils says 0.1.0 in every release), so
    the installed releases are recorded in a state file next to them.
    """
    path = folder / "dbt_project.yml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text()) or {}
    return None if str(data.get("name", "")).startswith(PLACEHOLDER_PREFIX) else data


def _installed(packages: list[HubPackage], install_dir: Path) -> bool:
    """The state file records exactly these releases and each folder holds a real project."""
    path = install_dir / STATE_FILE
    recorded = json.loads(path.read_text()).get("packages") if path.is_file() else None
    wanted = {p.name: p.version for p in packages}
    return recorded == wanted and all(_project(install_dir / p.folder) for p in packages)


def _dependency_ranges(package_dir: Path) -> dict[str, SpecifierSet]:
    """`{hub name: allowed versions}` from a package's own packages.yml."""
    path = package_dir / "packages.yml"
    if not path.is_file():
        return {}
    ranges = {}
    for entry in (yaml.safe_load(path.read_text()) or {}).get("packages", []):
        if "package" not in entry:
            continue
        versions = entry["version"]
        versions = versions if isinstance(versions, list) else [versions]
        spec = ",".join(v if v[0] in "<>=!~" else f"=={v}" for v in versions)
        ranges[entry["package"]] = SpecifierSet(spec)
    return ranges


def check_dependencies(packages: list[HubPackage], install_dir: Path) -> None:
    """Every package's own hub dependencies are among `packages`, in an allowed version."""
    pinned = {p.name: p.version for p in packages}
    for package in packages:
        for dependency, allowed in _dependency_ranges(install_dir / package.folder).items():
            if dependency not in pinned:
                raise PackagesError(f"{package.name} needs {dependency}, which packages.yml lacks")
            if Version(pinned[dependency]) not in allowed:
                raise PackagesError(
                    f"{package.name} needs {dependency} {allowed}; packages.yml pins "
                    f"{pinned[dependency]}"
                )


def copy_from_mirror(packages: list[HubPackage] | tuple, mirror: Path, install_dir: Path) -> None:
    """Replace install_dir's content with the packages' release folders from the mirror.

    Copied into a sibling temporary folder first, so a missing release leaves the previous
    installation as it was.
    """
    packages = [p if isinstance(p, HubPackage) else HubPackage(*p) for p in packages]
    for package in packages:
        if not (mirror / package.name / package.version / "dbt_project.yml").is_file():
            raise PackagesError(f"the mirror {mirror} has no {package.name} {package.version}")
    install_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{install_dir.name}-", dir=install_dir.parent))
    try:
        for package in packages:
            # copyfile, not copy2: the mirror is read-only and the copies must stay removable
            shutil.copytree(
                mirror / package.name / package.version,
                staging / package.folder,
                copy_function=shutil.copyfile,
            )
            if package.folder == "elementary":  # the one package whose project states it
                found = str((_project(staging / package.folder) or {}).get("version"))
                if found != package.version:
                    raise PackagesError(f"{package.name} in the mirror says version {found}")
        state = {"packages": {p.name: p.version for p in packages}, "source": f"mirror {mirror}"}
        (staging / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
        if install_dir.exists():
            shutil.rmtree(install_dir)
        staging.rename(install_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_placeholders(packages: list[HubPackage], install_dir: Path, reason: str) -> None:
    """Empty dbt projects that only satisfy dbt's count of installed packages."""
    if install_dir.exists():
        shutil.rmtree(install_dir)
    for package in packages:
        folder = install_dir / package.folder
        folder.mkdir(parents=True)
        (folder / "dbt_project.yml").write_text(
            f"# Written by aurum.quality.dbt_packages: {package.name} {package.version} could\n"
            f"# not be installed ({reason}). This empty project defines nothing; it only lets\n"
            "# dbt run while the Elementary layer is off (var aurum_elementary: false).\n"
            f"name: {PLACEHOLDER_PREFIX}{package.folder}\n"
            'version: "0.0.0"\nconfig-version: 2\n'
        )


def elementary_switch(project_dir: Path = PROJECT_DIR) -> str:
    """'on' when the declared packages are really installed, else 'off'."""
    installed = _installed(declared_packages(project_dir), project_dir / "dbt_packages")
    return "on" if installed else "off"


def _run_dbt_deps(project_dir: Path) -> None:
    from aurum.dbt_runner import run_dbt

    run_dbt(["deps"], project_dir=project_dir, elementary=True)


def install(
    settings: Settings,
    *,
    project_dir: Path = PROJECT_DIR,
    edr_packages_dir: Path | None = None,
    use_hub: bool = True,
) -> dict:
    """Install (or keep) the declared packages; returns the state written to dbt_packages/."""
    packages = declared_packages(project_dir)
    install_dir = project_dir / "dbt_packages"
    mirror = default_mirror(settings, project_dir)
    if _installed(packages, install_dir):
        source = json.loads((install_dir / STATE_FILE).read_text())["source"]
    elif use_hub and hub_reachable():
        _run_dbt_deps(project_dir)
        source = "hub"
    elif mirror is not None:
        copy_from_mirror(packages, mirror, install_dir)
        source = f"mirror {mirror}"
    else:
        reason = "no dbt hub, no mirror (set AURUM_DBT_PACKAGES_MIRROR)"
        write_placeholders(packages, install_dir, reason)
        state: dict[str, Any] = {"elementary": "off", "source": "none", "detail": reason}
        (install_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
        return state  # no "packages" key: the next install tries again
    check_dependencies(packages, install_dir)
    state = {
        "elementary": "on",
        "source": source,
        "packages": {p.name: p.version for p in packages},
    }
    if edr_packages_dir is not None:
        state["edr"] = install_edr_packages(edr_packages_dir, mirror, use_hub=use_hub)
    (install_dir / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
    return state


def install_edr_packages(target: Path, mirror: Path | None, *, use_hub: bool = True) -> str:
    """edr's internal project packages into `target` (DBT_PACKAGES_FOLDER for edr)."""
    wanted = [HubPackage(*p) for p in EDR_PACKAGES]
    if _installed(wanted, target):
        return f"kept {target}"
    if mirror is None:
        # With the hub, edr installs its own packages when its config allows `dbt deps`.
        return "edr installs its packages from the hub" if use_hub else "missing"
    copy_from_mirror(wanted, mirror, target)
    return f"mirror {mirror} → {target}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    install_cmd = sub.add_parser("install", help="install packages.yml's packages")
    install_cmd.add_argument("--no-hub", action="store_true", help="do not probe the dbt hub")
    install_cmd.add_argument("--edr-packages", type=Path, help="also edr's internal packages")
    sub.add_parser("switch", help="print true|false: the aurum_elementary var this checkout needs")
    args = parser.parse_args(argv)
    if args.command == "switch":
        print("true" if elementary_switch() == "on" else "false")
        return 0
    try:
        state = install(Settings(), edr_packages_dir=args.edr_packages, use_hub=not args.no_hub)
    except PackagesError as exc:
        print(f"dbt packages: {exc}", file=sys.stderr)
        return 1
    if state["elementary"] == "on":
        print(f"dbt packages: Elementary on ({state['source']})", file=sys.stderr)
    else:
        print(
            f"dbt packages: Elementary OFF — {state['detail']}; dbt runs without it",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
