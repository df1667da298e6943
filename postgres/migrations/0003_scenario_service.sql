-- 0003: the scenario service's application schema (roadmap: Scenario Engine MVP).
--
-- Every tenant-owned row carries tenant_id, and every foreign key between tenant-owned
-- tables includes it, so a row can never point at another tenant's scenario or run.
-- Assumptions are versioned: a new version is new rows; a version used by a run can
-- never change or disappear (triggers below), so a run is always reproducible.

create schema if not exists app;

-- The four driver types of docs/scenarios.md; a catalogue, not tenant data.
create table app.scenario_driver (
    id smallint primary key,
    name text not null unique,
    type text not null unique check (type in ('policy', 'load_growth', 'fuel_curve', 'fleet_change')),
    description text not null
);

insert into app.scenario_driver (id, name, type, description) values
    (1, 'Policy', 'policy', 'Carbon price steps and other $/MWh adders.'),
    (2, 'Load growth', 'load_growth', 'Annual load growth per ISO or zone, through a price elasticity.'),
    (3, 'Fuel curve', 'fuel_curve', 'Natural gas or coal price steps or multipliers, through heat rates.'),
    (4, 'Fleet change', 'fleet_change', 'Capacity added or retired per ISO/zone, through a supply-curve slope.');

create table app.scenario (
    tenant_id text not null check (tenant_id ~ '^[A-Za-z0-9_.-]{1,64}$'),
    id uuid not null,
    name text not null,
    description text,
    current_version integer not null default 1 check (current_version >= 1),
    created_by text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (id)
);

-- One row per assumption version: the scenario-wide settings (base window, filters,
-- currency, FX rate) as validated JSON; the drivers are scenario_assumption_value rows.
create table app.scenario_version (
    tenant_id text not null,
    scenario_id uuid not null,
    version integer not null check (version >= 1),
    name text not null,
    description text,
    settings jsonb not null,
    created_by text,
    created_at timestamptz not null default now(),
    primary key (tenant_id, scenario_id, version),
    foreign key (tenant_id, scenario_id) references app.scenario (tenant_id, id)
);

-- The spec's table: one validated driver payload per row, ordered within its version.
create table app.scenario_assumption_value (
    id bigint generated always as identity primary key,
    tenant_id text not null,
    scenario_id uuid not null,
    driver_id smallint not null references app.scenario_driver (id),
    payload jsonb not null,
    version integer not null,
    ordinal integer not null check (ordinal >= 0),
    created_at timestamptz not null default now(),
    unique (tenant_id, scenario_id, version, ordinal),
    foreign key (tenant_id, scenario_id, version)
        references app.scenario_version (tenant_id, scenario_id, version)
);

create table app.scenario_run (
    tenant_id text not null,
    id uuid not null,
    scenario_id uuid not null,
    assumption_version integer not null,
    request_id uuid not null unique,
    status text not null default 'queued'
        check (status in ('queued', 'running', 'succeeded', 'failed')),
    attempts integer not null default 0,
    dbt_target text,
    requested_by text,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    finished_at timestamptz,
    error text,
    result_rows integer,
    primary key (tenant_id, id),
    unique (id),
    foreign key (tenant_id, scenario_id, assumption_version)
        references app.scenario_version (tenant_id, scenario_id, version),
    check ((status = 'failed') = (error is not null)),
    check (status <> 'succeeded' or (result_rows is not null and finished_at is not null))
);

create index scenario_run_by_scenario on app.scenario_run (tenant_id, scenario_id, created_at desc);

-- scenario_output rows of a succeeded run, written by the worker in the same transaction
-- that marks the run succeeded (delete + insert by run_id: a redelivered run replaces
-- its own rows, never doubles them).
create table app.scenario_run_output (
    tenant_id text not null,
    run_id uuid not null,
    iso_code text not null,
    market text not null,
    location_id text not null,
    interval_start_utc timestamptz not null,
    interval_end_utc timestamptz not null,
    interval_seconds integer not null,
    zone text,
    hub text,
    base_lmp double precision not null,
    base_energy double precision not null,
    congestion double precision,
    loss double precision,
    fuel_adjustment double precision not null,
    carbon_adjustment double precision not null,
    load_adjustment double precision not null,
    fleet_adjustment double precision not null,
    adder_adjustment double precision not null,
    clamp_adjustment double precision not null,
    energy double precision not null,
    lmp double precision not null,
    marginal_technology text,
    currency text not null,
    primary key (run_id, iso_code, market, location_id, interval_start_utc),
    foreign key (tenant_id, run_id) references app.scenario_run (tenant_id, id)
);

-- Transactional outbox: a run and its scenario.request.v1 message are committed together;
-- aurum.scenarios.outbox.OutboxRelay publishes and stamps published_at.
create table app.outbox (
    id bigint generated always as identity primary key,
    topic text not null,
    message_key text not null,
    payload bytea not null,
    headers jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now(),
    published_at timestamptz,
    attempts integer not null default 0,
    last_error text
);

create index outbox_unpublished on app.outbox (id) where published_at is null;

-- Versions used by a run are frozen: no update, no delete, of the version or its drivers.
create function app.refuse_change_of_used_version() returns trigger
language plpgsql as $$
begin
    if exists (
        select 1 from app.scenario_run r
        where r.tenant_id = old.tenant_id
          and r.scenario_id = old.scenario_id
          and r.assumption_version = old.version
    ) then
        raise exception 'assumption version % of scenario % is used by a run and cannot change',
            old.version, old.scenario_id
            using errcode = 'integrity_constraint_violation';
    end if;
    return case when tg_op = 'DELETE' then old else new end;
end;
$$;

create trigger scenario_version_frozen_when_used
    before update or delete on app.scenario_version
    for each row execute function app.refuse_change_of_used_version();

create trigger scenario_assumption_value_frozen_when_used
    before update or delete on app.scenario_assumption_value
    for each row execute function app.refuse_change_of_used_version();

comment on table app.scenario is 'A tenant''s named scenario; current_version points at its latest assumptions.';
comment on table app.scenario_version is 'Scenario-wide settings per assumption version (immutable once a run used it).';
comment on table app.scenario_assumption_value is 'One validated driver payload per row (spec: scenario_assumption_value).';
comment on table app.scenario_run is 'One requested run of one assumption version; status queued → running → succeeded | failed.';
comment on table app.scenario_run_output is 'scenario_output rows of succeeded runs, tagged with run_id and tenant_id.';
comment on table app.outbox is 'Messages committed with their business rows, published by the outbox relay.';
