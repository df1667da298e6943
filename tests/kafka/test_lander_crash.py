"""The Kafka → DuckDB lander killed mid-batch and restarted: no row lost or duplicated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from aurum.ingest.publish import publish_file
from aurum.kafka.admin import all_topics, ensure_topics
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import landing_topics
from aurum.sources import format_named
from kafka_helpers import bootstrap, fresh_group, require_kafka

pytestmark = pytest.mark.integration

MISO_DA = Path(__file__).resolve().parents[2] / "sample_data" / "miso" / "20110716_da_lmp.csv"


def _land_command(database: Path, group: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "aurum.ingest.cli",
        "land",
        "--database",
        str(database),
        "--group",
        group,
        "--batch-size",
        "2000",
        "--idle-seconds",
        "5",
    ]


def _counts(database: Path) -> tuple[int, int]:
    with duckdb.connect(str(database)) as conn:
        return conn.execute(
            """
            select count(*), count(distinct (_source_file, _source_row, _source_item))
            from landing.miso_report_lmp
            """
        ).fetchone()


def test_killed_lander_resumes_without_loss_or_duplicates(tmp_path):
    require_kafka()
    ensure_topics(bootstrap(), all_topics())
    group = fresh_group(landing_topics())
    producer = ConfirmingProducer(bootstrap())
    report = publish_file(
        producer, format_named("miso_report_lmp"), MISO_DA.read_bytes(), MISO_DA.name
    )
    assert report.rows == 129_384 and not report.dead_letters

    database = tmp_path / "lander.duckdb"
    first = subprocess.Popen(
        _land_command(database, group), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    committed, output = [], []
    for line in first.stdout:
        output.append(line)
        if line.startswith("batch "):
            committed.append(line)
        if len(committed) == 3:
            first.kill()  # SIGKILL while the fourth batch is being consumed or written
            break
    first.wait(timeout=30)
    assert first.returncode == -9, "lander was not killed mid-run:\n" + "".join(output)
    landed_before_restart, _ = _counts(database)
    assert 0 < landed_before_restart < report.rows

    second = subprocess.run(
        _land_command(database, group), capture_output=True, text=True, timeout=300
    )
    assert second.returncode == 0, second.stdout + second.stderr
    total, distinct = _counts(database)
    assert total == distinct == report.rows
