-- Dead letters (aurum.ingest.error.v1) as the sink (aurum.ops.dlq_sink) inserts them:
-- one row per Kafka message, keyed by the message key (the dead letter's error_id).
-- Applied by aurum.ops.clickhouse.apply_migrations; $database is the configured
-- database (AURUM_CLICKHOUSE_DATABASE, default `ops`). ClickHouse 18.16 SQL: no
-- DateTime64 (occurred_at keeps seconds; occurred_at_us the microseconds), no TTL.

CREATE DATABASE IF NOT EXISTS $database;

-- A redelivered message is inserted again with the same key; ReplacingMergeTree keeps
-- one row per (source, stage, error_class, message_key) once parts merge, and every
-- count in the views below counts distinct keys, so it is exact before merges too.
CREATE TABLE IF NOT EXISTS $database.ingest_errors (
    message_key String,
    error_id String,
    source String,
    source_format String,
    stage String,
    error_class String,
    error_message String,
    -- The failed bytes as the dead letter carried them (a raw row, or a file up to 1 MiB)…
    payload String,
    payload_size UInt32,
    -- …a readable excerpt of them (text as is, binary as a hex preview), and the pointer
    -- (URL or file) when the payload was not inlined.
    payload_excerpt String,
    payload_pointer String,
    source_file String,
    source_row Nullable(Int64),
    attempt UInt32,
    run_id String,
    occurred_at DateTime,
    occurred_at_us UInt32,
    kafka_topic String,
    kafka_partition Int32,
    kafka_offset Int64,
    received_at DateTime
) ENGINE = ReplacingMergeTree(received_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (source, stage, error_class, message_key);

-- The latest error per source, stage and error class, first and last seen and counts.
-- Every column is an aggregate state whose merge ignores duplicates (a set of keys,
-- min, max, argMax by (occurred_at, key)), so a redelivered message changes nothing.
-- Read it through ingest_errors_latest_summary (below) or with the -Merge functions.
CREATE MATERIALIZED VIEW IF NOT EXISTS $database.ingest_errors_latest
ENGINE = AggregatingMergeTree()
PARTITION BY tuple()
ORDER BY (source, stage, error_class)
AS SELECT
    source,
    stage,
    error_class,
    uniqExactState(message_key) AS errors,
    minState(occurred_at) AS first_seen,
    maxState(occurred_at) AS last_seen,
    argMaxState(error_message, (occurred_at, occurred_at_us, message_key)) AS latest_message,
    argMaxState(payload_excerpt, (occurred_at, occurred_at_us, message_key)) AS latest_payload_excerpt,
    argMaxState(payload_pointer, (occurred_at, occurred_at_us, message_key)) AS latest_payload_pointer,
    argMaxState(source_file, (occurred_at, occurred_at_us, message_key)) AS latest_source_file,
    argMaxState(message_key, (occurred_at, occurred_at_us, message_key)) AS latest_message_key
FROM $database.ingest_errors
GROUP BY source, stage, error_class;

-- The materialised view finalised: what operators, the exporter and Superset read.
CREATE VIEW IF NOT EXISTS $database.ingest_errors_latest_summary AS
SELECT
    source,
    stage,
    error_class,
    uniqExactMerge(errors) AS errors,
    minMerge(first_seen) AS first_seen,
    maxMerge(last_seen) AS last_seen,
    argMaxMerge(latest_message) AS latest_message,
    argMaxMerge(latest_payload_excerpt) AS latest_payload_excerpt,
    argMaxMerge(latest_payload_pointer) AS latest_payload_pointer,
    argMaxMerge(latest_source_file) AS latest_source_file,
    argMaxMerge(latest_message_key) AS latest_message_key
FROM $database.ingest_errors_latest
GROUP BY source, stage, error_class;

-- Error counts by source, stage and error class per minute (Superset rolls minutes up
-- to any time grain; distinct keys, so redelivery counts once).
CREATE VIEW IF NOT EXISTS $database.ingest_error_counts AS
SELECT
    toStartOfMinute(occurred_at) AS minute,
    source,
    stage,
    error_class,
    uniqExact(message_key) AS errors
FROM $database.ingest_errors
GROUP BY minute, source, stage, error_class;
