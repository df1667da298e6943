"""The scenario service's PostgreSQL tables (postgres/migrations/0003), tenant-scoped.

Every function takes the tenant id and puts it in every WHERE clause and every insert:
there is no call that reads or writes a row without naming its tenant, so another
tenant's id simply finds nothing (the API answers 404). Assumptions are validated
(`aurum.scenarios.models.Scenario`) before they get here and stored as one settings
row per version plus one `scenario_assumption_value` row per driver.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from aurum.kafka.codec import SUBJECT_HEADER, encode
from aurum.kafka.topics import SCENARIO_REQUEST_TOPIC
from aurum.scenarios.models import Scenario, parse_scenario
from aurum.scenarios.output_contract import RESULT_COLUMN_NAMES

DRIVER_IDS = {"policy": 1, "load_growth": 2, "fuel_curve": 3, "fleet_change": 4}
SCENARIO_REQUEST_SUBJECT = SCENARIO_REQUEST_TOPIC


@dataclass(frozen=True)
class ScenarioRecord:
    tenant_id: str
    id: uuid.UUID
    name: str
    description: str | None
    version: int
    assumptions: dict[str, Any]
    created_by: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RunRecord:
    tenant_id: str
    id: uuid.UUID
    scenario_id: uuid.UUID
    assumption_version: int
    request_id: uuid.UUID
    status: str
    attempts: int
    dbt_target: str | None
    requested_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    result_rows: int | None
    last_interruption: str | None = None
    queue: str = SCENARIO_REQUEST_TOPIC


class QuotaExceeded(Exception):
    """The tenant already has `limit` runs queued or running (the API answers 429)."""

    def __init__(self, active: int, limit: int):
        super().__init__(f"{active} runs are queued or running; the limit is {limit}")
        self.active, self.limit = active, limit


def _split(scenario: Scenario) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(scenario-wide settings, driver payloads) as JSON-ready dicts."""
    data = scenario.model_dump(mode="json")
    drivers = data.pop("drivers")
    data.pop("name")
    data.pop("description")
    return data, drivers


def _insert_version(
    cur: psycopg.Cursor,
    tenant_id: str,
    scenario_id: uuid.UUID,
    version: int,
    scenario: Scenario,
    created_by: str | None,
) -> None:
    settings, drivers = _split(scenario)
    cur.execute(
        """
        insert into app.scenario_version
            (tenant_id, scenario_id, version, name, description, settings, created_by)
        values (%s, %s, %s, %s, %s, %s, %s)
        """,
        (tenant_id, scenario_id, version, scenario.name, scenario.description,
         Jsonb(settings), created_by),
    )  # fmt: skip
    cur.executemany(
        """
        insert into app.scenario_assumption_value
            (tenant_id, scenario_id, driver_id, payload, version, ordinal)
        values (%s, %s, %s, %s, %s, %s)
        """,
        [
            (tenant_id, scenario_id, DRIVER_IDS[d["type"]], Jsonb(d), version, i)
            for i, d in enumerate(drivers)
        ],
    )


def create_scenario(
    conn: psycopg.Connection, tenant_id: str, scenario: Scenario, created_by: str | None
) -> ScenarioRecord:
    scenario_id = uuid.uuid4()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """
            insert into app.scenario (tenant_id, id, name, description, created_by)
            values (%s, %s, %s, %s, %s)
            """,
            (tenant_id, scenario_id, scenario.name, scenario.description, created_by),
        )
        _insert_version(cur, tenant_id, scenario_id, 1, scenario, created_by)
    record = get_scenario(conn, tenant_id, scenario_id)
    assert record is not None
    return record


def add_version(
    conn: psycopg.Connection,
    tenant_id: str,
    scenario_id: uuid.UUID,
    scenario: Scenario,
    created_by: str | None,
) -> ScenarioRecord | None:
    """New assumptions become version n+1; earlier versions stay as they were."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """
            update app.scenario
               set current_version = current_version + 1, name = %s, description = %s,
                   updated_at = now()
             where tenant_id = %s and id = %s
            returning current_version
            """,
            (scenario.name, scenario.description, tenant_id, scenario_id),
        )
        row = cur.fetchone()
        if row is None:
            return None
        _insert_version(cur, tenant_id, scenario_id, row[0], scenario, created_by)
    return get_scenario(conn, tenant_id, scenario_id)


_SCENARIO_SELECT = """
    select s.tenant_id, s.id, s.name, s.description, s.current_version as version,
           s.created_by, s.created_at, s.updated_at, v.settings,
           coalesce((select jsonb_agg(a.payload order by a.ordinal)
                       from app.scenario_assumption_value a
                      where a.tenant_id = v.tenant_id and a.scenario_id = v.scenario_id
                        and a.version = v.version), '[]'::jsonb) as drivers
      from app.scenario s
      join app.scenario_version v
        on v.tenant_id = s.tenant_id and v.scenario_id = s.id and v.version = s.current_version
