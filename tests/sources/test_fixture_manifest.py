"""Every real fixture listed in tests/fixtures/MANIFEST.md is there, byte for byte."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _listed() -> dict[str, str]:
    text = (FIXTURES / "MANIFEST.md").read_text()
    real = text.split("## Real published files", 1)[1].split("## Constructed", 1)[0]
    return dict(re.findall(r"^\| ([^|]+?) \|.*\| ([0-9a-f]{64}) \|", real, flags=re.MULTILINE))


def test_every_real_fixture_has_its_published_bytes():
    listed = _listed()
    assert listed
    for relative, digest in listed.items():
        assert hashlib.sha256((FIXTURES / relative).read_bytes()).hexdigest() == digest, relative


def test_every_fixture_file_is_listed_or_constructed():
    listed = set(_listed())
    text = (FIXTURES / "MANIFEST.md").read_text()
    for path in FIXTURES.rglob("*"):
        relative = str(path.relative_to(FIXTURES))
        if path.is_file() and path.suffix != ".md":
            assert relative in listed or path.name in text or path.parent.name in text, relative
