"""Names do not matter (issue 11, must show): every bundled sample landed under a random
file name, with no extension and no directory, gives exactly the `fct_lmp` and the
reference marts that `make demo` gives (the session's demo build).

The constructed ISO-NE LMP fixtures are landed under their own names in both builds: a
web-services LMP response does not say DA or RT, so its name (the request path) must,
and a file whose name does not is refused (tests/ingest/test_isone_decoders.py).
"""

from __future__ import annotations

import secrets
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from aurum.dbt_runner import PROJECT_DIR, release_duckdb, run_dbt
from aurum.ingest.land import main as land_main

pytestmark = pytest.mark.integration

SAMPLE_DATA = PROJECT_DIR / "sample_data"
ISONE_FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "isone"
COMPARED = (
    "market.fct_lmp",
    "market.dim_location",
    "intermediate.int_carbon__allowance_prices",
    "intermediate.int_cpi__monthly_index",
    "intermediate.int_fuel__daily_prices",
    "intermediate.int_fuel__monthly_prices",
    "intermediate.int_fx__daily_rates",
    "intermediate.int_weather__location_stations",
)
# Where a row came from and when it was landed or built are expected to differ.
IGNORED = ("source_file", "loaded_at", "valid_from")


def _contents(conn: duckdb.DuckDBPyConnection) -> dict[str, Counter]:
    """Each compared table's rows (as a multiset), without the IGNORED columns."""
    out = {}
    for table in COMPARED:
        schema, name = table.split(".")
        columns = [
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns"
                " where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
        ]
        kept = [c for c in columns if not any(word in c for word in IGNORED)]
        select = ", ".join(f'"{c}"' for c in kept)
        out[table] = Counter(conn.execute(f"select {select} from {table}").fetchall())
    return out


@pytest.fixture(scope="module")
def renamed_build(tmp_path_factory, demo_build) -> Path:
    workdir = tmp_path_factory.mktemp("renamed")
    files = workdir / "files"
    files.mkdir()
    renamed = {}
    for path in sorted(SAMPLE_DATA.rglob("*")):
        if path.is_file() and path.name != "MANIFEST.md":
            name = secrets.token_hex(8)
            shutil.copyfile(path, files / name)
            renamed[name] = path
    assert len(renamed) >= 30
    database = workdir / "aurum.duckdb"
    assert land_main(["--database", str(database), str(files), str(ISONE_FIXTURES)]) == 0
    release_duckdb()  # dbt-duckdb holds the demo build's file open
    try:
        run_dbt(
            [
                "build",
                "--exclude-resource-type",
                "test",
                "unit_test",
                "--select",
                *(f"+{table.split('.')[1]}" for table in COMPARED),
            ],
            duckdb_path=database,
            target_path=workdir / "target",
        )
    finally:
        release_duckdb()
    return database


def test_every_sample_under_a_random_name_gives_the_same_marts(demo_warehouse, renamed_build):
    demo = demo_warehouse.execute("select count(*) from market.fct_lmp").fetchone()[0]
    assert demo > 50_000
    with duckdb.connect(str(renamed_build)) as conn:
        sources = {
            r[0] for r in conn.execute("select distinct source_file from market.fct_lmp").fetchall()
        }
        got = _contents(conn)
    assert all(Path(s).parent.name == "files" or "isone" in s for s in sources)
    expected = _contents(demo_warehouse)
    for table in COMPARED:
        missing, extra = expected[table] - got[table], got[table] - expected[table]
        assert not missing and not extra, (table, list(missing)[:3], list(extra)[:3])
        assert sum(got[table].values()) > 0, table
