"""Issue 10, item 3: authentication before the body, a streamed body cap, bounded
assumptions, per-tenant quotas and rate limits (429 + Retry-After, shared across API
processes through Redis), and fair scheduling between tenants in the worker queue."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import httpx
import psycopg
import pytest
from api_helpers import DEMO, RawConnection, assert_problem, create, run, tenant

from aurum.devstack import LocalStack
from aurum.scenarios import store

pytestmark = pytest.mark.integration
MiB = 1024 * 1024


# -- authentication first, body cap ------------------------------------------------------


def test_no_token_is_401_before_the_body_is_read(stack: LocalStack) -> None:
    """Headers announcing 50 MB and no token: 401 at once, without waiting for (or
    reading) the body, and the connection is closed rather than drained."""
    conn = RawConnection(stack, timeout=5)
    conn.send("POST", "/v1/scenarios",
              {"Content-Type": "application/json", "Content-Length": str(50 * MiB)})  # fmt: skip
    status, headers, _ = conn.response()
    assert status == 401 and headers["connection"] == "close"
    assert headers["www-authenticate"].startswith("Bearer")
    assert conn.closed_by_server()


def test_invalid_json_without_a_token_is_401(stack: LocalStack) -> None:
    response = httpx.post(f"{stack.base_url}/v1/scenarios", content=b"{not json",
                          headers={"content-type": "application/json"})  # fmt: skip
    assert_problem(response, 401)


def test_a_body_over_the_cap_is_413_before_it_is_read(stack: LocalStack) -> None:
    conn = RawConnection(stack, timeout=5)
    conn.send("POST", "/v1/scenarios", {
        "Authorization": f"Bearer {stack.token(tenant())}",
        "Content-Type": "application/json", "Content-Length": str(2 * MiB)})  # fmt: skip
    status, headers, body = conn.response()
    assert status == 413 and headers["connection"] == "close", body
    assert b"1048576 bytes" in body


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_cap(stack: LocalStack) -> None:
    conn = RawConnection(stack, timeout=10)
    conn.send("POST", "/v1/scenarios", {
        "Authorization": f"Bearer {stack.token(tenant())}",
        "Content-Type": "application/json", "Transfer-Encoding": "chunked"})  # fmt: skip
    chunk = b"x" * 65536
    try:
        for _ in range(24):  # 1.5 MiB, more than the cap
            conn.sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed once the cap was passed
    status, headers, _ = conn.response()
    assert status == 413 and headers["connection"] == "close"


def test_assumption_bounds_are_enforced_and_documented(stack: LocalStack) -> None:
    client = stack.client(tenant())
    change = {"iso_code": "PJM", "technology": "solar", "mw": 10, "action": "add",
              "effective_date": "2025-05-02"}  # fmt: skip
    fleet = {"type": "fleet_change", "changes": [change]}
    too_many_drivers = {"name": "x", "drivers": [fleet] * 21}
    assert_problem(client.post("/v1/scenarios", json=too_many_drivers), 422, "drivers")
    too_many_changes = {"name": "x", "drivers": [{**fleet, "changes": [change] * 201}]}
    assert_problem(client.post("/v1/scenarios", json=too_many_changes), 422, "drivers.0.changes")
    # Each list within its bound, the whole too costly to run: 3 x 200 fleet changes.
    too_costly = {"name": "x", "drivers": [{**fleet, "changes": [change] * 200}] * 3}
    problem = assert_problem(client.post("/v1/scenarios", json=too_costly), 422, "drivers")
    assert "at most 500" in problem["errors"][0]["message"]
    assert client.get("/v1/scenarios").json()["total"] == 0

    schemas = httpx.get(f"{stack.base_url}/openapi.json").json()["components"]["schemas"]
    assert schemas["ScenarioAssumptions"]["properties"]["drivers"]["maxItems"] == 20
    assert schemas["FleetChangeDriver"]["properties"]["changes"]["maxItems"] == 200
    assert schemas["Filters"]["properties"]["location_ids"]["maxItems"] == 1000


# -- quotas and rate limits -----------------------------------------------------------------


@pytest.fixture(scope="module")
def limited(api_stack) -> tuple[LocalStack, LocalStack]:
    """Two API processes (one JWT key, one Redis, one PostgreSQL), no worker: runs stay
    queued. Small limits: 3 active runs, bursts of 20 requests, one per 20 s after (slow
    enough that a loaded machine's slowness refills nothing during a test)."""
    limits = {"api_max_active_runs_per_tenant": 3, "api_rate_per_second": 0.05,
              "api_rate_burst": 20, "api_warm_dbt": False}  # fmt: skip
    first: LocalStack = api_stack(**limits)
    second: LocalStack = api_stack(**limits, jwt_secret=first.env["AURUM_JWT_SECRET"])
    return first, second


def test_queued_runs_have_a_per_tenant_quota(limited: tuple[LocalStack, LocalStack]) -> None:
    """12 parallel requests, a quota of 3: three accepted, nine answered 429 with
    Retry-After; another tenant is not affected."""
    local = limited[0]
    client = local.client(tenant())
    sid = create(client)["id"]
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda _: client.post(f"/v1/scenarios/{sid}/run"), range(12)))
    assert sorted(a.status_code for a in answers) == [202] * 3 + [429] * 9
    for refused in (a for a in answers if a.status_code == 429):
        problem = assert_problem(refused, 429)
        assert "the limit is 3" in problem["detail"]
        assert int(refused.headers["retry-after"]) >= 1
    other = local.client(tenant())
    assert other.post(f"/v1/scenarios/{create(other)['id']}/run").status_code == 202


