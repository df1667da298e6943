-- 0002: the location registry in PostgreSQL and the Timescale target for LMP.
-- Runs after 0001, once (the runner records it); every statement is also safe to re-run.

create schema if not exists ref;
create schema if not exists market;

-- Same columns as seeds/iso_nodes.csv; filled by aurum.db.registry.sync_registry
-- (upsert + delete of rows no longer in the seed, one transaction).
create table if not exists ref.iso_nodes (
    iso_code text not null,
    location_id text not null,
    location_name text,
    location_type text,
    zone text,
    hub text,
    timezone text,
    primary key (iso_code, location_id)
);

comment on table ref.iso_nodes is
'Location registry (seeds/iso_nodes.csv), for joins outside the warehouse: SeaTunnel''s Kafka -> Timescale job enriches LMP rows from it.';

-- One row per (iso, market, location, interval start): the business key of fct_lmp.
-- Not the landing key (source_file, source_row): TimescaleDB requires the partitioning
-- column in every unique index, and a later revision of the same interval must replace
-- the earlier value (upsert), not sit beside it.
create table if not exists market.lmp_timescale (
    iso_code text not null,
    market text not null,
    location_id text not null,
    location_name text,
    location_type text,
    interval_start_utc timestamptz not null,
    interval_end_utc timestamptz,
    interval_seconds integer,
    lmp double precision,
    energy double precision,
    congestion double precision,
    loss double precision,
    currency text,
    uom text,
    zone text,
    hub text,
    timezone text,
    in_registry boolean not null default false,
    source_file text,
    source_row bigint,
    fetched_at timestamptz,
    loaded_at timestamptz not null default now(),
    primary key (iso_code, market, location_id, interval_start_utc)
);

comment on table market.lmp_timescale is
'Standard LMP rows synced from Kafka by ingest/seatunnel/jobs/iso_lmp_kafka_to_timescale.conf.tmpl, enriched with zone/hub/timezone from ref.iso_nodes. A hypertable on interval_start_utc when the timescaledb extension is available, a plain table otherwise.';

-- TimescaleDB only when the server has it: a plain PostgreSQL keeps a plain table.
do $$
begin
    if exists (select 1 from pg_available_extensions where name = 'timescaledb') then
        begin
            create extension if not exists timescaledb;
            execute $sql$
                select create_hypertable(
                    'market.lmp_timescale', 'interval_start_utc',
                    if_not_exists => true, migrate_data => true
                )
            $sql$;
        exception when others then
            -- e.g. installed but not in shared_preload_libraries: keep the plain table.
            raise notice 'timescaledb available but not usable (%); market.lmp_timescale stays a plain table', sqlerrm;
        end;
    else
        raise notice 'timescaledb not available; market.lmp_timescale is a plain table';
    end if;
end
$$;

create index if not exists lmp_timescale_interval_idx
    on market.lmp_timescale (interval_start_utc desc);