"""


def _scenario_record(row: dict[str, Any]) -> ScenarioRecord:
    assumptions = {"name": row["name"], "description": row["description"], **row["settings"]}
    assumptions["drivers"] = row["drivers"]
    return ScenarioRecord(
        tenant_id=row["tenant_id"],
        id=row["id"],
        name=row["name"],
        description=row["description"],
        version=row["version"],
        assumptions=assumptions,
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def get_scenario(
    conn: psycopg.Connection, tenant_id: str, scenario_id: uuid.UUID
) -> ScenarioRecord | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            _SCENARIO_SELECT + " where s.tenant_id = %s and s.id = %s", (tenant_id, scenario_id)
        )
        row = cur.fetchone()
    return None if row is None else _scenario_record(row)


def list_scenarios(
    conn: psycopg.Connection, tenant_id: str, *, limit: int, offset: int
) -> tuple[list[ScenarioRecord], int]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            _SCENARIO_SELECT
            + " where s.tenant_id = %s order by s.created_at desc, s.id limit %s offset %s",
            (tenant_id, limit, offset),
        )
        rows = cur.fetchall()
        cur.execute("select count(*) as n from app.scenario where tenant_id = %s", (tenant_id,))
        total = cur.fetchone()["n"]
    return [_scenario_record(r) for r in rows], total


def load_assumptions(
    conn: psycopg.Connection, tenant_id: str, scenario_id: uuid.UUID, version: int
) -> Scenario:
    """The validated assumptions of one version, exactly as stored (re-validated)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """
            select v.name, v.description, v.settings,
                   coalesce((select jsonb_agg(a.payload order by a.ordinal)
                               from app.scenario_assumption_value a
                              where a.tenant_id = v.tenant_id and a.scenario_id = v.scenario_id
                                and a.version = v.version), '[]'::jsonb) as drivers
              from app.scenario_version v
             where v.tenant_id = %s and v.scenario_id = %s and v.version = %s
            """,
            (tenant_id, scenario_id, version),
        )
        row = cur.fetchone()
    if row is None:
        raise LookupError(f"scenario {scenario_id} version {version} not found for {tenant_id}")
    return parse_scenario(
        {"name": row["name"], "description": row["description"], **row["settings"],
         "drivers": row["drivers"]}
    )  # fmt: skip


# -- runs ------------------------------------------------------------------------------


def request_message(run: RunRecord) -> dict[str, Any]:
    """The scenario.request.v1 record for a run (schemas/avro/scenario.request.v1.avsc)."""
    return {
        "request_id": str(run.request_id),
        "run_id": str(run.id),
        "scenario_id": str(run.scenario_id),
        "tenant_id": run.tenant_id,
        "assumption_version": run.assumption_version,
        "dbt_select": "scenario_output",
        "requested_by": run.requested_by,
        "requested_at": run.created_at,
    }


def create_run(
    conn: psycopg.Connection,
    tenant_id: str,
    scenario_id: uuid.UUID,
    *,
    version: int | None,
    requested_by: str | None,
    dbt_target: str,
    topic: str = SCENARIO_REQUEST_TOPIC,
    max_active: int | None = None,
) -> RunRecord | None:
    """Insert the run and its scenario.request.v1 outbox row in ONE transaction.

    The run joins the queue named after `topic`, whose workers claim it
    (`aurum.scenarios.run_queue`). Returns None when the scenario (or the asked-for
    version) is not the tenant's. With
    `max_active`, raises QuotaExceeded when the tenant already has that many runs queued
    or running; a transaction-scoped advisory lock per tenant makes concurrent requests
    (any API process) count one after the other, so a burst cannot overshoot the quota.
    """
    run_id, request_id = uuid.uuid4(), uuid.uuid4()
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        if max_active is not None:
            cur.execute("select pg_advisory_xact_lock(hashtext(%s))", ("aurum.quota:" + tenant_id,))
            cur.execute(
                "select count(*) as n from app.scenario_run"
                " where tenant_id = %s and status in ('queued', 'running')",
                (tenant_id,),
            )
            active = cur.fetchone()["n"]
            if active >= max_active:
                raise QuotaExceeded(active, max_active)
        cur.execute(
            """
            select v.version
              from app.scenario s
              join app.scenario_version v on v.tenant_id = s.tenant_id and v.scenario_id = s.id
             where s.tenant_id = %s and s.id = %s and v.version = coalesce(%s, s.current_version)
            """,
            (tenant_id, scenario_id, version),
        )
        found = cur.fetchone()
        if found is None:
            return None
        cur.execute(
            """
            insert into app.scenario_run
                (tenant_id, id, scenario_id, assumption_version, request_id, requested_by,
                 dbt_target, queue)
            values (%s, %s, %s, %s, %s, %s, %s, %s)
            returning *
            """,
            (
                tenant_id,
                run_id,
                scenario_id,
                found["version"],
                request_id,
                requested_by,
                dbt_target,
                topic,
            ),
        )
        run = RunRecord(**cur.fetchone())
        cur.execute(
            """
            insert into app.outbox (topic, message_key, payload, headers)
            values (%s, %s, %s, %s)
            """,
            (
                topic,
                str(run.id),
                encode(SCENARIO_REQUEST_SUBJECT, request_message(run)),
                Jsonb({SUBJECT_HEADER: SCENARIO_REQUEST_SUBJECT}),
            ),
        )
    return run


