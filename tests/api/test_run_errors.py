"""Which errors end a run at once and which are retried (aurum.worker.errors), and what a
client reads of them: the cause, never dbt's command line or this machine's paths."""

from __future__ import annotations

import duckdb
import psycopg
import pytest
from confluent_kafka import KafkaException

from aurum.dbt_runner import DbtFailed
from aurum.scenarios.models import ScenarioError
from aurum.worker.errors import is_interruption, public_message

MODEL_ERROR = DbtFailed(
    'dbt build --select scenario_output --vars {"scenario": {"name": "x"}} failed: ...',
    failures=[("scenario_output", "Runtime Error in model scenario_output "
               "(models/marts/market/scenario_output.sql)\n  Constraint Error: NOT NULL "
               "constraint failed; compiled code at /work/wt/x/.cache/target/run/a.sql")],
)  # fmt: skip


@pytest.mark.parametrize(
    "error",
    [
        MODEL_ERROR,
        psycopg.errors.NotNullViolation('null value in column "base_energy"'),
        psycopg.errors.CheckViolation("violates check constraint"),
        psycopg.errors.NumericValueOutOfRange("out of range"),
        ScenarioError([("drivers.0.fuel", "must be natural_gas or coal")]),
        duckdb.ConversionException("Could not convert"),
        KeyError("a bug"),
    ],
)
def test_deterministic_errors_are_not_interruptions(error: Exception) -> None:
    assert not is_interruption(error)


@pytest.mark.parametrize(
    "error",
    [
        psycopg.OperationalError("server closed the connection unexpectedly"),
        psycopg.InterfaceError("the connection is closed"),
        ConnectionError("PostgreSQL is unreachable"),
        TimeoutError(),
        duckdb.IOException('Could not set lock on file "aurum.duckdb"'),
        KafkaException("broker down"),
        DbtFailed("dbt failed", failures=[("scenario_output", "IO Error: Could not set lock on file")]),
        DbtFailed("dbt failed", exception=RuntimeError("Failed to connect to trino: connection refused")),
    ],
)  # fmt: skip
def test_outages_are_interruptions(error: Exception) -> None:
    assert is_interruption(error)


def test_public_messages_keep_the_cause_and_drop_internals() -> None:
    message = public_message(MODEL_ERROR)
    assert message.startswith("dbt build failed: scenario_output: Runtime Error")
    assert "NOT NULL constraint failed" in message
    assert "--vars" not in message and "/work/" not in message and "a.sql" in message
    stored = public_message(psycopg.errors.NotNullViolation('null value in column "energy"'))
    assert (
        stored == 'storing the results failed (constraint violation): null value in column "energy"'
    )
    assert public_message(KeyError("secret")) == "internal error (KeyError); see the worker log"
