"""The production path on the real local stack: files → Kafka → Iceberg → dbt on Trino.

Sample files are published to Kafka once; two landers read the same messages:

- the Kafka → DuckDB lander, then `dbt run` on DuckDB (the embedded path);
- the Kafka → Iceberg lander (aurum.iceberg), then `dbt run --target trino`, which
  reads iceberg.landing.* only: no DuckDB is involved.

fct_lmp must be equal on both. Then a PJM revision is published and landed on both
paths, fct_lmp is built incrementally on Trino, and must equal both the DuckDB path's
and Trino's own `--full-refresh`. The incremental reference marts (FX, fuel, carbon) go
the same way with their publishers' revisions (tests/incremental/revisions.py). Last, an Iceberg lander is SIGKILLed between two
tables' commits of a batch and restarted: every message is landed exactly once.

Fails, never skips, when Trino or Kafka are not running. Note: it drops and refills
iceberg.landing.* and iceberg.market.fct_lmp of this checkout's Trino.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from aurum.dbt_runner import release_duckdb, run_dbt
from aurum.iceberg.catalog import open_catalog
from aurum.iceberg.lander import IcebergLander, committed_offsets
from aurum.ingest.kafka_landing import KafkaLander, landing_topics
from aurum.ingest.publish import publish_file
from aurum.kafka.admin import all_topics, ensure_topics
from aurum.kafka.producer import ConfirmingProducer
from aurum.sources import detect, format_named
from aurum.trino_landing import TrinoTarget, execute
from incremental import revisions
from kafka_helpers import bootstrap, fresh_group, require_kafka

pytestmark = pytest.mark.integration

# Every column but the load time, which each lander stamps itself.
FCT_COLUMNS = """
    iso_code, market, location_id, location_name, location_type, published_location_type,
    zone, hub, timezone, is_registered, interval_start_utc, interval_end_utc, interval_seconds,
    lmp, energy, congestion, loss, currency, uom, published_version, revision_count,
    source_format, source_file, source_row
