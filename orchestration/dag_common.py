"""What every Aurum DAG shares: the source catalog, task defaults, the day window, the
warehouse asset and how a task fails without retrying.

Airflow puts the DAGs folder on `sys.path`, so the DAG files import this module as
`dag_common`; `.airflowignore` keeps the DAG processor from parsing it as a DAG file.
Settings are read through `aurum.settings.Settings`, at parse time only for what shapes
the DAGs (retry defaults, the dbt target) and otherwise inside the tasks, so a worker's
environment decides what a run does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pendulum
from airflow.sdk import Asset
from airflow.sdk.exceptions import AirflowFailException

from aurum.ingest.backfill import backfill_days as day_window
from aurum.settings import Settings

# Every DAG starts here; catchup is off, so this only anchors the schedule.
START_DATE = pendulum.datetime(2025, 1, 1, tz="UTC")
OWNER = "aurum"
# The dbt DAG builds when any of the landing topics got new data.
TOPIC_ASSET_PREFIX = "kafka://aurum/"


def source_catalog() -> dict:
    """{source name: Source}: THE one place the DAGs read the source catalog from.

    The ingestion DAGs are generated from it and the backfill DAG checks names against
    it (each publisher's package declares its sources; aurum.sources collects them).
    """
    from aurum.sources import SOURCES

    return SOURCES


def source_topic(source) -> str:
    """The Kafka topic a source's rows are published to."""
    from aurum.kafka.topics import topic_for
    from aurum.sources import format_named

    return topic_for(format_named(source.format_name))


def topic_asset(topic: str) -> Asset:
    return Asset(name=topic, uri=TOPIC_ASSET_PREFIX + topic, group="kafka")


def default_args(settings: Settings | None = None) -> dict:
    """Retries with exponential back-off for every task (AURUM_AIRFLOW_RETRIES and
    AURUM_AIRFLOW_RETRY_DELAY_SECONDS); a task that raises `fail_now` is not retried."""
    settings = settings or Settings()
    delay = timedelta(seconds=settings.airflow_retry_delay_seconds)
    return {
        "owner": OWNER,
        "retries": settings.airflow_retries,
        "retry_delay": delay,
        "retry_exponential_backoff": True,
        "max_retry_delay": max(delay, timedelta(minutes=15)),
    }


def fail_now(message: str) -> AirflowFailException:
    """A failure that retrying cannot fix (bad parameters, bad configuration)."""
    return AirflowFailException(message)


def run_day(context) -> date:
    """The day a run stands for: its logical date, or when it was triggered to run."""
    when: datetime | None = context.get("logical_date") or context["dag_run"].run_after
    return when.date()


def parse_day(value: str | None, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise fail_now(f"{name}={value!r} is not a YYYY-MM-DD date") from None


def window(
    days: int | None, end: date, settings: Settings, *, name: str = "backfill_days"
) -> list[date]:
    """`days` days ending at `end`, oldest first, within AURUM_BACKFILL_HISTORY_LIMIT.

    `days=None` takes AURUM_BACKFILL_DAYS. Above the limit is an error, never clipped.
    """
    days = settings.backfill.days if days is None else days
    limit = settings.backfill.history_limit
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise fail_now(f"{name}={days!r} must be a positive integer")
    if days > limit:
        raise fail_now(
            f"{name}={days} exceeds AURUM_BACKFILL_HISTORY_LIMIT={limit}; "
            "raise the limit deliberately or backfill fewer days"
        )
    return day_window(end, days)