def test_request_rates_are_limited_per_tenant_across_api_processes(
    limited: tuple[LocalStack, LocalStack],
) -> None:
    """Two API processes, one Redis: a tenant's burst of 20 is spent across both."""
    first, second = limited
    name = tenant()
    token = {"Authorization": f"Bearer {first.token(name)}"}
    answers = []
    for i in range(24):
        base = (first if i % 2 == 0 else second).base_url
        answers.append(httpx.get(f"{base}/v1/scenarios", headers=token))
    assert [a.status_code for a in answers] == [200] * 20 + [429] * 4
    refused = assert_problem(answers[-1], 429)
    assert "requests" in refused["detail"]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 20
    # Another tenant has its own budget.
    other = {"Authorization": f"Bearer {first.token(tenant())}"}
    assert httpx.get(f"{second.base_url}/v1/scenarios", headers=other).status_code == 200


def test_large_bodies_spend_the_rate_budget_by_size(
    limited: tuple[LocalStack, LocalStack],
) -> None:
    """600 KB bodies (valid, under the cap) cost 10 units each of a burst of 20."""
    client = limited[0].client(tenant())
    text = json.dumps(DEMO)
    large = (text[:-1] + " " * (600_000 - len(text)) + "}").encode()
    headers = {"content-type": "application/json"}
    answers = [client.post("/v1/scenarios", content=large, headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert "64 KiB of body" in assert_problem(answers[2], 429)["detail"]


# -- the queue: fair between tenants, PostgreSQL the record -------------------------------


def test_one_tenants_backlog_does_not_hold_another_tenants_run(stack: LocalStack) -> None:
    flooding, normal = stack.client(tenant()), stack.client(tenant())
    flood_sid, normal_sid = create(flooding)["id"], create(normal)["id"]
    backlog = [run(flooding, flood_sid)["id"] for _ in range(6)]
    mine = run(normal, normal_sid)["id"]
    done = stack.wait_for_run(normal, normal_sid, mine)
    assert done["status"] == "succeeded", done
    others = [stack.wait_for_run(flooding, flood_sid, r) for r in backlog]
    assert all(o["status"] == "succeeded" for o in others)
    started = sorted(
        [(datetime.fromisoformat(o["started_at"]), "flood") for o in others]
        + [(datetime.fromisoformat(done["started_at"]), "normal")]
    )
    position = [who for _, who in started].index("normal")
    # FIFO would start it last (7th); fair scheduling right after the run in progress.
    assert position <= 2, started


def test_a_run_whose_message_never_arrives_still_runs(
    stack: LocalStack, pg: psycopg.Connection
) -> None:
    """PostgreSQL is the queue of record: a run committed without its Kafka message
    (marked published in the same transaction, so the relay never sends it) runs anyway."""
    name = tenant()
    client = stack.client(name)
    sid = create(client)["id"]
    with pg.transaction():
        queued = store.create_run(pg, name, sid, version=None, requested_by="test",
                                  dbt_target="duckdb", topic=stack.settings.scenario_request_topic)  # fmt: skip
        assert queued is not None
        pg.execute("update app.outbox set published_at = now() where message_key = %s",
                   (str(queued.id),))  # fmt: skip
    done = stack.wait_for_run(client, sid, str(queued.id), timeout=120)
    assert done["status"] == "succeeded", done
