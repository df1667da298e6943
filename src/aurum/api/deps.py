"""Request dependencies: a pooled PostgreSQL connection and the app's shared services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

import psycopg
from fastapi import Depends, Request
from psycopg_pool import ConnectionPool, PoolTimeout

from aurum.api.cache import ScenarioCache
from aurum.api.problems import ProblemError
from aurum.api.valuation import Valuator
from aurum.scenarios.outbox import OutboxRelay
from aurum.settings import Settings


@dataclass
class AppServices:
    settings: Settings
    pool: ConnectionPool
    cache: ScenarioCache
    relay: OutboxRelay | None = None
    valuation: Valuator | None = None

    def wake_relay(self) -> None:
        if self.relay is not None:
            self.relay.wake()


def services(request: Request) -> AppServices:
    return request.app.state.services


@contextmanager
def connection(app_services: AppServices) -> Iterator[psycopg.Connection]:
    """A pooled connection; 503 problem JSON when none can be had.

    The pool checks a connection before handing it out (`check_connection`), so one
    broken by a PostgreSQL restart is replaced, not given to a request.
    """
    pool = app_services.pool
    try:
        conn = pool.getconn(timeout=5)
    except PoolTimeout as exc:
        raise ProblemError(
            503,
            "Service Unavailable",
            "the database is unavailable; retry shortly",
            headers={"Retry-After": "2"},
        ) from exc
    try:
        yield conn
    finally:
        pool.putconn(conn)  # the pool rolls back anything left open and drops broken ones


def database(request: Request) -> Iterator[psycopg.Connection]:
    with connection(request.app.state.services) as conn:
        yield conn


Db = Annotated[psycopg.Connection, Depends(database)]
Services = Annotated[AppServices, Depends(services)]