def typical_run_seconds(conn: psycopg.Connection, tenant_id: str, default: float = 10.0) -> float:
    """The median duration of the tenant's last 20 finished runs (for a Retry-After)."""
    row = conn.execute(
        """
        select percentile_cont(0.5) within group (
                   order by extract(epoch from finished_at - started_at))
          from (select started_at, finished_at from app.scenario_run
                 where tenant_id = %s and finished_at is not null and started_at is not null
                 order by finished_at desc limit 20) recent
        """,
        (tenant_id,),
    ).fetchone()
    return float(row[0]) if row and row[0] is not None else default


def get_run(
    conn: psycopg.Connection, tenant_id: str, scenario_id: uuid.UUID, run_id: uuid.UUID
) -> RunRecord | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "select * from app.scenario_run where tenant_id = %s and scenario_id = %s and id = %s",
            (tenant_id, scenario_id, run_id),
        )
        row = cur.fetchone()
    return None if row is None else RunRecord(**row)


def list_runs(
    conn: psycopg.Connection, tenant_id: str, scenario_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[RunRecord], int]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """
            select * from app.scenario_run where tenant_id = %s and scenario_id = %s
             order by created_at desc, id limit %s offset %s
            """,
            (tenant_id, scenario_id, limit, offset),
        )
        rows = cur.fetchall()
        cur.execute(
            "select count(*) as n from app.scenario_run where tenant_id = %s and scenario_id = %s",
            (tenant_id, scenario_id),
        )
        total = cur.fetchone()["n"]
    return [RunRecord(**r) for r in rows], total


# The run's result columns: scenario_output's dbt contract (aurum.scenarios.output_contract).
OUTPUT_COLUMNS = RESULT_COLUMN_NAMES


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
        total = cur.fetchone()["n"]
    return rows, total


# -- the worker's side -----------------------------------------------------------------


class ClaimLost(RuntimeError):
    """Another attempt owns the run now; this one must not write its outcome."""


def claim_run(conn: psycopg.Connection, tenant_id: str, run_id: uuid.UUID) -> RunRecord | None:
    """Mark one named queued (or interrupted running) run as running; None if it is done.

    The worker claims through `aurum.scenarios.run_queue` (fair between tenants, with
    liveness locks); this direct claim serves tools and tests that execute one run.
    """
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """
            update app.scenario_run
               set status = 'running', attempts = attempts + 1, started_at = clock_timestamp()
             where tenant_id = %s and id = %s and status in ('queued', 'running')
            returning *
            """,
            (tenant_id, run_id),
        )
        row = cur.fetchone()
    return None if row is None else RunRecord(**row)


def complete_run(
    conn: psycopg.Connection,
    tenant_id: str,
    run_id: uuid.UUID,
    rows: list[tuple],
    attempt: int | None = None,
) -> int:
    """Replace the run's output rows and mark it succeeded, atomically. Rows follow OUTPUT_COLUMNS.

    With `attempt`, only that attempt of a running run may complete it (a fencing token):
    an attempt that lost its claim (its session ended and another worker reclaimed the
    run) raises ClaimLost and writes nothing.
    """
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """
            update app.scenario_run
               set status = 'succeeded', finished_at = clock_timestamp(), result_rows = %s,
                   error = null
             where tenant_id = %s and id = %s
               and (%s::integer is null or (status = 'running' and attempts = %s::integer))
            """,
            (len(rows), tenant_id, run_id, attempt, attempt),
        )
        if cur.rowcount != 1:
            raise ClaimLost(f"run {run_id} attempt {attempt} is no longer this worker's")
        cur.execute(
            "delete from app.scenario_run_output where tenant_id = %s and run_id = %s",
            (tenant_id, run_id),
        )
        columns = ", ".join(("tenant_id", "run_id", *OUTPUT_COLUMNS))
        with cur.copy(f"copy app.scenario_run_output ({columns}) from stdin") as copy:
            for row in rows:
                copy.write_row((tenant_id, run_id, *row))
    return len(rows)


def fail_run(
    conn: psycopg.Connection,
    tenant_id: str,
    run_id: uuid.UUID,
    error: str,
    attempt: int | None = None,
) -> None:
    with conn.transaction():
        conn.execute(
            """
            update app.scenario_run
               set status = 'failed', finished_at = clock_timestamp(), error = %s
             where tenant_id = %s and id = %s and status <> 'succeeded'
               and (%s::integer is null or attempts = %s::integer)
            """,
            (error[:4000] or "failed", tenant_id, run_id, attempt, attempt),
        )


def record_interruption(
    conn: psycopg.Connection, tenant_id: str, run_id: uuid.UUID, reason: str
) -> None:
    """Note why an attempt was cut short; the run stays `running` for a retry."""
    conn.execute(
        "update app.scenario_run set last_interruption = %s"
        " where tenant_id = %s and id = %s and status = 'running'",
        (reason[:4000], tenant_id, run_id),
    )
