"""Where things are: the package's own data, and the checkout (when there is one).

Two kinds of files, found two ways, and nothing else in the package finds files:

- **Package data** (Avro schemas, source catalogs, vocabulary, SeaTunnel templates,
  example requests): inside `aurum/`, installed with the wheel, read through
  `importlib.resources` (`resource`). They work from a wheel as from a checkout.
- **The checkout** (the dbt project, seeds, scripts/services, ops/ configuration, docs/):
  files of the repository, not of the package. `dbt_project_dir` honours the setting
  `AURUM_DBT_PROJECT_DIR` and defaults to `project_root()`: the checkout, else the
  current directory (as dbt itself does).

`checkout()` never walks up from `__file__`: it is the source tree this package was
installed from in editable mode (`uv sync` does so; PEP 610's direct_url.json records the
directory), else the current directory if it holds a dbt project, else None (a wheel
installed elsewhere, where only package data is available).
"""

from __future__ import annotations

import functools
import json
from importlib import metadata, resources
from importlib.abc import Traversable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from aurum.settings import Settings


def resource(package: str, *parts: str) -> Traversable:
    """A file or folder of package data, e.g. resource("aurum.kafka", "avro")."""
    node = resources.files(package)
    for part in parts:
        node = node / part
    return node


def package_dir(package: str) -> Path:
    """A package's folder as a Path, for code that globs it. Wheels install unpacked (a
    zip import would have no folder), so this is the folder importlib.resources reads."""
    node = resources.files(package)
    if not isinstance(node, Path):
        raise TypeError(f"{package} is not installed as files ({node!r})")
    return node


def _editable_source() -> Path | None:
    try:
        text = metadata.distribution("aurum").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    info = json.loads(text)
    if not info.get("dir_info", {}).get("editable"):
        return None
    url = urlsplit(info.get("url", ""))
    return Path(unquote(url.path)) if url.scheme == "file" else None


@functools.cache
def checkout() -> Path | None:
    """The repository this package runs from, or None (see the module doc)."""
    for candidate in (_editable_source(), Path.cwd()):
        if candidate is not None and (candidate / "dbt_project.yml").is_file():
            return candidate.resolve()
    return None


def project_root() -> Path:
    """The checkout, else the current directory (where dbt itself looks for a project)."""
    return checkout() or Path.cwd().resolve()


def require_checkout(what: str) -> Path:
    """The checkout, or a clear error naming what needed it."""
    root = checkout()
    if root is None:
        raise FileNotFoundError(
            f"{what} needs the Aurum repository (a checkout); none found: run from the "
            "checkout or install it editable (uv sync)"
        )
    return root


def dbt_project_dir(settings: Settings | None = None) -> Path:
    """The dbt project to build: AURUM_DBT_PROJECT_DIR, else `project_root()`."""
    configured = (settings or Settings()).dbt_project_dir
    return configured.resolve() if configured is not None else project_root()
