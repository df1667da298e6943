# Local services (PostgreSQL, Redis, Kafka) for people and for `make test`.
# Included from the Makefile; see docs/services.md. Name services to act on a subset:
#   make up SERVICES="postgres redis"
SERVICES_UP     := scripts/services/up.sh
SERVICES_DOWN   := scripts/services/down.sh
SERVICES_STATUS := scripts/services/status.sh
SERVICES        ?=

.PHONY: up down services-status

up:
	$(SERVICES_UP) $(SERVICES)

down:
	$(SERVICES_DOWN) $(SERVICES)

services-status:
	$(SERVICES_STATUS) $(SERVICES)
