"""Request dependencies: a pooled PostgreSQL connection and the app's shared services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated

import psycopg
from fastapi import Depends, Request
from psycopg_pool import ConnectionPool

from aurum.api.cache import ScenarioCache
from aurum.api.problems import ProblemError
from aurum.scenarios.outbox import OutboxRelay
from aurum.settings import Settings


@dataclass
class AppServices:
    settings: Settings
    pool: ConnectionPool
    cache: ScenarioCache
    relay: OutboxRelay | None = None
    valuation: object | None = field(default=None)  # aurum.api.valuation.Valuator

    def wake_relay(self) -> None:
        if self.relay is not None:
            self.relay.wake()


def services(request: Request) -> AppServices:
    return request.app.state.services


@contextmanager
def connection(app_services: AppServices) -> Iterator[psycopg.Connection]:
    """A pooled connection; 503 problem JSON when none can be had."""
    try:
        conn_cm = app_services.pool.connection(timeout=5)
        conn = conn_cm.__enter__()
    except Exception as exc:
        raise ProblemError(503, "Service Unavailable", "the database is unavailable") from exc
    try:
        yield conn
    except BaseException as exc:
        conn_cm.__exit__(type(exc), exc, exc.__traceback__)
        raise
    else:
        conn_cm.__exit__(None, None, None)


def database(request: Request) -> Iterator[psycopg.Connection]:
    with connection(request.app.state.services) as conn:
        yield conn


Db = Annotated[psycopg.Connection, Depends(database)]
Services = Annotated[AppServices, Depends(services)]
