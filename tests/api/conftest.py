"""The real local stack for contract tests: uvicorn + the worker on a copy of the demo
warehouse, against the PostgreSQL, Redis and Kafka that scripts/services/up.sh started.

`stack` (API + worker, default limits) is shared by the whole session: the worker parses
dbt once. Tests that need other limits, or no worker (runs then stay queued), start an
API of their own with `api_stack(**env)`: an API alone is ready in seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aurum.devstack import LocalStack
from aurum.settings import Settings
from warehouse_helpers import copy_warehouse


@pytest.fixture(scope="session")
def stack(
    demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory, pg_settings: Settings
) -> Iterator[LocalStack]:
    workdir = tmp_path_factory.mktemp("stack")
    local = LocalStack(
        workdir, warehouse=copy_warehouse(demo_warehouse_path, workdir / "warehouse")
    )
    try:
        local.start()
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="module")
def api_stack(
    demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory, pg_settings: Settings
) -> Iterator[Callable[..., LocalStack]]:
    """`api_stack(worker=False, **env)`: a stack of its own for this module, stopped after it."""
    started: list[LocalStack] = []

    def start(worker: bool = False, **env: str) -> LocalStack:
        workdir = tmp_path_factory.mktemp("api-stack")
        local = LocalStack(
            workdir,
            warehouse=copy_warehouse(demo_warehouse_path, workdir / "warehouse"),
            extra_env={f"AURUM_{k.upper()}": str(v) for k, v in env.items()},
        )
        started.append(local)
        if worker:
            local.start()
        else:
            local.start_api()
        return local

    try:
        yield start
    finally:
        for local in started:
            local.stop()
