"""Result storage and paging: a run's scenario_output rows in `app.scenario_run_output`.

The columns are scenario_output's dbt contract (`aurum.scenarios.output_contract`); the
rows are replaced as a whole inside the transaction that marks the run succeeded
(`run_store.complete_run`), and read back a page at a time, tenant-scoped.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from aurum.db import one_row
from aurum.scenarios.output_contract import RESULT_COLUMN_NAMES

# The run's result columns: scenario_output's dbt contract (aurum.scenarios.output_contract).
OUTPUT_COLUMNS = RESULT_COLUMN_NAMES


def replace_results(
    cur: psycopg.Cursor, tenant_id: str, run_id: uuid.UUID, rows: list[tuple]
) -> None:
    """Delete the run's rows and COPY `rows` (in OUTPUT_COLUMNS order), in the caller's
    transaction."""
    cur.execute(
        "delete from app.scenario_run_output where tenant_id = %s and run_id = %s",
        (tenant_id, run_id),
    )
    columns = ", ".join(("tenant_id", "run_id", *OUTPUT_COLUMNS))
    with cur.copy(f"copy app.scenario_run_output ({columns}) from stdin") as copy:
        for row in rows:
            copy.write_row((tenant_id, run_id, *row))


def result_page(
    conn: psycopg.Connection,
    tenant_id: str,
    run_id: uuid.UUID,
    *,
    location_ids: list[str],
    start: datetime | None,
    end: datetime | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """A page of one run's scenario_output rows, filtered by location and [start, end)."""
    where = ["tenant_id = %s", "run_id = %s"]
    params: list[Any] = [tenant_id, run_id]
    if location_ids:
        where.append("location_id = any(%s)")
        params.append(location_ids)
    if start is not None:
        where.append("interval_start_utc >= %s")
        params.append(start)
    if end is not None:
        where.append("interval_start_utc < %s")
        params.append(end)
    condition = " and ".join(where)
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"select {', '.join(OUTPUT_COLUMNS)} from app.scenario_run_output where {condition}"
            " order by iso_code, market, location_id, interval_start_utc limit %s offset %s",
            [*params, limit, offset],
        )
        rows = cur.fetchall()
        cur.execute(f"select count(*) as n from app.scenario_run_output where {condition}", params)
        total = one_row(cur)["n"]
    return rows, total
