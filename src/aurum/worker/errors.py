"""Why a run attempt stopped: the run's own problem (fail it now) or an outage (retry it).

Issue 10: a NOT NULL violation while storing results was taken for an interruption, so
the default scenario was built three times and failed with "gave up after 3 interrupted
attempts", the real cause only in the worker log. The rule now:

- **Interruptions** (retried, `attempts` bounds them): PostgreSQL, Kafka, the warehouse
  or the network unreachable or dropped — connection and operational errors, timeouts,
  a DuckDB file still locked by another process, dbt unable to connect.
- **Everything else is deterministic** and fails the run at once, with a message a
  client can read: dbt compile/runtime errors and failed tests, constraint violations and
  data errors, invalid assumptions. An error of no known kind (a bug) fails the run too,
  rather than being retried into the same bug; its message names only its class (the
  traceback is in the worker log).

Messages never carry dbt's command line (the rendered vars) or absolute paths of this
machine: `public_message` is what is stored in `app.scenario_run.error`.
"""

from __future__ import annotations

import re

import duckdb
import psycopg
from confluent_kafka import KafkaException

from aurum.dbt_runner import DbtFailed
from aurum.scenarios.models import ScenarioError

# What dbt reports, inside a node's message or as its exception, when the warehouse
# itself is unreachable or busy rather than the model wrong.
_DBT_OUTAGE = re.compile(
    r"could not set lock on file|connection refused|failed to connect|could not connect"
    r"|connection reset|timed out|temporarily unavailable",
    re.IGNORECASE,
)
# Absolute paths (/work/…/target/…) become their last component.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[\w.@+-]+/)+([\w.@+-]+)")
MAX_MESSAGE = 2_000


def is_interruption(exc: BaseException) -> bool:
    """True for outages worth retrying; False for errors that would happen again."""
    if isinstance(exc, DbtFailed):
        texts = [message for _, message in exc.failures]
        if exc.exception is not None:
            texts.append(f"{type(exc.exception).__name__}: {exc.exception}")
        return any(_DBT_OUTAGE.search(text) for text in texts)
    if isinstance(exc, psycopg.Error):
        return isinstance(
            exc, psycopg.OperationalError | psycopg.InterfaceError
        ) and not isinstance(exc, psycopg.errors.QueryCanceled)
    if isinstance(exc, duckdb.Error):
        return isinstance(exc, duckdb.IOException)
    return isinstance(exc, ConnectionError | TimeoutError | KafkaException | OSError)


def scrub(text: str) -> str:
    """`text` without absolute paths, bounded in length."""
    text = _ABSOLUTE_PATH.sub(r"\1", text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def public_message(exc: BaseException) -> str:
    """What the run's `error` says: the real cause, without command lines or paths."""
    if isinstance(exc, DbtFailed):
        if exc.failures:
            return scrub(
                "dbt build failed: " + "; ".join(f"{node}: {msg}" for node, msg in exc.failures)
            )
        return scrub(f"dbt failed: {type(exc.exception).__name__}: {exc.exception}")
    if isinstance(exc, psycopg.Error):
        diag = exc.diag
        detail = diag.message_primary or str(exc).splitlines()[0]
        kind = "constraint violation" if isinstance(exc, psycopg.IntegrityError) else "data error"
        return scrub(f"storing the results failed ({kind}): {detail}")
    if isinstance(exc, ScenarioError | ValueError) or (
        isinstance(exc, LookupError) and not isinstance(exc, KeyError | IndexError)
    ):
        return scrub(str(exc))
    return f"internal error ({type(exc).__name__}); see the worker log"
