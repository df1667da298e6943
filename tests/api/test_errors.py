"""Issue 10, item 5: client mistakes are 4xx, an unreachable database is 503, never 500;
and an error response leaves the keep-alive connection usable (or says it closes it)."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from api_helpers import RawConnection, assert_problem, create, run, tenant

from aurum.api.app import create_app
from aurum.api.tokens import mint_token
from aurum.dbt_runner import PROJECT_DIR
from aurum.devstack import LocalStack, free_port
from aurum.settings import Settings

pytestmark = pytest.mark.integration
HUGE = 2**63  # one past PostgreSQL's bigint


def test_offsets_out_of_range_are_422(stack: LocalStack) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    rid = run(client, sid)["id"]
    for url in ("/v1/scenarios", f"/v1/scenarios/{sid}/runs",
                f"/v1/scenarios/{sid}/runs/{rid}/results"):  # fmt: skip
        assert_problem(client.get(url, params={"offset": HUGE}), 422, "offset")
    assert_problem(client.post(f"/v1/scenarios/{sid}/run", json={"version": HUGE}), 422, "version")
    assert_problem(
        client.post("/v1/ppa/valuate", json={"contract": {}, "version": 2**40}), 422, "version"
    )


def test_nul_bytes_are_422_or_401(stack: LocalStack) -> None:
    client = stack.client(tenant())
    assert_problem(
        client.post("/v1/scenarios", json={"name": "x", "description": "a\x00b"}),
        422, "description",
    )  # fmt: skip
    sid = create(client)["id"]
    rid = run(client, sid)["id"]
    stack.wait_for_run(client, sid, rid)
    results = client.get(f"/v1/scenarios/{sid}/runs/{rid}/results",
                         params={"location_id": "51288\x00"})  # fmt: skip
    assert_problem(results, 422, "location_id.0")
    # A token whose subject has a NUL byte is not a valid token.
    token = mint_token(stack.settings, tenant(), subject="alice\x00")
    response = httpx.post(f"{stack.base_url}/v1/scenarios", json={"name": "x"},
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert_problem(response, 401)


# -- keep-alive after an error ------------------------------------------------------------


@pytest.fixture
def app_with_a_bug(pg_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The real app, plus one route that raises, served by uvicorn in this process."""
    monkeypatch.setenv("AURUM_API_WARM_DBT", "false")
    settings = Settings(jwt_secret="k" * 40, outbox_relay_in_api=False)
    app = create_app(settings)

    def broken() -> dict:
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(10)


def test_a_500_keeps_the_connection_usable(app_with_a_bug: int) -> None:
    conn = RawConnection(app_with_a_bug)
    conn.send("GET", "/broken")
    status, headers, body = conn.response()
    assert status == 500 and headers["content-type"] == "application/problem+json"
    assert b"a bug" not in body  # no internals
    assert headers.get("connection") != "close"
    conn.send("GET", "/v1/ping")  # the same connection
    assert conn.response()[0] == 200


# -- a PostgreSQL restart -----------------------------------------------------------------


def _postgres(action: str) -> None:
    subprocess.run([str(PROJECT_DIR / "scripts" / "services" / "postgres.sh"), action],
                   check=True, cwd=PROJECT_DIR, capture_output=True)  # fmt: skip


def test_a_postgresql_restart_gives_503_or_200_never_500(stack: LocalStack) -> None:
    local = stack
    client = local.client(tenant())
    sid = create(client)["id"]
    with local.client(tenant()) as other:
        # Fill the pool: concurrent requests leave several connections idle in it.
        threads = [threading.Thread(target=other.get, args=("/v1/scenarios",)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    _postgres("down")
    try:
        while_down = [client.get("/v1/scenarios"), client.post("/v1/scenarios", json={"name": "x"})]
    finally:
        _postgres("up")
    for response in while_down:
        assert_problem(response, 503)
        assert int(response.headers["retry-after"]) >= 1
    # Every pooled connection is broken now; none may reach a request.
    for _ in range(10):
        assert client.get("/v1/scenarios").status_code == 200
        assert client.get(f"/v1/scenarios/{sid}/runs").status_code == 200
    assert client.post(f"/v1/scenarios/{sid}/run").status_code == 202
