"""Operations: dead-letter triage in ClickHouse, metrics for alerts, and the local ops stack.

See docs/operations.md. Modules: `clickhouse` (client, migrations), `dlq_sink` (the
dead-letter consumer), `exporter` (metrics read from ClickHouse and PostgreSQL),
`cadence` (each source's publishing cadence, for freshness thresholds), `push`
(batch jobs → Pushgateway), `webhook_sink` (a stand-in for Slack), `stack` (starts and
stops the ops processes for `make ops-up` and the tests).
"""
