-- Ingestion state: how far each source has been loaded, and HTTP validators for
-- conditional requests. Applied by aurum.db.migrations.apply_migrations.

create schema if not exists ingest;

create table if not exists ingest.watermarks (
    source text not null,
    watermark_key text not null default 'default',
    watermark timestamptz not null,
    updated_at timestamptz not null default now(),
    primary key (source, watermark_key)
);

comment on table ingest.watermarks is
    'Per source (and key), the UTC instant up to which data has been loaded; only moves forward (aurum.ingest.watermarks.update_watermark).';

create table if not exists ingest.http_validators (
    url text primary key,
    etag text,
    last_modified text,
    updated_at timestamptz
);

comment on table ingest.http_validators is
    'ETag / Last-Modified of the last 200 response per URL, sent back as If-None-Match / If-Modified-Since.';
