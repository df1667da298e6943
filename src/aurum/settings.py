"""Settings from the environment, in one place (read when constructed, never at import)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AURUM_")

    duckdb_path: Path = Path("data/aurum.duckdb")
