"""Settings from the environment, in one place (read when constructed, never at import)."""

from __future__ import annotations

from pathlib import Path

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
