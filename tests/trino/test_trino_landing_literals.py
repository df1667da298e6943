"""aurum.trino_landing's INSERT path: typed literals and statement batching (no Trino)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from aurum import trino_landing
from aurum.trino_landing import insert_statements, literal


@pytest.mark.parametrize(
    ("value", "sql"),
    [
        (None, "null"),
        (True, "true"),
        (7, "7"),
        (0.1, "DOUBLE '0.1'"),
        (-1e-300, "DOUBLE '-1e-300'"),
        (float("nan"), "nan()"),
        (float("-inf"), "-infinity()"),
        (date(2024, 3, 10), "DATE '2024-03-10'"),
        (datetime(2024, 11, 3, 1, 30, 0, 123456), "TIMESTAMP '2024-11-03 01:30:00.123456'"),
        ("O'Brien", "'O''Brien'"),
    ],
)
def test_trino_literal(value: object, sql: str) -> None:
    assert literal(value) == sql


def test_trino_literal_rejects_unknown_types() -> None:
    with pytest.raises(TypeError):
        literal(b"bytes")


def test_trino_insert_statements_stay_under_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trino_landing, "MAX_STATEMENT_CHARS", 200)
    rows = [(i, f"node {i}") for i in range(50)]
    statements = list(insert_statements("iceberg.landing.t", ["id", "name"], rows))
    assert len(statements) > 1
    assert all(len(s) <= 200 for s in statements)
    assert all(
        s.startswith('insert into iceberg.landing.t ("id", "name") values') for s in statements
    )
    assert sum(s.count("'node ") for s in statements) == 50
