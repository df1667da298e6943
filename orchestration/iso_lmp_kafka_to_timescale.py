"""`iso_lmp_kafka_to_timescale`: the SeaTunnel Kafka → PostgreSQL/Timescale job, hourly.

    sync_registry  ─►  run_seatunnel_job  ─►  check_rows

- `sync_registry` makes `ref.iso_nodes` (the registry copy the job joins for zone, hub
  and time zone) equal to seeds/iso_nodes.csv, migrations applied first;
- `run_seatunnel_job` renders src/aurum/seatunnel/jobs/iso_lmp_kafka_to_timescale.conf.tmpl
  with the connection settings (AURUM_KAFKA_BOOTSTRAP, AURUM_PG_DSN) and this run's
  parameters, and runs it in SeaTunnel's local mode (`aurum.seatunnel.run`, assembled
  from Maven Central on first use). BATCH mode: the job reads the topics up to their end
  offsets, upserts into market.lmp_timescale and finishes, so each run drains what
  arrived since the last one (offsets committed by the consumer group);
- `check_rows` reports what the run upserted, and how many of those rows the registry
  did not know (kept, `in_registry = false`).

The topic carries standard LMP records (see the template's PRECONDITION and
docs/seatunnel.md).
"""

from __future__ import annotations

import dag_common as common
from airflow.sdk import DAG, Param, get_current_context, task

TEMPLATE = "iso_lmp_kafka_to_timescale"


@task
def sync_registry() -> int:
    from aurum.db.migrations import apply_migrations
    from aurum.db.registry import sync_registry as sync
    from aurum.settings import Settings

    dsn = Settings().pg_dsn
    apply_migrations(dsn)
    rows = sync(dsn)
    print(f"ref.iso_nodes: {rows} locations")
    return rows


@task
def run_seatunnel_job() -> dict:
    import psycopg

    from aurum.seatunnel.render import jdbc_url_from_dsn
    from aurum.seatunnel.run import install, run_job
    from aurum.settings import Settings

    context = get_current_context()
    params = context["params"]
    settings = Settings()
    dsn = psycopg.conninfo.conninfo_to_dict(settings.pg_dsn)
    variables = {
        "kafka_bootstrap": settings.kafka_bootstrap,
        "pg_jdbc_url": jdbc_url_from_dsn(settings.pg_dsn),
        "pg_user": dsn.get("user", ""),
        "pg_password": dsn.get("password", ""),
        "consumer_group": params["consumer_group"],
        "batch_size": params["batch_size"],
        "start_mode": params["start_mode"],
        "job_mode": "BATCH",
    }
    if params["topic"]:
        variables["topic"] = params["topic"]
    install()
    with psycopg.connect(settings.pg_dsn) as conn:  # the database's clock, like loaded_at
        started = conn.execute("select now()").fetchone()[0]
    result = run_job(
        TEMPLATE,
        variables,
        timeout=float(params["timeout_seconds"]),
        use_env_defaults=False,
    )
    print(f"{TEMPLATE}: finished in {result.seconds:.1f}s; log {result.log_path}")
    return {"started": started.isoformat(), "seconds": result.seconds}


@task
def check_rows(ran: dict) -> dict:
    import psycopg

    from aurum.settings import Settings

    with psycopg.connect(Settings().pg_dsn) as conn:
        rows, unregistered = conn.execute(
            "select count(*), count(*) filter (where not in_registry) "
            "from market.lmp_timescale where loaded_at >= %s",
            (ran["started"],),
        ).fetchone()
    print(f"market.lmp_timescale: {rows} rows upserted, {unregistered} not in the registry")
    return {"rows": rows, "unregistered": unregistered}


with DAG(
    dag_id="iso_lmp_kafka_to_timescale",
    description="SeaTunnel: standard LMP records from Kafka into market.lmp_timescale",
    doc_md=__doc__,
    schedule="@hourly",
    start_date=common.START_DATE,
    catchup=False,
    # One job per consumer group at a time: two would split the partitions between them.
    max_active_runs=1,
    default_args=common.default_args(),
    tags=["aurum", "seatunnel", "timescale"],
    params={
        "topic": Param(
            "", type="string", description="topic(s) of standard LMP records; empty: the template's"
        ),
        "consumer_group": Param("aurum-seatunnel-timescale", type="string", minLength=1),
        "start_mode": Param("group_offsets", enum=["group_offsets", "earliest", "latest"]),
        "batch_size": Param(1000, type="integer", minimum=1),
        "timeout_seconds": Param(900, type="integer", minimum=30),
    },
) as dag:
    check_rows(sync_registry() >> run_seatunnel_job())
