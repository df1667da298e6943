"""var("cpi_series_id") never reaches SQL as raw text: the var is checked against the
PPA contract's series pattern when the project is parsed, and int_cpi__monthly_index
renders it as an escaped literal besides."""

from __future__ import annotations

import pytest

from aurum.dbt_runner import DbtFailed, run_dbt
from aurum.dbt_vars.text import vars_text

pytestmark = pytest.mark.integration


def _compile(series_id: str, tmp_path) -> str:
    result = run_dbt(
        ["compile", "--select", "int_cpi__monthly_index", "--vars",
         vars_text({"cpi_series_id": series_id})],
        duckdb_path=tmp_path / "compile.duckdb",
        target_path=tmp_path / "target",
    )  # fmt: skip
    (node,) = [r.node for r in result.result.results if r.node.resource_type == "model"]
    return node.compiled_code


def test_the_series_id_is_a_literal_and_a_hostile_one_fails_at_parse(tmp_path):
    assert "where series_id = 'CUUR0000SA0'" in _compile("CUUR0000SA0", tmp_path / "ok")
    with pytest.raises(DbtFailed, match=r"var cpi_series_id: must match"):
        _compile("CPIAUCSL' or '1'='1", tmp_path / "hostile")
