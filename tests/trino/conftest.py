"""Trino for the tests in this folder: started by scripts/services/trino.sh, the demo
landing tables copied in, and the whole project built with `dbt build --target trino`.

Fails, never skips, when Trino cannot be started. Note: it rebuilds iceberg.* of the
Trino that scripts/services/trino.sh runs for this checkout.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import duckdb
import pytest

from aurum.dbt_runner import PROJECT_DIR, run_dbt
from aurum.trino_landing import TrinoTarget, load

TRINO_SCRIPT = PROJECT_DIR / "scripts" / "services" / "trino.sh"
TRINO_PORT = int(os.environ.get("AURUM_TRINO_PORT", "58080"))


@pytest.fixture(scope="session")
def trino_server() -> TrinoTarget:
    env = {**os.environ, "AURUM_TRINO_PORT": str(TRINO_PORT)}
    start = time.monotonic()
    proc = subprocess.run(
        [str(TRINO_SCRIPT), "up"], env=env, capture_output=True, text=True, timeout=900
    )
    if proc.returncode != 0:
        pytest.fail(
            f"Trino did not start ({TRINO_SCRIPT} up, exit {proc.returncode}); "
            f"PostgreSQL must be running (make up). Output:\n{proc.stderr[-3000:]}",
            pytrace=False,
        )
    print(f"trino up in {time.monotonic() - start:.1f}s")
    return TrinoTarget(host="127.0.0.1", port=TRINO_PORT)


@pytest.fixture(scope="session")
def trino_build(
    trino_server: TrinoTarget,
    demo_warehouse: duckdb.DuckDBPyConnection,
    tmp_path_factory: pytest.TempPathFactory,
) -> TrinoTarget:
    """Land the DuckDB landing tables of the demo build into Trino and dbt build there."""
    workdir = tmp_path_factory.mktemp("trino_build")
    start = time.monotonic()
    counts = load(
        demo_warehouse,
        trino_server,
        parquet_dir=PROJECT_DIR / "var" / "trino" / "landing",
    )
    assert sum(counts.values()) > 0
    print(f"landing into trino: {sum(counts.values())} rows in {time.monotonic() - start:.1f}s")
    previous_port = os.environ.get("AURUM_TRINO_PORT")
    os.environ["AURUM_TRINO_PORT"] = str(trino_server.port)  # profiles.yml reads it
    start = time.monotonic()
    try:
        # --full-refresh: tables are rebuilt from scratch like the DuckDB build's fresh file.
        run_dbt(["build", "--target", "trino", "--full-refresh"], target_path=workdir / "target")
    finally:
        if previous_port is None:
            os.environ.pop("AURUM_TRINO_PORT", None)
        else:
            os.environ["AURUM_TRINO_PORT"] = previous_port
    print(f"dbt build --target trino in {time.monotonic() - start:.1f}s")
    return trino_server


@pytest.fixture(scope="session")
def trino_cursor(trino_build: TrinoTarget) -> Iterator:
    conn = trino_build.connect()
    yield conn.cursor()
    conn.close()
