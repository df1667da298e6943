"""The benchmarks' data generators fit today's tables (at a tiny scale): a landing table
or a contract that grows a column must break here, not on the next `make bench`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from aurum.ingest.land import land_path
from aurum.ingest.landing import ensure_landing_tables
from aurum.sources import FORMATS
from benchmarks import incremental_lmp, lmp_normalisation, scenario_output
from benchmarks.common import PJM_SAMPLE


@pytest.fixture
def landed(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "aurum.duckdb")) as conn:
        ensure_landing_tables(conn, FORMATS)
        land_path(conn, PJM_SAMPLE)
        yield conn


def test_lmp_generator_inserts_landing_rows(landed: duckdb.DuckDBPyConnection) -> None:
    before = landed.execute("select count(*) from landing.pjm_dataminer_lmp").fetchone()[0]
    landed.execute(lmp_normalisation.generate_sql(locations=30, hours=5))
    after = landed.execute("select count(*) from landing.pjm_dataminer_lmp").fetchone()[0]
    assert after - before == 30 * 5
    hubs = landed.execute(
        "select count(distinct pnode_id) from landing.pjm_dataminer_lmp"
        " where _source_file = 'generated_da_hrl_lmps.csv' and type = 'HUB'"
    ).fetchone()[0]
    assert hubs == 12  # the real hubs keep their ids


def test_incremental_generator_lands_one_file_per_day(landed: duckdb.DuckDBPyConnection) -> None:
    landed.execute("create table main.hub_sample as select * from landing.pjm_dataminer_lmp")
    for day in (0, 1):
        landed.execute(incremental_lmp.day_sql(day, locations=30))
    files = landed.execute(
        "select _source_file, min(_loaded_at), count(*), count(distinct (pnode_id, datetime_beginning_utc))"
        " from landing.pjm_dataminer_lmp where _source_file like 'generated_%' group by 1 order by 1"
    ).fetchall()
    assert [(f[0], str(f[1]), f[2], f[3]) for f in files] == [
        ("generated_da_hrl_lmps_2025-01-01.csv", "2025-01-02 06:00:00", 30 * 24, 30 * 24),
        ("generated_da_hrl_lmps_2025-01-02.csv", "2025-01-03 06:00:00", 30 * 24, 30 * 24),
    ]


@pytest.mark.integration
def test_scenario_generator_matches_the_fct_lmp_contract(
    landed: duckdb.DuckDBPyConnection, demo_warehouse: duckdb.DuckDBPyConnection
) -> None:
    landed.execute(scenario_output.generate_sql(locations=30, hours=5))
    generated = landed.execute("describe market.fct_lmp").fetchall()
    built = demo_warehouse.execute("describe market.fct_lmp").fetchall()
    assert [(c[0], c[1]) for c in generated] == [(c[0], c[1]) for c in built]
    assert landed.execute("select count(*) from market.fct_lmp").fetchone()[0] == 150
