"""The package works outside the checkout (issue 16, item 3).

Builds the wheel (uv build), installs it into a fresh venv in a temporary folder, with
its dependencies exactly as uv.lock pins them, offline from the uv cache that
`make setup` filled, and runs the console scripts there with a bare environment: from
a folder that is no checkout, with no AURUM_* variable, no PYTHONPATH and no access to
src/. Everything they need must come from the wheel (aurum.paths: importlib.resources).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UV = ROOT / ".cache" / "bootstrap" / "bin" / "uv"
SAMPLE = ROOT / "sample_data" / "nyiso" / "20220718damlbmp_zone.csv"
GOOD = ROOT / "examples" / "scenarios" / "carbon_50.json"

pytestmark = pytest.mark.integration


def _uv(*args: str, cwd: Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(UV), *args], cwd=cwd, env=env, check=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """{venv bin, work folder, seconds}: the wheel installed in a fresh venv."""
    if not UV.exists():
        pytest.fail(f"{UV} missing: run make setup")
    base = tmp_path_factory.mktemp("wheel")
    start = time.monotonic()
    dist = base / "dist"
    _uv("build", "--wheel", "--offline", "--quiet", "-o", str(dist), cwd=ROOT)
    (wheel,) = dist.glob("aurum-*.whl")
    # The runtime dependencies exactly as locked (no dev group, not the project itself):
    # a copy of pyproject.toml and uv.lock, synced into the new venv from the uv cache.
    project = base / "lock"
    project.mkdir()
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, project / name)
    venv = base / "venv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env["UV_PROJECT_ENVIRONMENT"] = str(venv)
    _uv(
        "sync", "--frozen", "--offline", "--quiet", "--no-dev", "--no-install-project",
        "--python", sys.executable, "--project", str(project), cwd=base, env=env,
    )  # fmt: skip
    _uv(
        "pip", "install", "--offline", "--quiet", "--no-deps", "--python",
        str(venv / "bin" / "python"), str(wheel), cwd=base, env=env,
    )  # fmt: skip
    work = base / "work"
    work.mkdir()
    return {"bin": venv / "bin", "work": work, "seconds": time.monotonic() - start}


def _run(installed: dict, *args: str) -> subprocess.CompletedProcess:
    # A bare environment: nothing of this checkout (no PYTHONPATH, no AURUM_*).
    env = {"PATH": f"{installed['bin']}:/usr/bin:/bin", "HOME": str(installed["work"])}
    return subprocess.run(
        [str(installed["bin"] / args[0]), *args[1:]],
        cwd=installed["work"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_installed_package_is_the_wheel_not_the_checkout(installed):
    done = _run(
        installed,
        "python",
        "-c",
        "import aurum, aurum.paths as p; print(aurum.__file__); print(p.checkout())",
    )
    assert done.returncode == 0, done.stderr
    location, checkout = done.stdout.splitlines()
    assert str(ROOT) not in location and "site-packages" in location
    assert checkout == "None"
    print(f"wheel built and installed in {installed['seconds']:.1f}s")


def test_scenarios_validate_outside_the_checkout(installed):
    shutil.copy(GOOD, installed["work"] / "good.json")
    done = _run(installed, "aurum-scenarios", "validate", "good.json")
    assert done.returncode == 0, done.stderr
    assert "good.json: ok" in done.stdout
    bad = json.loads(GOOD.read_text())
    bad["drivers"][0]["type"] = "no_such_driver"
    (installed["work"] / "bad.json").write_text(json.dumps(bad))
    done = _run(installed, "aurum-scenarios", "validate", "bad.json")
    assert done.returncode == 1
    assert "bad.json: drivers" in done.stderr


def test_land_a_sample_outside_the_checkout(installed):
    shutil.copy(SAMPLE, installed["work"] / SAMPLE.name)
    done = _run(installed, "aurum-land", "--database", "land.duckdb", SAMPLE.name)
    assert done.returncode == 0, done.stderr
    assert "1 of 1 files landed" in done.stdout
    rows = _run(
        installed,
        "python",
        "-c",
        "import duckdb; c = duckdb.connect('land.duckdb', read_only=True);"
        'print(c.sql("select count(*) from landing.nyiso_mis_zonal_lbmp").fetchone()[0])',
    )
    assert rows.returncode == 0, rows.stderr
    assert int(rows.stdout) > 0


def test_package_data_comes_from_the_wheel(installed):
    """Avro schemas, SeaTunnel templates and the API's examples, without a checkout."""
    code = (
        "from aurum.kafka.schemas import SCHEMA_DIR;"
        "from aurum.seatunnel.render import template_names;"
        "print(len(list(SCHEMA_DIR.glob('*.avsc'))), len(template_names()))"
    )
    done = _run(installed, "python", "-c", code)
    assert done.returncode == 0, done.stderr
    subjects, templates = map(int, done.stdout.split())
    assert subjects > 10 and templates >= 8
    done = _run(installed, "aurum-api", "--export-openapi", "openapi.json")
    assert done.returncode == 0, done.stderr
    document = json.loads((installed["work"] / "openapi.json").read_text())
    assert document == json.loads((ROOT / "api" / "openapi.json").read_text())
