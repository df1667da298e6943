"""The same samples built on DuckDB and on Trino + Iceberg give the same marts.

Starts Trino with scripts/services/trino.sh (PostgreSQL must be up: `make up`), copies
the DuckDB landing tables into iceberg.landing (aurum.trino_landing), runs the whole
`dbt build --target trino` (every model, seed, snapshot, data and unit test) and
compares relation by relation: equal row counts, equal values — doubles within 1e-9
relative (1e-12 absolute near zero), timestamps and everything else exact.

Fails, never skips, when Trino cannot be started. Note: it rebuilds iceberg.* of the
Trino that scripts/services/trino.sh runs for this checkout.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pytest

pytestmark = pytest.mark.integration

REL_TOL = 1e-9
ABS_TOL = 1e-12

# Relations compared, and columns left out because they record the build, not the data.
COMPARED = {
    "market.fct_lmp": (),
    "market.dim_location": ("valid_from",),  # the snapshot's run time
    "market.scenario_output": (),  # the base scenario (no var): base prices on both engines
    "intermediate.int_fx__daily_rates": (),
    "intermediate.int_cpi__monthly_index": (),
    "intermediate.int_fuel__daily_prices": (),
    "intermediate.int_fuel__monthly_prices": (),
    "intermediate.int_carbon__allowance_prices": (),
    "intermediate.int_weather__location_stations": (),
}


def _normalise(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _sort_key(row: tuple) -> tuple:
    # Floats rounded so that last-bit differences between engines do not reorder rows.
    return tuple(
        (0, "") if v is None else (1, f"{v:.9g}") if isinstance(v, float) else (1, str(v))
        for v in row
    )


def _rows(rows: list[tuple]) -> list[tuple]:
    return sorted((tuple(_normalise(v) for v in row) for row in rows), key=_sort_key)


def _equal(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return a == b


def test_trino_landing_round_trips_types(
    demo_warehouse: duckdb.DuckDBPyConnection, trino_cursor
) -> None:
    """A landing table with doubles, timestamps, dates and integers arrives unchanged."""
    table = "pjm_dataminer_lmp"
    with demo_warehouse.cursor() as duck:
        columns = [
            c
            for (c,) in duck.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'landing' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]
        select = ", ".join(f'"{c}"' for c in columns)
        expected = _rows(duck.execute(f"select {select} from landing.{table}").fetchall())
    trino_cursor.execute(f"select {select} from iceberg.landing.{table}")
    assert _rows(trino_cursor.fetchall()) == expected


@pytest.mark.parametrize("relation", sorted(COMPARED))
def test_trino_matches_duckdb(
    relation: str, demo_warehouse: duckdb.DuckDBPyConnection, trino_cursor
) -> None:
    schema, name = relation.split(".")
    with demo_warehouse.cursor() as duck:
        columns = [
            c
            for (c,) in duck.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
            if c not in COMPARED[relation]
        ]
        assert columns, f"{relation} not found in the DuckDB build"
        select = ", ".join(f'"{c}"' for c in columns)
        expected = _rows(duck.execute(f"select {select} from {schema}.{name}").fetchall())
    trino_cursor.execute(f"select {select} from iceberg.{schema}.{name}")
    actual = _rows(trino_cursor.fetchall())

    assert len(actual) == len(expected), (
        f"{relation}: {len(actual)} rows on Trino, {len(expected)} on DuckDB"
    )
    assert expected, f"{relation} is empty: nothing compared"
    mismatches = []
    for duck_row, trino_row in zip(expected, actual, strict=True):
        for column, a, b in zip(columns, duck_row, trino_row, strict=True):
            if not _equal(a, b):
                mismatches.append(f"{column}: duckdb={a!r} trino={b!r}")
        if len(mismatches) >= 10:
            break
    assert not mismatches, f"{relation} differs:\n" + "\n".join(mismatches)
