"""On the Kafka path a file no format claims, or two formats claim, is one dead letter at
the `detect` stage with the reason (and publishes nothing else); the lander keeps it in
landing.rejected_rows like any other rejection."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from aurum.ingest.cli import main as ingest_main
from aurum.ingest.kafka_landing import KafkaLander
from aurum.ingest.publish import publish_file
from aurum.kafka.admin import all_topics, ensure_topics
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import landing_topics
from aurum.sources import format_named
from kafka_helpers import bootstrap, fresh_group, require_kafka

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ISONE_LMP = (
    ROOT / "tests" / "fixtures" / "isone" / "isone_ws_v1.1_hourlylmp_da_final_day_20241103.json"
)
ISONE_LOAD = ROOT / "sample_data" / "isone" / "isone_ws_v1.1_hourlysysload_day_20240309.json"
PJM_DA = ROOT / "sample_data" / "pjm" / "da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"


def test_unclaimed_ambiguous_and_misdelivered_files_are_detect_dead_letters(tmp_path, capsys):
    require_kafka()
    ensure_topics(bootstrap(), all_topics())
    group = fresh_group(landing_topics())
    unknown = tmp_path / "notes.csv"
    unknown.write_text("month,notes\n2025-01,quiet\n")
    both = tmp_path / "merged.json"
    merged = {**json.loads(ISONE_LMP.read_text()), **json.loads(ISONE_LOAD.read_text())}
    both.write_text(json.dumps(merged))

    assert ingest_main(["publish-file", str(unknown), str(both)]) == 1
    out = capsys.readouterr().out
    assert "notes.csv: not recognised" in out and "merged.json: not recognised" in out
    # A catalog source that delivers another format's file: detect refuses it too.
    report = publish_file(
        ConfirmingProducer(bootstrap()),
        format_named("nyiso_mis_zonal_lbmp"),
        PJM_DA.read_bytes(),
        "20220718damlbmp_zone.csv",
    )
    assert report.file_rejected and report.rows == 0 and report.dead_letters == {"detect": 1}

    database = tmp_path / "dlq.duckdb"
    with duckdb.connect(str(database)) as conn:
        KafkaLander(conn, bootstrap_servers=bootstrap(), group_id=group).run(idle_seconds=3)
        rows = conn.execute(
            "select source_file, stage, reason, payload from landing.rejected_rows "
            "order by source_file"
        ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("20220718damlbmp_zone.csv", "detect"),
        ("merged.json", "detect"),
        ("notes.csv", "detect"),
    ]
    reasons = {r[0]: r[2] for r in rows}
    assert reasons["notes.csv"].startswith("Unclaimed: no source format claims it")
    assert reasons["merged.json"].startswith("Ambiguous: claimed by 2 source formats")
    assert (
        "claimed by pjm_dataminer_lmp, not by nyiso_mis_zonal_lbmp"
        in reasons["20220718damlbmp_zone.csv"]
    )
    assert dict((r[0], r[3]) for r in rows)["notes.csv"] == unknown.read_text()
