"""aurum-backfill with its default command: each day runs the real `aurum-ingest fetch`
(replay server → Kafka → watermark), and the watermark ends at the last good day."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aurum.db import connect, pg_dsn
from aurum.db.migrations import apply_migrations
from aurum.ingest.watermarks import get_watermark
from aurum.sources import SOURCES
from kafka_helpers import require_kafka
from replay.server import ReplayServer

pytestmark = pytest.mark.integration


def test_backfill_runs_aurum_ingest_per_day_and_stops_at_a_missing_day():
    require_kafka()
    apply_migrations(pg_dsn())
    key = f"backfill-{uuid.uuid4().hex[:8]}"
    source = SOURCES["nyiso_damlbmp_zone"]
    with ReplayServer() as server:
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "AURUM_SOURCE_BASE_URL": server.base_url,
            "AURUM_BACKFILL_SOURCE": source.name,
            "AURUM_BACKFILL_DAYS": "2",
            "AURUM_BACKFILL_WATERMARK_KEY": key,
        }
        # 2022-07-18 is served (the real sample); 2022-07-19 is not: HTTP 404.
        result = subprocess.run(
            [sys.executable, "-m", "aurum.scripts.ingest.backfill", "--end-date", "2022-07-19"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        fetched = [r.path for r in server.requests if "damlbmp" in r.path]
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2022-07-18" in result.stdout and "published, 360 rows" in result.stdout
    assert len(fetched) >= 2  # both days were requested over HTTP
    with connect() as conn:
        assert get_watermark(conn, source.name, key=key) == datetime(2022, 7, 19, tzinfo=UTC)
