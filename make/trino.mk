# Trino 476 + Iceberg (JDBC catalog in the local PostgreSQL) for the `trino` dbt target.
# Included from the Makefile; see docs/trino.md. PostgreSQL must be up (make up).
TRINO_UP     := scripts/services/trino.sh up
TRINO_DOWN   := scripts/services/trino.sh down
TRINO_STATUS := scripts/services/trino.sh status

.PHONY: trino-up trino-down trino-status

trino-up:
	$(SERVICES_UP) postgres
	$(TRINO_UP)

trino-down:
	$(TRINO_DOWN)

trino-status:
	$(TRINO_STATUS)
