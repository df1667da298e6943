"""The import layers: aurum.sources at the bottom, aurum.kafka on it, aurum.ingest on both.

Read from the code itself (every `import` statement, also inside functions), so a cycle
cannot come back through a lazy import.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "aurum"

# package -> aurum packages it may import (besides itself); settings and paths are the
# foundation every layer may read (aurum.settings imports no aurum module, paths only settings).
ALLOWED = {
    "sources": {"settings", "paths"},
    "kafka": {"sources", "settings", "paths"},
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name == "aurum" or name.startswith("aurum.")}


def test_lower_layers_import_nothing_above_them():
    problems = []
    for package, allowed in ALLOWED.items():
        for path in (SRC / package).rglob("*.py"):
            for name in _imports(path):
                top = name.split(".")[1] if "." in name else ""
                if top != package and top not in allowed:
                    problems.append(f"{path.relative_to(SRC)} imports {name}")
    assert problems == []


def test_kafka_and_ingest_no_longer_import_each_other_both_ways():
    kafka_to_ingest = [
        str(p.relative_to(SRC))
        for p in (SRC / "kafka").rglob("*.py")
        if any(n.startswith("aurum.ingest") for n in _imports(p))
    ]
    assert kafka_to_ingest == []
