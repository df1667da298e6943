"""Settings from the environment, in one place (read when constructed, never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every `AURUM_*` variable the Python layer reads. Secrets come only from here."""

    model_config = SettingsConfigDict(env_prefix="AURUM_")

    duckdb_path: Path = Path("data/aurum.duckdb")
    pg_dsn: str = "postgresql://aurum@127.0.0.1:55432/aurum"
    redis_url: str = "redis://127.0.0.1:56379/0"
    kafka_bootstrap: str = "127.0.0.1:59092"
    # Replaces every source's public base URL (tests point it at the local replay server).
    source_base_url: str | None = None

    # Which profiles.yml output the worker and the API build with (profiles.yml reads the
    # same variable): the embedded DuckDB file or the production Trino + Iceberg cluster.
    dbt_target: Literal["duckdb", "trino"] = "duckdb"
    # Where the long-lived services keep dbt's target/ and logs/ (one subfolder each), so
    # they never share or overwrite the repository's own target/.
    dbt_work_dir: Path = Path(".cache/dbt-services")

    # Bearer JWTs: HS256 with a shared secret, or RS256/ES256 with a PEM public key.
    jwt_secret: SecretStr | None = None
    jwt_public_key: str | None = None
    jwt_issuer: str = "aurum"
    jwt_audience: str = "aurum-api"
    jwt_leeway_seconds: int = 30

    cache_ttl_seconds: int = 300
    # Publish committed outbox rows from inside the API process (off: run the relay alone).
    outbox_relay_in_api: bool = True

    # The run-request topic (aurum.kafka.topics.SCENARIO_REQUEST_TOPIC); a stack of its own
    # (tests, benchmarks) may use a private one on a shared broker.
    scenario_request_topic: str = "scenario.request.v1"
    worker_group: str = "aurum-scenario-worker"
    worker_metrics_port: int = 59101
    worker_max_attempts: int = 3
    # The worker reads the run queue (PostgreSQL) this often when no message woke it.
    worker_poll_seconds: float = 1.0
    # CPU niceness of the worker (0-19): builds yield the CPU to the API's requests when
    # both share a machine; 0 leaves it as started.
    worker_nice: int = 19

    # API limits and quotas (docs/api.md, "Limits, quotas and 429").
    api_max_body_bytes: int = 1_048_576
    # Steps, adders and fleet changes over all drivers of one scenario: what a run costs.
    api_max_scenario_items: int = 500
    api_max_active_runs_per_tenant: int = 10
    # Every authenticated request of a tenant: a sustained rate and a burst.
    api_rate_per_second: float = 20.0
    api_rate_burst: int = 60
    # Requests that start work (POST …/run, POST /v1/ppa/valuate), per tenant.
    api_work_rate_per_minute: float = 60.0
    api_work_rate_burst: int = 15
    # Valuations waiting for the build lock in one API process; more answer 503.
    api_max_pending_valuations: int = 4
    api_db_pool_size: int = 8
    # Parse dbt when the API starts, so the first valuation does not pay for it.
    api_warm_dbt: bool = True

    # OpenLineage: a JSON-lines file (read by tests and local tools) and/or an HTTP endpoint.
    openlineage_file: Path | None = None
    openlineage_url: str | None = None
    openlineage_namespace: str = "aurum"

    # Zip archives handed to the decoders (aurum.sources.core.archives): members are
    # streamed and refused beyond these sizes or this inflation ratio.
    zip_max_member_bytes: int = 512 << 20
    zip_max_total_bytes: int = 1 << 30
    zip_max_ratio: float = 200.0

    # Orchestration (orchestration/, docs/orchestration.md). AURUM_BACKFILL_DAYS is the
    # default window of the ingestion DAGs (aurum-backfill reads the same variable);
    # AURUM_BACKFILL_HISTORY_LIMIT caps every window. Airflow task retries back off
    # exponentially from AURUM_AIRFLOW_RETRY_DELAY_SECONDS.
    backfill_days: int = Field(7, ge=1)
    backfill_history_limit: int = Field(30, ge=1)
    airflow_retries: int = Field(2, ge=0)
    airflow_retry_delay_seconds: float = Field(60.0, gt=0)

    # Data-quality reports (docs/data-quality.md): the local mirror of the dbt hub packages
    # (default: shared/dbt-packages beside the checkout, if present) and where `make report`
    # writes its pages.
    dbt_packages_mirror: Path | None = None
    report_dir: Path = Path("var/report")
    # --- Ops (docs/operations.md): dead-letter triage in ClickHouse, metrics, alerts ---
    # ClickHouse over its native protocol (clickhouse-driver); the local server is
    # scripts/services/clickhouse.sh. `clickhouse_database` holds ingest_errors and views.
    clickhouse_host: str = "127.0.0.1"
    clickhouse_port: int = 59000
    clickhouse_user: str = "default"
    clickhouse_password: SecretStr | None = None
    clickhouse_database: str = "ops"
    # The dead-letter sink (aurum.ops.dlq_sink): its consumer group and /metrics port.
    dlq_sink_group: str = "aurum-dlq-clickhouse"
    dlq_sink_metrics_port: int = 59197
    # The exporter (aurum.ops.exporter): dead letters from ClickHouse, freshness from PostgreSQL.
    ops_exporter_port: int = 59196
    # Which watermark key the freshness metrics follow (jobs write "default").
    ops_watermark_key: str = "default"
    # Batch jobs push their last run here (aurum.ops.push); unset: they push nothing.
    pushgateway_url: str | None = None
    # The local ops stack (aurum.ops.stack, `make ops-up`): its ports and Prometheus timings,
    # and where Prometheus finds the API (scripts/serve.sh's port) to scrape it.
    prometheus_port: int = 59090
    prometheus_scrape_interval: str = "15s"
    prometheus_evaluation_interval: str = "15s"
    alertmanager_port: int = 59193
    pushgateway_port: int = 59191
    webhook_sink_port: int = 59195
    superset_port: int = 59188
    api_port: int = 8000

    # Kafka → Iceberg landing (aurum.iceberg, docs/scale.md): the Iceberg JDBC catalog that
    # Trino uses, in the PostgreSQL of pg_dsn. Unset, the catalog name and the warehouse
    # are what scripts/services/trino.sh gives this checkout (aurum_<sha1 of its path>,
    # file://<checkout>/var/trino/warehouse).
    trino_iceberg_catalog_name: str | None = None
    trino_pg_schema: str = "iceberg_catalog"
    iceberg_warehouse: str | None = None
