"""Settings from the environment, in one place (read when constructed, never at import)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
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

    # OpenLineage: a JSON-lines file (read by tests and local tools) and/or an HTTP endpoint.
    openlineage_file: Path | None = None
    openlineage_url: str | None = None
    openlineage_namespace: str = "aurum"

    # Data-quality reports (docs/data-quality.md): the local mirror of the dbt hub packages
    # (default: shared/dbt-packages beside the checkout, if present) and where `make report`
    # writes its pages.
    dbt_packages_mirror: Path | None = None
    report_dir: Path = Path("var/report")
