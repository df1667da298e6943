"""The run queue: `app.scenario_run` is the queue of record; workers claim from it fairly.

A Kafka `scenario.request.v1` message only wakes a worker up. What the worker runs next
is decided here, in PostgreSQL, so one tenant's backlog cannot hold another tenant's
run behind it (issue 10: a fuzzing tenant's 58 queued runs held another's for minutes):

1. **An interrupted run first.** A `running` run whose worker is gone is claimed again
   (attempts + 1). A worker holds a session-level advisory lock on each run it executes;
   PostgreSQL releases it when that session ends (the worker died, or lost its
   connection), so `pg_try_advisory_lock` succeeding on a `running` run means nobody is
   executing it. No heartbeat, no timeout to tune.
2. **Else the fairest queued run:** the tenant with the fewest runs executing now, then
   the fewest runs started within `RECENT_SECONDS`, then the oldest run
   (`FOR UPDATE SKIP LOCKED`, so workers never claim the same row).

A worker claims only from its queue, named after its request topic
(AURUM_SCENARIO_REQUEST_TOPIC), as the topic alone decided what it ran before.

The lock is taken inside the claiming transaction, before it commits: another worker
can never see the run `running` with its lock free. `attempts` is the fencing token a
worker passes when it writes the outcome (`store.complete_run`), so an attempt whose
claim was lost writes nothing.
"""

from __future__ import annotations

import uuid

import psycopg
from psycopg.rows import dict_row

from aurum.scenarios.store import RunRecord

# Two-key advisory locks (class, hashtext(run id)) never collide with the one-key locks
# of the warehouse and the migrations.
RUN_LOCK_CLASS = 0x41525552
# How far back "recently started" looks when ranking tenants.
RECENT_SECONDS = 300


def _lock(cur: psycopg.Cursor, run_id: uuid.UUID, *, wait: bool) -> bool:
    if wait:
        cur.execute("select pg_advisory_lock(%s, hashtext(%s))", (RUN_LOCK_CLASS, str(run_id)))
        return True
    cur.execute("select pg_try_advisory_lock(%s, hashtext(%s))", (RUN_LOCK_CLASS, str(run_id)))
    return bool(cur.fetchone()[0])


def hold(conn: psycopg.Connection, run_id: uuid.UUID) -> None:
    """Take this session's lock on a run claimed some other way (`store.claim_run`)."""
    with conn.cursor() as cur:
        _lock(cur, run_id, wait=True)


def release(conn: psycopg.Connection, run_id: uuid.UUID) -> None:
    """Give up this session's lock on a run (its outcome is written, or it will be retried)."""
    conn.execute("select pg_advisory_unlock(%s, hashtext(%s))", (RUN_LOCK_CLASS, str(run_id)))


def _reclaim_interrupted(conn: psycopg.Connection, queue: str) -> RunRecord | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "select tenant_id, id, attempts from app.scenario_run"
            " where status = 'running' and queue = %s order by started_at, id",
            (queue,),
        )
        candidates = cur.fetchall()
    for candidate in candidates:
        with conn.cursor() as cur:
            if not _lock(cur, candidate["id"], wait=False):
                continue  # its worker is alive and holds it
        with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
            cur.execute(
                """
                update app.scenario_run
                   set attempts = attempts + 1, started_at = clock_timestamp()
                 where tenant_id = %s and id = %s and status = 'running' and attempts = %s
                returning *
                """,
                (candidate["tenant_id"], candidate["id"], candidate["attempts"]),
            )
            row = cur.fetchone()
        if row is not None:
            return RunRecord(**row)
        release(conn, candidate["id"])  # finished or reclaimed meanwhile
    return None


def _claim_fairest(conn: psycopg.Connection, queue: str) -> RunRecord | None:
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """
            with load as (
                select tenant_id,
                       count(*) filter (where status = 'running') as running,
                       count(*) filter (
                           where started_at >= now() - make_interval(secs => %(recent)s)
                       ) as recent
                  from app.scenario_run
                 where queue = %(queue)s
                   and (status = 'running'
                        or started_at >= now() - make_interval(secs => %(recent)s))
                 group by tenant_id
            ),
            candidate as (
                select r.tenant_id, r.id
                  from app.scenario_run r
                  left join load l on l.tenant_id = r.tenant_id
                 where r.status = 'queued' and r.queue = %(queue)s
                 order by coalesce(l.running, 0), coalesce(l.recent, 0), r.created_at, r.id
                 limit 1
                   for update of r skip locked
            )
            update app.scenario_run r
               set status = 'running', attempts = r.attempts + 1,
                   started_at = clock_timestamp()
              from candidate c
             where r.tenant_id = c.tenant_id and r.id = c.id
            returning r.*
            """,
            {"recent": RECENT_SECONDS, "queue": queue},
        )
        row = cur.fetchone()
        if row is None:
            return None
        _lock(cur, row["id"], wait=True)  # before commit: nobody sees it running unlocked
    return RunRecord(**row)


def claim_next(conn: psycopg.Connection, queue: str) -> RunRecord | None:
    """Claim the next run of `queue` for this session (which then holds its lock), or None.

    The connection must be in autocommit mode and stay open while the run executes;
    closing it (or `release`) lets the run be reclaimed if it is still `running`.
    """
    return _reclaim_interrupted(conn, queue) or _claim_fairest(conn, queue)


def run_status(conn: psycopg.Connection, tenant_id: str, run_id: uuid.UUID) -> str | None:
    row = conn.execute(
        "select status from app.scenario_run where tenant_id = %s and id = %s", (tenant_id, run_id)
    ).fetchone()
    return None if row is None else row[0]
