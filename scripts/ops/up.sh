#!/usr/bin/env bash
# `make ops-up`: the dead-letter triage and alerting stack on this machine, then its URLs.
#
#   scripts/ops/up.sh
#
# Installs what is missing (scripts/ops/install.sh), starts ClickHouse with its
# migrations (scripts/services/clickhouse.sh), creates the Kafka topics, then the
# webhook sink, Pushgateway, Alertmanager, ops exporter, dead-letter sink, Prometheus
# and Superset (python -m aurum.ops.stack; state under var/ops) and imports the
# "Ingestion errors" dashboard. PostgreSQL, Redis and Kafka must be up (make up).
# Idempotent: what runs is left running. Ports: AURUM_*_PORT (docs/operations.md).
set -euo pipefail
# shellcheck source=scripts/services/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../services/lib.sh"
BIN="$REPO_ROOT/.venv/bin"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/ops/install.sh"
"$SERVICES_DIR/clickhouse.sh" up
"$BIN/aurum-ingest" topics >/dev/null
"$BIN/python" -m aurum.ops.stack up
"$BIN/python" -m aurum.ops.superset import >&2

: "${AURUM_CLICKHOUSE_HTTP_PORT:=59123}"
: "${AURUM_PROMETHEUS_PORT:=59090}"
: "${AURUM_ALERTMANAGER_PORT:=59193}"
: "${AURUM_PUSHGATEWAY_PORT:=59191}"
: "${AURUM_WEBHOOK_SINK_PORT:=59195}"
: "${AURUM_SUPERSET_PORT:=59188}"
cat <<EOF

Aurum ops stack (stop it with: make ops-down)
  Superset       http://127.0.0.1:$AURUM_SUPERSET_PORT/superset/dashboard/ingestion-errors/  (user admin, password in .cache/superset/admin-password)
  Prometheus     http://127.0.0.1:$AURUM_PROMETHEUS_PORT/alerts
  Alertmanager   http://127.0.0.1:$AURUM_ALERTMANAGER_PORT/
  Pushgateway    http://127.0.0.1:$AURUM_PUSHGATEWAY_PORT/   (set AURUM_PUSHGATEWAY_URL to this for aurum-ingest fetch)
  Slack stand-in http://127.0.0.1:$AURUM_WEBHOOK_SINK_PORT/messages
  ClickHouse     http://127.0.0.1:$AURUM_CLICKHOUSE_HTTP_PORT/  (HTTP; native port ${AURUM_CLICKHOUSE_PORT:-59000}; SELECT * FROM ${AURUM_CLICKHOUSE_DATABASE:-ops}.ingest_errors_latest_summary)
EOF
