"""The real local stack for contract tests: uvicorn + the worker on a copy of the demo
warehouse, against the PostgreSQL, Redis and Kafka that scripts/services/up.sh started."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aurum.devstack import LocalStack
from aurum.settings import Settings
from warehouse_helpers import copy_warehouse


@pytest.fixture(scope="module")
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
