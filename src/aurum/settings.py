"""Settings from the environment, in one place (read when constructed, never at import).

`Settings()` reads every `AURUM_*` variable the Python layer knows; related variables
form nested groups (`settings.trino`, `settings.backfill`, `settings.sources`), each a
`BaseSettings` of its own with the prefix its variables always had, so no variable a
user sets was renamed. Code receives a `Settings` (or one group) from its entry point
and never reads the environment itself; `tests/packaging/test_settings_only.py` fails
when a module other than this one touches `os.environ`.

This module is also the one place that hands the environment on, for two reasons a
library or a child process imposes (see `dbt_environment` and `child_environment`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict
from pydantic_settings.sources.utils import parse_env_vars


class _MappingSource(EnvSettingsSource):
    """An env source over a given mapping (a child process's environment) instead of
    os.environ, so a caller can validate exactly what a child will read. (pydantic-settings
    reads os.environ in `_load_env_vars`; tests/ingest/test_backfill.py covers this.)"""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return parse_env_vars(
            self._environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


class SettingsGroup(BaseSettings):
    """A nested group: read from os.environ when constructed, or from a given mapping."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Self:
        """The group as a process with exactly `environ` would read it (no os.environ)."""
        return cls.model_validate(_MappingSource(cls, environ)())

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable a field is read from."""
        info = cls.model_fields[field]
        if isinstance(info.validation_alias, str):
            return info.validation_alias
        return f"{cls.model_config.get('env_prefix', '')}{field}".upper()


def explain(error: ValidationError, group: type[SettingsGroup]) -> str:
    """A ValidationError of `group` as one line per bad variable, each named:
    `AURUM_BACKFILL_DAYS='seven' is not an integer`."""
    lines = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        name = group.variable(field) if field in group.model_fields else field
        shown = f"{name}={item['input']!r}" if "input" in item else name
        kind, ctx = item["type"], item.get("ctx") or {}
        if kind == "int_parsing":
            reason = "is not an integer"
        elif kind == "greater_than_equal" and ctx.get("ge") == 1:
            reason = "must be a positive integer"
        elif kind == "bool_parsing":
            reason = "is not one of 1/true/yes/on/0/false/no/off"
        else:
            reason = str(item["msg"])
        lines.append(f"{shown} {reason}")
    return "; ".join(lines)


class TrinoSettings(SettingsGroup):
    """AURUM_TRINO_*: the cluster the Python layer talks to (the same variables
    profiles.yml's trino target reads, so dbt and Python agree on one cluster)."""

    model_config = SettingsConfigDict(env_prefix="AURUM_TRINO_")

    host: str = "127.0.0.1"
    port: int = 58080
    user: str = "aurum"
    catalog: str = "iceberg"
    http_scheme: Literal["http", "https"] = "http"
    # profiles.yml's `method`: none, or ldap (password over HTTPS) for a secured cluster.
    # Any text here: dbt-trino knows more methods than the Python client's none/ldap
    # (TrinoTarget.connect refuses the others, naming the variable).
    auth: str = "none"
    password: SecretStr = SecretStr("")
    # Kafka → Iceberg landing (aurum.iceberg, docs/scale.md): the Iceberg JDBC catalog
    # that Trino uses, in the PostgreSQL of pg_dsn. Unset, the catalog name and the
    # warehouse are what scripts/services/trino.sh gives this checkout
    # (aurum_<sha1 of its path>, file://<checkout>/var/trino/warehouse).
    iceberg_catalog_name: str | None = None
    pg_schema: str = "iceberg_catalog"


class BackfillSettings(SettingsGroup):
    """AURUM_BACKFILL_*: `aurum-backfill` and the orchestration DAGs' default window
    (aurum.ingest.backfill's docstring says what each does). Blank counts as unset."""

    model_config = SettingsConfigDict(env_prefix="AURUM_BACKFILL_", env_ignore_empty=True)

    source: str = ""
    days: int = Field(7, ge=1)
    # A hard cap on days: more is an error, never silently clipped.
    history_limit: int = Field(30, ge=1)
    command_template: str = ""
    command_shell: bool = False
    watermark_key: str = "default"


class SourceSettings(SettingsGroup):
    """How the source catalog (aurum.sources) is reached: one base URL replacing every
    publisher's (tests point it at the replay server) and the publishers' API keys."""

    model_config = SettingsConfigDict(env_prefix="AURUM_SOURCE_", env_ignore_empty=True)

    base_url: str | None = None
    # A source's `api_key` in its endpoints.toml names one of these fields.
    eia_api_key: SecretStr | None = Field(None, validation_alias="AURUM_EIA_API_KEY")
    fred_api_key: SecretStr | None = Field(None, validation_alias="AURUM_FRED_API_KEY")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parsed = urlsplit(value.strip())
        if parsed.scheme not in {"http", "https"} or not parsed.netloc:
            raise ValueError("is not an http(s) URL")
        return value.strip().rstrip("/")

    def api_key(self, field: str | None) -> str | None:
        """The key a source names (None: the source needs none, or it is not set)."""
        if not field:
            return None
        secret = getattr(self, field)
        return secret.get_secret_value() if secret is not None else None


class Settings(BaseSettings):
    """Every `AURUM_*` variable the Python layer reads. Secrets come only from here."""

    model_config = SettingsConfigDict(env_prefix="AURUM_")

    trino: TrinoSettings = Field(default_factory=TrinoSettings)
    backfill: BackfillSettings = Field(default_factory=BackfillSettings)
    sources: SourceSettings = Field(default_factory=SourceSettings)

    # The dbt project (dbt_project.yml, profiles.yml, models/ …) the worker, the API and
    # the scripts build. Unset: the checkout this package runs from (see dbt_project_dir()).
    dbt_project_dir: Path | None = None

    duckdb_path: Path = Path("data/aurum.duckdb")
    pg_dsn: str = "postgresql://aurum@127.0.0.1:55432/aurum"
    redis_url: str = "redis://127.0.0.1:56379/0"
    kafka_bootstrap: str = "127.0.0.1:59092"
    # SeaTunnel's JDBC sinks (aurum.seatunnel.render): a JDBC URL (default: derived from
    # pg_dsn) and the credentials it connects with.
    pg_jdbc_url: str | None = None
    pg_user: str | None = None
    pg_password: SecretStr | None = None

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

    # Orchestration (orchestration/, docs/orchestration.md). backfill.days
    # (AURUM_BACKFILL_DAYS) is the default window of the ingestion DAGs, as of
    # aurum-backfill; backfill.history_limit caps every window. Airflow task retries back
    # off exponentially from AURUM_AIRFLOW_RETRY_DELAY_SECONDS.
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

    # The Iceberg warehouse of the Kafka → Iceberg landing (settings.trino has its catalog).
    iceberg_warehouse: str | None = None


def dbt_environment(duckdb_path: Path | None) -> None:
    """Point dbt's profiles.yml at a DuckDB file.

    The one write to os.environ, and why: dbt renders profiles.yml with `env_var()`,
    which reads the process environment at each invocation and takes no other input,
    so an in-process dbt (aurum.dbt_runner) can only be given its database this way.
    """
    if duckdb_path is not None:
        os.environ["AURUM_DUCKDB_PATH"] = str(duckdb_path)


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a child process: this one's (its PATH, HOME, AURUM_* …, which
    the child reads itself, as its own Settings), with `extra` on top. Not a setting read."""
    return {**os.environ, **(extra or {})}