"""


def _lmp_files() -> list[Path]:
    files = []
    for path in [*revisions.first_load(), *revisions.PJM_HOURLY]:
        try:
            source_format = detect(path.read_bytes(), path.name)
        except LookupError:
            continue
        if source_format.aliases:  # LMP formats carry the standard aliases
            files.append(path)
    return files


# Reference samples published with the LMP files; their marts are incremental too.
REFERENCE_FILES = [
    revisions.SAMPLES / "ecb" / "eurofxref-hist_head300.csv",
    revisions.SAMPLES / "carbon" / "carbon-auction-results.csv",
    revisions.SAMPLES / "eia" / "eia_v2_natural-gas_pri_fut_weekly_RNGC4_1993-12-24.json",
]
REFERENCE_MARTS = ["int_fx__daily_rates", "int_fuel__daily_prices", "int_carbon__allowance_prices"]
MARTS = ["fct_lmp", *REFERENCE_MARTS]


def _publish(paths: list[Path]) -> int:
    producer = ConfirmingProducer(bootstrap())
    rows = 0
    for path in paths:
        data = path.read_bytes()
        report = publish_file(producer, detect(data, path.name), data, path.name)
        rows += report.rows
    return rows


def _normalise(row: tuple) -> tuple:
    return tuple(v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in row)


def _assert_same(left: list[tuple], right: list[tuple], what: str) -> None:
    left = sorted((_normalise(r) for r in left), key=repr)
    right = sorted((_normalise(r) for r in right), key=repr)
    assert len(left) == len(right), f"{what}: {len(left)} rows vs {len(right)}"
    assert left, f"{what}: nothing compared"
    for a, b in zip(left, right, strict=True):
        for x, y in zip(a, b, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                assert math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12), f"{what}: {a} vs {b}"
            else:
                assert x == y, f"{what}: {a} vs {b}"


class Paths:
    """Both landing paths and their dbt builds, driven step by step by the fixture."""

    def __init__(self, trino: TrinoTarget, work: Path):
        self.trino = trino
        self.database = work / "kafka.duckdb"
        self.duck_target = work / "target_duckdb"
        self.trino_target = work / "target_trino"
        self.duck_group = fresh_group(landing_topics())
        self.iceberg_group = fresh_group(landing_topics())

    def land(self) -> tuple[dict, dict]:
        release_duckdb()
        with duckdb.connect(str(self.database)) as conn:
            duck = KafkaLander(conn, bootstrap_servers=bootstrap(), group_id=self.duck_group)
            duck_stats = duck.run(idle_seconds=3)
        iceberg = IcebergLander(bootstrap_servers=bootstrap(), group_id=self.iceberg_group)
        iceberg_stats = iceberg.run(idle_seconds=3)
        return dict(duck_stats.rows), dict(iceberg_stats.rows)

    def dbt_duckdb(self, *args: str) -> None:
        run_dbt(list(args), duckdb_path=self.database, target_path=self.duck_target)

    def dbt_trino(self, *args: str) -> None:
        run_dbt([*args, "--target", "trino"], target_path=self.trino_target)

    def duckdb_fct(self) -> list[tuple]:
        release_duckdb()
        with duckdb.connect(str(self.database)) as conn:
            return conn.execute(f"select {FCT_COLUMNS} from market.fct_lmp").fetchall()

    def duckdb_reference(self, model: str) -> list[tuple]:
        """A reference mart without its load time (each lander stamps its own)."""
        release_duckdb()
        with duckdb.connect(str(self.database)) as conn:
            return conn.execute(
                f"select * exclude (loaded_at) from intermediate.{model}"
            ).fetchall()

    def trino_reference(self, model: str, with_loaded_at: bool = False) -> list[tuple]:
        conn = self.trino.connect()
        try:
            columns = [
                c
                for (c,) in execute(
                    conn.cursor(),
                    "select column_name from iceberg.information_schema.columns "
                    f"where table_schema = 'intermediate' and table_name = '{model}' "
                    "order by ordinal_position",
                )
                if with_loaded_at or c != "loaded_at"
            ]
            return execute(
                conn.cursor(), f"select {', '.join(columns)} from iceberg.intermediate.{model}"
            )
        finally:
            conn.close()

    def trino_fct(self) -> list[tuple]:
        conn = self.trino.connect()
        try:
            return execute(conn.cursor(), f"select {FCT_COLUMNS} from iceberg.market.fct_lmp")
        finally:
            conn.close()


def _reset_iceberg(trino: TrinoTarget) -> None:
    """Drop what an earlier run left: landing tables (with their offsets) and fct_lmp."""
    conn = trino.connect()
    cursor = conn.cursor()
    try:
        for schema in ("landing", "market"):
            execute(cursor, f"create schema if not exists iceberg.{schema}")
        for (table,) in execute(
            cursor,
            "select table_name from iceberg.information_schema.tables "
            "where table_schema = 'landing' and table_type = 'BASE TABLE'",
        ):
            execute(cursor, f'drop table iceberg.landing."{table}"')
        execute(cursor, "drop table if exists iceberg.market.fct_lmp")
    finally:
        conn.close()


@pytest.fixture(scope="module")
def production_path(trino_server: TrinoTarget, tmp_path_factory: pytest.TempPathFactory) -> dict:
    require_kafka()
    ensure_topics(bootstrap(), all_topics())
    _reset_iceberg(trino_server)
    work = tmp_path_factory.mktemp("iceberg_landing")
    paths = Paths(trino_server, work)
    result: dict = {"paths": paths}
    clock = [time.monotonic()]

    def step(label: str) -> None:
        now = time.monotonic()
        print(f"{label}: {now - clock[0]:.1f}s")
        clock[0] = now

    result["published"] = _publish([*_lmp_files(), *REFERENCE_FILES])
    step("publish")
    result["landed"] = paths.land()
    step("land (DuckDB and Iceberg)")
    paths.dbt_duckdb("seed", "--select", "iso_nodes")
    paths.dbt_duckdb("snapshot")
    paths.dbt_duckdb("run", "--select", *(f"+{m}" for m in MARTS))
    step("dbt on DuckDB")
    paths.dbt_trino("seed", "--select", "iso_nodes")
    paths.dbt_trino("snapshot")
    paths.dbt_trino("run", "--select", *(f"+{m}" for m in MARTS), "--full-refresh")
    step("dbt on Trino")
    result["first"] = (paths.duckdb_fct(), paths.trino_fct())

    _publish([revisions.revision(work), *revisions.reference_revisions(work)])
    result["revision_landed"] = paths.land()
    paths.dbt_duckdb("run", "--select", *MARTS)
    paths.dbt_trino("run", "--select", *MARTS)
    step("revision: publish, land, incremental builds")
    result["incremental"] = (paths.duckdb_fct(), paths.trino_fct())
    result["reference_incremental"] = {
        m: (paths.duckdb_reference(m), paths.trino_reference(m, with_loaded_at=True))
        for m in REFERENCE_MARTS
    }
    result["fx_window"] = (
        paths.trino_target
        / "compiled"
        / "aurum"
        / "models"
        / "intermediate"
        / "reference"
        / "int_fx__daily_rates.sql"
    ).read_text()
    result["trino_window"] = (
        paths.trino_target / "compiled" / "aurum" / "models" / "marts" / "market" / "fct_lmp.sql"
    ).read_text()
    paths.dbt_trino("run", "--select", *MARTS, "--full-refresh")
    result["trino_full_refresh"] = paths.trino_fct()
    result["reference_full_refresh"] = {
        m: paths.trino_reference(m, with_loaded_at=True) for m in REFERENCE_MARTS
    }
    step("Trino full refresh")
    return result


def test_both_landers_land_every_published_row(production_path: dict) -> None:
    duck_rows, iceberg_rows = production_path["landed"]
    assert duck_rows == iceberg_rows
    assert sum(iceberg_rows.values()) == production_path["published"] > 0


def test_trino_fct_lmp_from_iceberg_landing_equals_duckdb_path(production_path: dict) -> None:
    duck, trino = production_path["first"]
    _assert_same(trino, duck, "fct_lmp, Iceberg path vs DuckDB path")


def test_trino_incremental_with_revision_equals_both(production_path: dict) -> None:
    duck, trino = production_path["incremental"]
    assert "interval_start_utc between" in production_path["trino_window"]
    _assert_same(trino, duck, "incremental fct_lmp, Trino vs DuckDB")
    _assert_same(trino, production_path["trino_full_refresh"], "Trino incremental vs full refresh")
    revised = [r for r in trino if r[22] == revisions.REVISED_NAME]
    assert len(revised) == 288 and {r[19] for r in revised} == {2}


@pytest.mark.parametrize("model", REFERENCE_MARTS)
def test_trino_reference_incremental_with_revisions_equals_both(
    production_path: dict, model: str
) -> None:
    duck, trino = production_path["reference_incremental"][model]
    full = production_path["reference_full_refresh"][model]
    _assert_same(trino, full, f"{model}: Trino incremental vs full refresh")
    # Against the DuckDB path without the load time (the last column on Trino).
    _assert_same([r[:-1] for r in trino], duck, f"{model}: Trino vs DuckDB")
    # Open-ended from the earliest date loaded within the default 3 h lookback: here the
    # first load too (both landed minutes apart), so all of FX history is rebuilt.
    assert "\nwhere rate_date >= date '" in production_path["fx_window"]


def test_trino_fct_lmp_is_partitioned_by_iso_and_day(production_path: dict) -> None:
    conn = production_path["paths"].trino.connect()
    try:
        (ddl,) = execute(conn.cursor(), "show create table iceberg.market.fct_lmp")[0]
    finally:
        conn.close()
    assert "partitioning = ARRAY['iso_code','day(interval_start_utc)']" in ddl


def _lander(group: str) -> list[str]:
    return [
        sys.executable, "-m", "aurum.iceberg.cli", "land", "--group", group,
        "--max-batch-messages", "1000", "--idle-seconds", "4",
    ]  # fmt: skip


def test_killed_iceberg_lander_resumes_without_loss_or_duplicates(
    production_path: dict, tmp_path: Path
) -> None:
    """SIGKILL right after a table of a batch committed to Iceberg, before Kafka has the
    batch's offsets (and, when the batch holds both formats, before the other table):
    the restart replays the batch; a table that already committed it skips the replayed
    messages by its offset properties, a table that did not lands them."""
    group = fresh_group(landing_topics())
    producer = ConfirmingProducer(bootstrap())
    published = {}
    for table, path in (
        ("miso_report_lmp", revisions.SAMPLES / "miso" / "20110716_da_lmp.csv"),
        (
            "pjm_dataminer_lmp",
            revisions.SAMPLES / "pjm" / "rt_hrl_lmps_hubs_2025-05-01_to_05-10.csv",
        ),
    ):
        name = f"crash-test/{path.name}"  # the MISO decoder reads the report kind from the name
        published[table] = publish_file(producer, format_named(table), path.read_bytes(), name).rows

    first = subprocess.Popen(
        _lander(group), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output, batches = [], 0
    for line in first.stdout:
        output.append(line)
        batches += line.startswith("batch ")
        if batches >= 2 and line.startswith("committed "):
            first.kill()  # the batch's other table and Kafka's offsets are not committed
            break
    first.wait(timeout=30)
    assert first.returncode == -9, "lander was not killed mid-batch:\n" + "".join(output)

    second = subprocess.run(_lander(group), capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    replayed = re.search(r"(\d+) replayed \(already landed\)", second.stdout)
    assert replayed and int(replayed.group(1)) > 0, second.stdout  # the skip was exercised

    conn = production_path["paths"].trino.connect()
    try:
        for table, rows in published.items():
            total, distinct = execute(
                conn.cursor(),
                f"select count(*), count(distinct (_source_file, _source_row, _source_item)) "
                f"from iceberg.landing.{table} where _source_file like 'crash-test/%'",
            )[0]
            assert total == distinct == rows, (table, total, distinct, rows)
    finally:
        conn.close()
    offsets = committed_offsets(open_catalog().load_table("landing.pjm_dataminer_lmp"))
    assert offsets, "the table records no Kafka offsets"
