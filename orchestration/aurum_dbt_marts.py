"""`aurum_dbt_marts`: the dbt graph as Airflow tasks (astronomer-cosmos), after ingestion.

    land_from_kafka  ─►  dbt  (one task per seed, snapshot and model, each `dbt build`
                               of that node: the model, then its tests)

The graph is rendered from the dbt manifest that `scripts/services/airflow.sh init`
parses whenever the dbt project changed (rendering with `dbt ls` at every DAG parse
would exceed Airflow's import timeout); after editing models, run init again.

Triggered whenever an ingestion DAG published to one of the topics (Asset events), and
by hand. `land_from_kafka` moves what the ingestion DAGs produced into the landing
tables (`aurum-ingest land`: Kafka → DuckDB, replay-safe); the dbt task group builds the
LMP marts (fct_lmp, dim_location) and the reference models (FX, CPI, fuel, carbon,
weather stations) with everything upstream of them: seeds, the registry snapshot, the
staging models. A failing dbt test fails its node's task and nothing downstream runs.

Engine: AURUM_DBT_TARGET (profiles.yml) — `duckdb` (default, AURUM_DUCKDB_PATH) or
`trino` (AURUM_TRINO_*; the landing then comes from the Kafka → Iceberg path, not from
this DAG's DuckDB lander, which is skipped). DuckDB admits one writing process, so on
DuckDB the dbt tasks run one at a time; on Trino up to four at once.
"""

from __future__ import annotations

from pathlib import Path

import dag_common as common
from airflow.sdk import DAG, AssetAny, Param, get_current_context, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from aurum.dbt_runner import PROJECT_DIR
from aurum.settings import Settings

# The LMP and reference marts, with everything upstream of them.
SELECT = ["+fct_lmp", "+dim_location", "+path:models/intermediate/reference"]
EXCLUDE = ["tag:test_fixture"]


def warehouse_path(settings: Settings) -> Path:
    """AURUM_DUCKDB_PATH, absolute: cosmos runs dbt in a temporary copy of the project."""
    path = Path(settings.duckdb_path)
    return path if path.is_absolute() else PROJECT_DIR / path


def manifest_path(settings: Settings) -> Path:
    """The manifest `scripts/services/airflow.sh init` parses when the dbt project changed."""
    work_dir = Path(settings.dbt_work_dir)
    work_dir = work_dir if work_dir.is_absolute() else PROJECT_DIR / work_dir
    manifest = work_dir / "airflow" / "target" / "manifest.json"
    if not manifest.exists():
        raise FileNotFoundError(
            f"{manifest} is missing: run scripts/services/airflow.sh init (dbt parse)"
        )
    return manifest


def landing_topics() -> list[str]:
    topics = {common.source_topic(s) for s in common.source_catalog().values()}
    return sorted(topics)


@task
def land_from_kafka() -> dict:
    """Kafka → the DuckDB landing tables, until the topics are idle (replay-safe)."""
    import duckdb

    from aurum.ingest.kafka_landing import KafkaLander

    settings = Settings()
    if settings.dbt_target != "duckdb":
        print("target trino: landing comes from the Kafka → Iceberg path; nothing to do")
        return {}
    params = get_current_context()["params"]
    database = warehouse_path(settings)
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as conn:
        stats = KafkaLander(
            conn,
            bootstrap_servers=settings.kafka_bootstrap,
            group_id=params["landing_group"],
            on_batch=lambda s: print(f"batch {s.batches} committed: {s.messages} messages"),
        ).run(idle_seconds=float(params["idle_seconds"]))
    print(
        f"landed {stats.messages} messages; {dict(stats.rows)}; {stats.dead_letters} dead letters"
    )
    return {"messages": stats.messages, "dead_letters": stats.dead_letters}


_settings = Settings()
with DAG(
    dag_id="aurum_dbt_marts",
    description="Land Kafka into DuckDB, then dbt build the LMP and reference marts, node by node",
    doc_md=__doc__,
    schedule=AssetAny(*(common.topic_asset(t) for t in landing_topics())),
    start_date=common.START_DATE,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1 if _settings.dbt_target == "duckdb" else 4,
    default_args=common.default_args(_settings),
    tags=["aurum", "dbt"],
    params={
        "landing_group": Param(
            "aurum-landing", type="string", minLength=1, description="Kafka consumer group"
        ),
        "idle_seconds": Param(
            5, type="number", minimum=0, description="land until the topics are idle this long"
        ),
    },
) as dag:
    dbt = DbtTaskGroup(
        group_id="dbt",
        project_config=ProjectConfig(
            dbt_project_path=PROJECT_DIR,
            manifest_path=manifest_path(_settings),
            install_dbt_deps=False,
            env_vars={
                "AURUM_DBT_TARGET": _settings.dbt_target,
                "AURUM_DUCKDB_PATH": str(warehouse_path(_settings)),
            },
        ),
        profile_config=ProfileConfig(
            profile_name="aurum",
            target_name=_settings.dbt_target,
            profiles_yml_filepath=PROJECT_DIR / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL, invocation_mode=InvocationMode.DBT_RUNNER
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            select=SELECT,
            exclude=EXCLUDE,
            test_behavior=TestBehavior.BUILD,
            emit_datasets=False,
        ),
        operator_args={"install_deps": False},
    )
    land_from_kafka() >> dbt
