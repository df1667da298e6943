-- 0004: scenario runs over every ISO, and PostgreSQL as the queue of record (issue 10).
--
-- 1. base_energy and energy are null where an ISO publishes no price components (ERCOT)
--    or no energy component (some MISO and NYISO rows); scenario_output's contract allows
--    it, and so must the copy of its rows. 0003 required them, so every run touching such
--    a row failed on the copy (tests/api/test_default_scenario.py).
-- 2. The worker claims runs from app.scenario_run itself, fairly between tenants
--    (aurum.scenarios.run_queue). `queue` names the queue a run is in: the request topic
--    the API that created it publishes to, so workers claim only what their topic would
--    have brought them (stacks sharing one PostgreSQL, tests and benchmarks, keep apart,
--    as their private topics kept them before). The indexes serve the claim and the
--    API's per-tenant quota of active runs. `last_interruption` keeps the reason an
--    attempt was cut short (PostgreSQL, the warehouse or Kafka unreachable), so a run
--    that runs out of attempts says why.

alter table app.scenario_run_output
    alter column base_energy drop not null,
    alter column energy drop not null;

alter table app.scenario_run
    add column last_interruption text,
    add column queue text not null default 'scenario.request.v1';

create index scenario_run_queued on app.scenario_run (queue, created_at, id)
    where status = 'queued';
create index scenario_run_active_by_tenant on app.scenario_run (tenant_id, status)
    where status in ('queued', 'running');
create index scenario_run_started on app.scenario_run (started_at) where started_at is not null;

comment on column app.scenario_run.queue is
    'The run queue (= request topic) whose workers may claim the run.';
comment on column app.scenario_run.last_interruption is
    'Why the last attempt was interrupted (infrastructure, retried); null if never.';
