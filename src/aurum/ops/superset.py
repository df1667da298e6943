"""Superset for the "Ingestion errors" dashboard: a fresh instance, the versioned export
imported into it, and the export refreshed from a running Superset.

The dashboard lives in the repository as Superset's own export format, unzipped:
ops/superset/dashboards/ingestion_errors/ (metadata.yaml, databases/, datasets/,
charts/, dashboards/). Connection strings and the ClickHouse database name are
placeholders there (`${clickhouse_uri}`, `${postgres_uri}`, `${clickhouse_database}`),
filled from Settings when the export is zipped for import, so the same files serve
`make ops-up`, the tests (a database of their own) and a production Superset.

    python -m aurum.ops.superset import [--url URL]     zip the export and import it
    python -m aurum.ops.superset export [--url URL]     write a running dashboard back to the repo

Superset runs from its own locked environment (.cache/superset/venv, installed by
scripts/services/superset.sh, which also builds the metadata template a fresh instance
copies); aurum.ops.stack starts it under gunicorn.
"""

from __future__ import annotations

import argparse
import io
import re
import secrets
import shutil
import subprocess
import zipfile
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from aurum.paths import project_root
from aurum.settings import Settings, child_environment

REPO = project_root()
SUPERSET_DIR = REPO / "ops" / "superset"
EXPORT_DIR = SUPERSET_DIR / "dashboards" / "ingestion_errors"
CACHE = REPO / ".cache" / "superset"
VENV = CACHE / "venv"
DASHBOARD_SLUG = "ingestion-errors"
ADMIN = "admin"


def install() -> Path:
    """The Superset environment and metadata template (cached); returns the template."""
    done = subprocess.run(
        [str(REPO / "scripts" / "services" / "superset.sh"), "install"],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"scripts/services/superset.sh install failed:\n{done.stderr[-3000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def admin_password() -> str:
    return (CACHE / "admin-password").read_text().strip()


def component(stack: Any, component_class: Any) -> Any:
    """The gunicorn process of a Superset whose metadata is a copy of the template."""
    template = install()
    home = stack.home / "superset"
    home.mkdir(parents=True, exist_ok=True)
    metadata = home / "superset.db"
    if not metadata.exists():
        shutil.copyfile(template, metadata)
    key_file = home / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    port = stack.ports.superset
    return component_class(
        "superset",
        [
            str(VENV / "bin" / "gunicorn"),
            "--workers",
            "1",
            "--threads",
            "8",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
            "superset.app:create_app()",
        ],
        f"http://127.0.0.1:{port}/health",
        f"127.0.0.1:{port}",
        env={
            "SUPERSET_CONFIG_PATH": str(SUPERSET_DIR / "superset_config.py"),
            "AURUM_SUPERSET_METADATA_DB": str(metadata),
            "AURUM_SUPERSET_SECRET_KEY": key_file.read_text(),
            "PATH": f"{VENV / 'bin'}:{child_environment().get('PATH', '')}",
        },
        ready_timeout=300,
    )


# -- the export ------------------------------------------------------------------------


def placeholders(settings: Settings) -> dict[str, str]:
    """What the export's placeholders stand for, from Settings."""
    password = (
        ":" + quote(settings.clickhouse_password.get_secret_value(), safe="")
        if settings.clickhouse_password
        else ""
    )
    clickhouse = (
        f"clickhouse+native://{quote(settings.clickhouse_user)}{password}@"
        f"{settings.clickhouse_host}:{settings.clickhouse_port}/{settings.clickhouse_database}"
    )
    pg = urlsplit(settings.pg_dsn)
    postgres = pg._replace(scheme="postgresql+psycopg2").geturl()
    return {
        "clickhouse_uri": clickhouse,
        "postgres_uri": postgres,
        "clickhouse_database": settings.clickhouse_database,
    }


def export_zip(settings: Settings, export_dir: Path = EXPORT_DIR) -> bytes:
    """The versioned export, placeholders filled, zipped as Superset's import expects."""
    values = placeholders(settings)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(export_dir.rglob("*.yaml")):
            text = Template(path.read_text()).substitute(values)
            archive.writestr(f"ingestion_errors/{path.relative_to(export_dir)}", text)
    return out.getvalue()


class SupersetClient:
    def __init__(self, base_url: str, password: str | None = None, username: str = ADMIN):
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=120)
        response = self.http.post(
            "/api/v1/security/login",
            json={"username": username, "password": password or admin_password(),
                  "provider": "db", "refresh": True},
        )  # fmt: skip
        response.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def import_dashboard(self, archive: bytes) -> None:
        response = self.http.post(
            "/api/v1/dashboard/import/",
            files={"formData": ("ingestion_errors.zip", archive, "application/zip")},
            data={"overwrite": "true"},
        )
        if response.status_code != 200:
            raise RuntimeError(f"dashboard import failed ({response.status_code}): {response.text}")

    def dashboard(self, slug: str = DASHBOARD_SLUG) -> dict:
        response = self.http.get(f"/api/v1/dashboard/{slug}")
        response.raise_for_status()
        return response.json()["result"]

    def dashboard_charts(self, slug: str = DASHBOARD_SLUG) -> list[dict]:
        response = self.http.get(f"/api/v1/dashboard/{slug}/charts")
        response.raise_for_status()
        return response.json()["result"]

    def chart_data(self, chart_id: int) -> dict:
        response = self.http.get(f"/api/v1/chart/{chart_id}/data/", params={"force": "true"})
        response.raise_for_status()
        return response.json()

    def export_dashboard(self, dashboard_id: int) -> bytes:
        response = self.http.get("/api/v1/dashboard/export/", params={"q": f"!({dashboard_id})"})
        response.raise_for_status()
        return response.content


def write_export(archive: bytes, settings: Settings, export_dir: Path = EXPORT_DIR) -> list[Path]:
    """Unzip a Superset export into the repository, turning this machine's connection
    strings and database name back into placeholders."""
    values = placeholders(settings)
    written = []
    if export_dir.exists():
        shutil.rmtree(export_dir)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        for name in zipped.namelist():
            relative = Path(*Path(name).parts[1:])
            text = zipped.read(name).decode()
            text = re.sub(r"(?m)^(sqlalchemy_uri: ).*clickhouse.*$", r"\1${clickhouse_uri}", text)
            text = re.sub(r"(?m)^(sqlalchemy_uri: ).*postgresql.*$", r"\1${postgres_uri}", text)
            text = re.sub(r"(?m)^(schema: )" + re.escape(values["clickhouse_database"]) + "$",
                          r"\1${clickhouse_database}", text)  # fmt: skip
            target = export_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            written.append(target)
    return written


def dashboard_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/superset/dashboard/{DASHBOARD_SLUG}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aurum.ops.superset")
    parser.add_argument("command", choices=("import", "export"))
    parser.add_argument("--url", help="default: http://127.0.0.1:$AURUM_SUPERSET_PORT")
    args = parser.parse_args(argv)
    settings = Settings()
    url = args.url or f"http://127.0.0.1:{settings.superset_port}"
    client = SupersetClient(url)
    if args.command == "import":
        client.import_dashboard(export_zip(settings))
        print(f"imported: {dashboard_url(url)}")
    else:
        dashboard = client.dashboard()
        files = write_export(client.export_dashboard(dashboard["id"]), settings)
        print(f"wrote {len(files)} files under {EXPORT_DIR.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
