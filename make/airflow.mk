# Apache Airflow 3.3 with the DAGs of orchestration/ (docs/orchestration.md), in its own
# locked environment (orchestration/env/uv.lock → .cache/airflow/venv). Included from the
# Makefile. Needs the local PostgreSQL (metadata database), Kafka for the DAGs' work.
AIRFLOW_SH := scripts/services/airflow.sh

.PHONY: airflow airflow-down airflow-status airflow-setup

# API server / UI on 127.0.0.1:$AURUM_AIRFLOW_PORT (default 58380), scheduler (LocalExecutor),
# DAG processor and triggerer in the background; prints how to log in.
airflow: setup
	$(SERVICES_UP)
	$(AIRFLOW_SH) up

airflow-down:
	$(AIRFLOW_SH) down

airflow-status:
	$(AIRFLOW_SH) status

# Install the environment, parse the dbt manifest and migrate the metadata database.
airflow-setup: setup
	$(SERVICES_UP) postgres
	$(AIRFLOW_SH) init
