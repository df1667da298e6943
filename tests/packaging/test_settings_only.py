"""Configuration has one reader and package files one finder (issue 16, items 2 and 3).

Read from the code itself (AST, also inside functions): a module other than
aurum/settings.py that touches os.environ / os.getenv / os.putenv fails here, and so
does any module that walks up from `__file__` to find the repository.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from aurum.settings import BackfillSettings, Settings, SourceSettings, TrinoSettings, explain

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [ROOT / "src", ROOT / "orchestration", ROOT / "scripts"]
# The one module that reads the environment (and hands it to dbt and to child processes).
ALLOWED = {ROOT / "src" / "aurum" / "settings.py"}
ENV_NAMES = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def _python_files() -> list[Path]:
    return sorted(p for folder in SCANNED for p in folder.rglob("*.py") if ".venv" not in p.parts)


def environment_uses(tree: ast.AST) -> list[int]:
    """Lines that use the process environment: os.environ…, os.getenv(…), `from os import
    environ`, or `import os as x` followed by x.environ."""
    os_names = {"os"}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {a.asname for a in node.names if a.name == "os" and a.asname}
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines += [node.lineno for a in node.names if a.name in ENV_NAMES]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ENV_NAMES
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            lines.append(node.lineno)
    return sorted(lines)


def walks_up_from_file(tree: ast.AST) -> list[int]:
    """Lines with `….parents[N]` or `.parent.parent` on an expression mentioning __file__."""
    lines = []
    for node in ast.walk(tree):
        mentions_file = any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(node))
        if not mentions_file:
            continue
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            if node.value.attr == "parents":
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "parent"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parent"
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_only_settings_reads_or_writes_the_environment():
    found = []
    for path in _python_files():
        if path in ALLOWED:
            continue
        for line in environment_uses(ast.parse(path.read_text(), str(path))):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == [], "use aurum.settings (Settings, child_environment, dbt_environment)"


def test_nothing_walks_up_to_the_repository():
    found = []
    for path in _python_files():
        for line in walks_up_from_file(ast.parse(path.read_text(), str(path))):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == [], "use aurum.paths (package data, or the checkout)"


@pytest.mark.parametrize(
    "code",
    [
        "import os\nos.environ['A'] = '1'",
        "import os\nx = os.getenv('A')",
        "from os import environ",
        "import os as o\no.environ.get('A')",
        "import os\ndef f():\n    return {**os.environ}",
    ],
)
def test_the_guard_sees_each_way_in(code):
    assert environment_uses(ast.parse(code)) != []


def test_the_guard_sees_walking_up():
    assert walks_up_from_file(ast.parse("from pathlib import Path\nP = Path(__file__).parents[3]"))
    assert walks_up_from_file(ast.parse("P = Path(__file__).resolve().parent.parent / 'x'"))
    assert not walks_up_from_file(ast.parse("P = Path(__file__).parent / 'x'"))


def test_user_variable_names_kept(monkeypatch):
    """The groups read the AURUM_* names users already set (none was renamed)."""
    values = {
        "AURUM_TRINO_HOST": "trino.example",
        "AURUM_TRINO_PORT": "8443",
        "AURUM_TRINO_PASSWORD": "s3cret",
        "AURUM_TRINO_PG_SCHEMA": "ice",
        "AURUM_TRINO_ICEBERG_CATALOG_NAME": "cat",
        "AURUM_BACKFILL_DAYS": "5",
        "AURUM_BACKFILL_HISTORY_LIMIT": "9",
        "AURUM_SOURCE_BASE_URL": "http://127.0.0.1:9/",
        "AURUM_EIA_API_KEY": "eia-key",
        "AURUM_FRED_API_KEY": "fred-key",
        "AURUM_DBT_PROJECT_DIR": "/srv/aurum-dbt",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert (settings.trino.host, settings.trino.port) == ("trino.example", 8443)
    assert settings.trino.password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)  # secrets stay out of logs
    assert (settings.trino.pg_schema, settings.trino.iceberg_catalog_name) == ("ice", "cat")
    assert (settings.backfill.days, settings.backfill.history_limit) == (5, 9)
    assert settings.sources.base_url == "http://127.0.0.1:9"
    assert settings.sources.api_key("eia_api_key") == "eia-key"
    assert settings.sources.api_key("fred_api_key") == "fred-key"
    assert "eia-key" not in repr(settings)
    assert settings.dbt_project_dir == Path("/srv/aurum-dbt")
    assert TrinoSettings.variable("pg_schema") == "AURUM_TRINO_PG_SCHEMA"
    assert SourceSettings.variable("eia_api_key") == "AURUM_EIA_API_KEY"


def test_a_bad_value_names_its_variable():
    with pytest.raises(ValidationError) as caught:
        BackfillSettings.from_environ({"AURUM_BACKFILL_DAYS": "seven"})
    assert (
        explain(caught.value, BackfillSettings) == "AURUM_BACKFILL_DAYS='seven' is not an integer"
    )


def test_every_source_key_is_a_setting():
    from aurum.sources import SOURCES

    keys = {s.api_key for s in SOURCES.values() if s.api_key}
    assert keys == {"eia_api_key", "fred_api_key"}
    assert keys <= set(SourceSettings.model_fields)


def test_dbt_project_is_a_setting_with_the_checkout_as_default(tmp_path):
    from aurum.paths import checkout, dbt_project_dir

    assert checkout() == ROOT  # this checkout, found without walking up from a file
    assert dbt_project_dir(Settings(dbt_project_dir=None)) == ROOT
    assert dbt_project_dir(Settings(dbt_project_dir=tmp_path)) == tmp_path.resolve()
