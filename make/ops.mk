# Dead-letter triage and alerts (docs/operations.md): ClickHouse, the dead-letter sink,
# the ops exporter, Prometheus, Alertmanager, the Pushgateway, the Slack stand-in and
# Superset with the "Ingestion errors" dashboard. Included from the Makefile.
OPS_UP   := scripts/ops/up.sh
OPS_DOWN := scripts/ops/down.sh

.PHONY: ops-up ops-down ops-status

ops-up: setup
	$(SERVICES_UP)
	$(OPS_UP)

ops-down:
	$(OPS_DOWN)

ops-status:
	scripts/services/clickhouse.sh status || true
	$(BIN)/python -m aurum.ops.stack status
