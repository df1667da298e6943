"""Run storage and the run's state machine: queued → running → succeeded | failed.

- `create_run`: the run and its request message (outbox) in one transaction, within the
  tenant's quota of active runs;
- `claim_run` (tools, tests; the worker claims through `aurum.scenarios.run_queue`),
  `complete_run` (results and status in one transaction, fenced by the attempt),
  `fail_run`, `record_interruption` (the run stays `running` for a retry);
- reads: `get_run`, `list_runs`, `typical_run_seconds`.

Every function takes the tenant id and puts it in every WHERE clause and every insert:
there is no call that reads or writes a row without naming its tenant, so another
tenant's id simply finds nothing (the API answers 404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import dict_row

from aurum.db import one_row
from aurum.kafka.topics import SCENARIO_REQUEST_TOPIC
from aurum.scenarios import outbox, result_store


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
            active = one_row(cur)["n"]
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
        run = RunRecord(**one_row(cur))
        outbox.enqueue_request(cur, topic, run)
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
        total = one_row(cur)["n"]
    return [RunRecord(**r) for r in rows], total


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
    """Replace the run's output rows and mark it succeeded, atomically. Rows follow result_store.OUTPUT_COLUMNS.

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
        result_store.replace_results(cur, tenant_id, run_id, rows)
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
