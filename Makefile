# Aurum — the two commands are `make demo` and `make test`; both set up from the
# repository's own files (uv.lock) and need nothing installed by hand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION   := 0.13.9
BOOTSTRAP    := .cache/bootstrap
UV           := $(BOOTSTRAP)/bin/uv
VENV         := .venv
BIN          := $(VENV)/bin
DEMO_DB      ?= data/aurum.duckdb
export DBT_PROFILES_DIR := $(CURDIR)
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: help setup demo test lint unit integration bench serve clean

include make/services.mk
include make/trino.mk
include make/seatunnel.mk
include make/report.mk
include make/airflow.mk
include make/ops.mk

help:
	@echo "make demo   install, land the bundled real samples, dbt build on DuckDB, print a summary"
	@echo "make test   install, lint (ruff, mypy, sqlfluff), run every test (unit + integration)"
	@echo "make bench  benchmarks (not part of make test; they start the local services)"
	@echo "make serve  the scenario API + worker on the demo warehouse (docs/api.md)"
	@echo "make report Elementary, great-expectations Data Docs and dbt docs of the demo warehouse (docs/data-quality.md)"
	@echo "make up | down | services-status   local PostgreSQL, Redis, Kafka (docs/services.md)"
	@echo "make airflow | airflow-down   Airflow UI + scheduler with the DAGs of orchestration/ (docs/orchestration.md)"
	@echo "make ops-up | ops-down | ops-status dead-letter triage and alerts (docs/operations.md)"

$(UV):
	python3 -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The stamp makes reruns instant; uv.lock or pyproject.toml changes reinstall.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	touch $@

setup: $(VENV)/.synced

demo: setup
	rm -f $(DEMO_DB)
	$(BIN)/aurum-land --database $(DEMO_DB) sample_data
	AURUM_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt build --exclude tag:test_fixture --quiet \
		--vars "{aurum_elementary: $(ELEMENTARY_ON)}"
	@echo
	$(BIN)/aurum-summary --database $(DEMO_DB)

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts orchestration
	$(BIN)/ruff format --check src tests benchmarks scripts orchestration
	$(BIN)/mypy  # src/, strict; config and exclusions: pyproject.toml [tool.mypy]
	AURUM_DUCKDB_PATH=.cache/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt macros analyses snapshots

# Integration tests talk to the real local services, started (idempotently) first.
test: setup lint
	$(SERVICES_UP)
	$(BIN)/pytest

unit: setup
	$(BIN)/pytest -m "not integration"

integration: setup
	$(SERVICES_UP)
	$(BIN)/pytest -m integration

bench: setup
	$(SERVICES_UP)
	$(BIN)/python -m benchmarks

serve: setup
	$(SERVICES_UP)
	scripts/serve.sh

clean:
	rm -rf target logs data .cache/lint.duckdb .pytest_cache
