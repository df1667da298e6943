"""`ingest_<source>`: one ingestion DAG per source of the catalog, generated, not copied.

Each DAG runs daily (catchup off) and ingests the window of `backfill_days` days ending
the day before the run (or at `end_date`), oldest day first, through THE ingestion path
`aurum-ingest fetch` uses (`aurum.ingest.pipeline.ingest_day`): fetch (HTTP retries with
back-off) → decode → validate → Avro → produce (confirmed) → watermark, advanced by the
one watermark helper only after a day succeeded.

    plan_window  ─►  ingest_window  (outlet: the source's Kafka topic as an Asset)

A failed day stops the window: its fetch failure or unreadable file is a dead letter on
aurum.ingest.error.v1, its watermark stays at the last good day and the task fails
(retried with exponential back-off). The days run in one task, in order, because the
watermark must never pass a failed day: mapped per-day tasks would run out of order.
A retry resumes at the first day this run has not finished (read from the watermark),
so the days before the failure are not fetched again. One run per source at a time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import dag_common as common
from airflow.sdk import DAG, Param, get_current_context, task


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def plan_window(source_name: str) -> dict:
    """The days to ingest and the watermark before this run; fails before any work."""
    from aurum.db import connect
    from aurum.db.migrations import apply_migrations
    from aurum.ingest.watermarks import get_watermark
    from aurum.kafka.admin import ensure_topics
    from aurum.kafka.topics import DLQ_TOPIC
    from aurum.settings import Settings

    context = get_current_context()
    params = context["params"]
    settings = Settings()
    end = common.parse_day(params["end_date"], "end_date") or (
        common.run_day(context) - timedelta(days=1)
    )
    days = common.window(params["backfill_days"], end, settings)
    key = params["watermark_key"]
    source = common.source_catalog()[source_name]
    apply_migrations(settings.pg_dsn)
    ensure_topics(settings.kafka_bootstrap, [common.source_topic(source), DLQ_TOPIC])
    with connect(settings.pg_dsn) as conn:
        before = get_watermark(conn, source_name, key)
    print(
        f"{source_name} [{key}]: {len(days)} day(s) {days[0]} .. {days[-1]}; "
        f"watermark {before.isoformat() if before else 'none'}"
    )
    return {
        "days": [d.isoformat() for d in days],
        "watermark_before": before.isoformat() if before else None,
    }


def ingest_window(source_name: str, plan: dict) -> list[dict]:
    """Each planned day through the ingestion pipeline, stopping at the first failure."""
    from aurum.db import connect
    from aurum.ingest.http import HttpFetcher, PostgresValidatorStore
    from aurum.ingest.pipeline import ingest_day
    from aurum.ingest.publish import stderr_progress
    from aurum.ingest.watermarks import get_watermark
    from aurum.kafka.producer import ConfirmingProducer
    from aurum.settings import Settings

    context = get_current_context()
    key = context["params"]["watermark_key"]
    settings = Settings()
    source = common.source_catalog()[source_name]
    days = [date.fromisoformat(d) for d in plan["days"]]
    before = plan["watermark_before"]
    before = datetime.fromisoformat(before) if before else None
    producer = ConfirmingProducer(settings.kafka_bootstrap, client_id=f"airflow-{source_name}")
    summary = []
    try:
        # Validators (ETag / Last-Modified) persist in PostgreSQL as for `aurum-ingest
        # fetch`: a document that did not change answers 304 and is not published again.
        with (
            connect(settings.pg_dsn) as conn,
            HttpFetcher(validators=PostgresValidatorStore(conn)) as fetcher,
        ):
            current = get_watermark(conn, source_name, key)
            for day in days:
                # Finished by an earlier try of this run: this run moved the watermark past it.
                done_here = before is None or _end_of_day(day) > before
                if current and done_here and _end_of_day(day) <= current:
                    print(f"{day}: done by an earlier try of this run; skipped")
                    continue
                result = ingest_day(
                    source,
                    day,
                    fetcher=fetcher,
                    producer=producer,
                    watermark_conn=conn,
                    watermark_key=key,
                    base_url=settings.source_base_url,
                    progress=stderr_progress,
                )
                print(
                    f"{day}: {result.status}, {result.rows} rows, {result.dead_letters} "
                    f"dead letters, {result.attempts} HTTP attempt(s), watermark "
                    f"{result.watermark.isoformat() if result.watermark else 'unchanged'}"
                )
                summary.append(
                    {"day": day.isoformat(), "status": result.status, "rows": result.rows}
                )
                if not result.ok:
                    stored = get_watermark(conn, source_name, key)
                    raise RuntimeError(
                        f"{source_name} {day} failed: {result.status} after "
                        f"{result.attempts} HTTP attempt(s); dead letter(s) on "
                        f"aurum.ingest.error.v1; watermark stays at "
                        f"{stored.isoformat() if stored else 'none'}"
                    )
    finally:
        producer.close()
    return summary


def build_dag(source) -> DAG:
    topic = common.source_topic(source)
    kind = "reference" if source.reference else "lmp"
    with DAG(
        dag_id=f"ingest_{source.name}",
        description=source.description or f"Ingest {source.name}",
        doc_md=__doc__,
        schedule="@daily",
        start_date=common.START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=common.default_args(),
        tags=["aurum", "ingest", kind],
        params={
            "backfill_days": Param(
                None,
                type=["null", "integer"],
                minimum=1,
                description="Days to ingest, ending at end_date; empty: AURUM_BACKFILL_DAYS "
                "(7). Capped by AURUM_BACKFILL_HISTORY_LIMIT (30).",
            ),
            "end_date": Param(
                None,
                type=["null", "string"],
                format="date",
                description="Last day (YYYY-MM-DD); empty: the day before the run.",
            ),
            "watermark_key": Param(
                "default", type="string", minLength=1, description="Watermark key to advance."
            ),
        },
    ) as dag:

        @task(task_id="plan_window")
        def plan() -> dict:
            return plan_window(source.name)

        @task(task_id="ingest_window", outlets=[common.topic_asset(topic)])
        def ingest(planned: dict) -> list[dict]:
            return ingest_window(source.name, planned)

        ingest(plan())
    return dag


for _source in common.source_catalog().values():
    globals()[f"ingest_{_source.name}"] = build_dag(_source)
