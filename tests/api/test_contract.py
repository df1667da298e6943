"""Contract tests over HTTP against the real local stack: uvicorn + worker + PostgreSQL +
Redis + Kafka. Each test says what a client can rely on."""

from __future__ import annotations

import json
import math
import re
import subprocess
import time
import uuid
from pathlib import Path

import duckdb
import httpx
import pytest
from confluent_kafka import Consumer

from aurum.dbt_runner import PROJECT_DIR, release_duckdb, run_dbt
from aurum.devstack import LocalStack
from aurum.kafka.codec import decode
from aurum.kafka.dead_letters import DLQ_SUBJECT
from aurum.kafka.producer import ConfirmingProducer
from aurum.kafka.topics import DLQ_TOPIC
from aurum.scenarios import store
from aurum.scenarios.models import parse_scenario
from aurum.scenarios.vars import vars_json
from kafka_helpers import fresh_group
from warehouse_helpers import copy_warehouse

pytestmark = pytest.mark.integration

DEMO = json.loads((PROJECT_DIR / "examples" / "scenarios" / "demo_pjm_carbon_gas.json").read_text())
CONTRACT = json.loads(
    (PROJECT_DIR / "examples" / "ppa" / "pjm_western_hub_solar_vppa.json").read_text()
)
DEMO_ROWS = 2_832  # PJM day-ahead hubs, 2025-05-01..10 (docs/scenarios.md)


def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def create(client: httpx.Client, body: dict | None = None) -> dict:
    response = client.post("/v1/scenarios", json=body or DEMO)
    assert response.status_code == 201, response.text
    return response.json()


def run(stack: LocalStack, client: httpx.Client, scenario_id: str) -> dict:
    response = client.post(f"/v1/scenarios/{scenario_id}/run")
    assert response.status_code == 202, response.text
    assert response.headers["location"] == response.json()["links"]["self"]
    return response.json()


def all_results(client: httpx.Client, url: str, **params) -> list[dict]:
    rows, next_url = [], url
    query = {"limit": 1000, **params}
    while next_url:
        page = client.get(next_url, params=query if next_url == url else None)
        assert page.status_code == 200, page.text
        body = page.json()
        rows += body["items"]
        next_url = body["next"]
    return rows


def metric(text: str, name: str, **labels: str) -> float:
    label_text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = (
        "^"
        + re.escape(name)
        + (r"\{" + re.escape(label_text) + r"\}" if labels else "")
        + r" (\S+)"
    )
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def lineage_events(stack: LocalStack, run_id: str) -> list[str]:
    if not stack.lineage_file.exists():
        return []
    events = [json.loads(line) for line in stack.lineage_file.read_text().splitlines() if line]
    return [e["eventType"] for e in events if e["run"]["runId"] == run_id]


def direct_build(source: Path, workdir: Path, dbt_vars: str, run_id: str) -> list[dict]:
    """`dbt build --select scenario_output --vars …` by hand, on a copy of the same
    warehouse; the run's rows (scenario_output holds every run's)."""
    database = copy_warehouse(source, workdir)
    run_dbt(["build", "--select", "scenario_output", "--vars", dbt_vars],
            duckdb_path=database, target_path=workdir / "target")  # fmt: skip
    release_duckdb()
    with duckdb.connect(str(database), read_only=True) as conn:
        cursor = conn.execute(
            f"select {', '.join(store.OUTPUT_COLUMNS)} from market.scenario_output"
            " where run_id = ?",
            [run_id],
        )
        return [dict(zip(store.OUTPUT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def _key(row: dict) -> tuple:
    start = row["interval_start_utc"]
    if isinstance(start, str):
        start = start.replace("Z", "").replace("+00:00", "")
    else:
        start = start.isoformat()
    return (row["iso_code"], row["market"], row["location_id"], start)


def test_create_run_poll_and_results_equal_a_direct_dbt_build(
    stack: LocalStack, demo_warehouse_path: Path, tmp_path: Path
) -> None:
    client = stack.client(tenant())
    scenario = create(client)
    assert scenario["version"] == 1 and scenario["assumptions"]["filters"]["iso_codes"] == ["PJM"]
    accepted = run(stack, client, scenario["id"])
    assert accepted["status"] == "queued" and accepted["links"]["results"] is None

    done = stack.wait_for_run(client, scenario["id"], accepted["id"])
    assert done["status"] == "succeeded", done
    assert done["result_rows"] == DEMO_ROWS
    assert done["duration_seconds"] > 0 and done["attempts"] == 1
    results = all_results(client, done["links"]["results"])
    assert len(results) == DEMO_ROWS

    dbt_vars = vars_json(parse_scenario(DEMO), scenario["id"], accepted["id"])
    expected = direct_build(demo_warehouse_path, tmp_path / "direct", dbt_vars, accepted["id"])
    assert len(expected) == DEMO_ROWS
    by_key = {_key(row): row for row in expected}
    for row in results:
        want = by_key[_key(row)]
        for column in ("base_lmp", "fuel_adjustment", "carbon_adjustment", "lmp", "energy"):
            assert math.isclose(row[column], want[column], rel_tol=1e-12, abs_tol=1e-9), column
        assert row["marginal_technology"] == want["marginal_technology"]

    # Filters: one location, a half-open time window.
    location = results[0]["location_id"]
    window = all_results(
        client, done["links"]["results"], location_id=location,
        start="2025-05-02T00:00:00Z", end="2025-05-03T00:00:00Z",
    )  # fmt: skip
    assert len(window) == 24
    assert {r["location_id"] for r in window} == {location}

    # Observability: request metrics, run metrics, lineage START + COMPLETE.
    api_metrics = client.get("/metrics").text
    assert metric(api_metrics, "aurum_scenario_run_requests_total") >= 1
    assert "aurum_http_request_duration_seconds_bucket" in api_metrics
    worker_metrics = httpx.get(f"http://127.0.0.1:{stack.metrics_port}/metrics").text
    assert metric(worker_metrics, "aurum_scenario_runs_total", outcome="succeeded") >= 1
    assert (
        metric(worker_metrics, "aurum_scenario_run_duration_seconds_count", outcome="succeeded")
        >= 1
    )
    assert lineage_events(stack, accepted["id"]) == ["START", "COMPLETE"]


def test_another_tenants_ids_answer_404_for_reads_and_writes(stack: LocalStack) -> None:
    owner, intruder = stack.client(tenant()), stack.client(tenant())
    scenario = create(owner)
    accepted = run(stack, owner, scenario["id"])
    sid, rid = scenario["id"], accepted["id"]
    attempts = [
        intruder.get(f"/v1/scenarios/{sid}"),
        intruder.put(f"/v1/scenarios/{sid}", json=DEMO),
        intruder.post(f"/v1/scenarios/{sid}/run"),
        intruder.get(f"/v1/scenarios/{sid}/runs"),
        intruder.get(f"/v1/scenarios/{sid}/runs/{rid}"),
        intruder.get(f"/v1/scenarios/{sid}/runs/{rid}/results"),
        intruder.post("/v1/ppa/valuate", json={"contract": CONTRACT, "scenario_id": sid}),
    ]
    for response in attempts:
        assert response.status_code == 404, (response.request.url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert sid not in {s["id"] for s in intruder.get("/v1/scenarios").json()["items"]}
    # The owner still sees version 1: the intruder's PUT changed nothing.
    assert owner.get(f"/v1/scenarios/{sid}").json()["version"] == 1
    assert stack.wait_for_run(owner, sid, rid)["status"] == "succeeded"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({**DEMO, "drivers": [{"type": "policy", "carbon": [
            {"start": "2025-01-01", "end": "2026-01-01", "price": -5, "unit": "metric_ton"}]}]},
         "drivers.0.carbon.0.price"),
        ({**DEMO, "drivers": [{"type": "fuel_curve", "fuel": "natural_gas", "mode": "multiplier",
                                "steps": [{"start": "2025-01-01", "end": "2024-01-01", "value": 1.1}]}]},
         "drivers.0.steps.0"),
        ({**DEMO, "colour": "red"}, "colour"),
        ({k: v for k, v in DEMO.items() if k != "name"}, "name"),
        ({**DEMO, "drivers": [{"type": "weather"}]}, "drivers.0.type"),
        ({**DEMO, "name": "{{ env_var('AURUM_JWT_SECRET') }}"}, "name"),
    ],
)  # fmt: skip
def test_invalid_assumptions_answer_422_with_field_paths(
    stack: LocalStack, body: dict, path: str
) -> None:
    client = stack.client(tenant())
    response = client.post("/v1/scenarios", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "urn:aurum:problem:validation"
    assert any(e["path"].startswith(path) for e in problem["errors"]), problem
    assert client.get("/v1/scenarios").json()["total"] == 0  # nothing half-written


def test_invalid_queries_run_bodies_and_contracts_answer_422(stack: LocalStack) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    cases = [
        (client.get("/v1/scenarios", params={"limit": 0}), "limit"),
        (client.get("/v1/scenarios/not-a-uuid"), "scenario_id"),
        (client.post(f"/v1/scenarios/{sid}/run", json={"version": 0}), "version"),
        (client.post("/v1/ppa/valuate", json={"contract": {**CONTRACT, "buyer_share": 2}}),
         "contract.buyer_share"),
        (client.post("/v1/ppa/valuate", json={"contract": {**CONTRACT, "shape": {
            "kind": "unit_contingent", "capacity_mw": 100, "profile": "no_such_profile"}}}),
         "contract.shape.profile"),
        (client.post("/v1/scenarios", content=b"[1, 2]", headers={"content-type": "application/json"}), ""),
    ]  # fmt: skip
    for response, path in cases:
        assert response.status_code == 422, response.text
        assert any(e["path"] == path for e in response.json()["errors"]), response.text
    # An asked-for version that does not exist is a 404, not a queued run.
    assert client.post(f"/v1/scenarios/{sid}/run", json={"version": 7}).status_code == 404


def test_tokens_are_checked(stack: LocalStack) -> None:
    import jwt

    now = int(time.time())
    secret = stack.env["AURUM_JWT_SECRET"]
    good = {"iss": "aurum", "aud": "aurum-api", "sub": "x", "tenant_id": "acme", "exp": now + 60}
    bad_tokens = [
        None,
        "not-a-jwt",
        jwt.encode({**good, "exp": now - 3600}, secret, algorithm="HS256"),
        jwt.encode({**good, "aud": "someone-else"}, secret, algorithm="HS256"),
        jwt.encode({**good, "iss": "someone-else"}, secret, algorithm="HS256"),
        jwt.encode({k: v for k, v in good.items() if k != "tenant_id"}, secret, algorithm="HS256"),
        jwt.encode({**good, "tenant_id": "a/b"}, secret, algorithm="HS256"),
        jwt.encode(good, "another-secret-of-at-least-32-bytes!!", algorithm="HS256"),
    ]
    for token in bad_tokens:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.get(f"{stack.base_url}/v1/scenarios", headers=headers)
        assert response.status_code == 401, (token, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer")
    ok = jwt.encode(good, secret, algorithm="HS256")
    assert (
        httpx.get(
            f"{stack.base_url}/v1/scenarios", headers={"Authorization": f"Bearer {ok}"}
        ).status_code
        == 200
    )


def test_scenario_reads_are_cached_and_writes_invalidate(stack: LocalStack) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    assert client.get(f"/v1/scenarios/{sid}").headers["x-cache"] == "miss"
    assert client.get(f"/v1/scenarios/{sid}").headers["x-cache"] == "hit"
    changed = {**DEMO, "name": "Second version"}
    assert client.put(f"/v1/scenarios/{sid}", json=changed).json()["version"] == 2
    fresh = client.get(f"/v1/scenarios/{sid}")
    assert fresh.headers["x-cache"] == "miss"
    assert fresh.json()["version"] == 2 and fresh.json()["name"] == "Second version"


def _redis(action: str) -> None:
    subprocess.run([str(PROJECT_DIR / "scripts" / "services" / "redis.sh"), action], check=True,
                   cwd=PROJECT_DIR, capture_output=True)  # fmt: skip


def test_api_answers_without_redis(stack: LocalStack) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    client.get(f"/v1/scenarios/{sid}")  # cached now
    _redis("down")
    try:
        started = time.monotonic()
        for _ in range(5):
            response = client.get(f"/v1/scenarios/{sid}")
            assert response.status_code == 200 and response.headers["x-cache"] == "miss"
        assert time.monotonic() - started < 5  # the breaker keeps it from waiting per request
        assert client.put(f"/v1/scenarios/{sid}", json=DEMO).status_code == 200
        assert create(client)["version"] == 1
        health = client.get("/health").json()
        assert health["status"] == "degraded" and health["checks"]["redis"] == "down"
    finally:
        _redis("up")
    # Back up: the stale version-1 entry was deleted by the PUT or has to be, never served.
    time.sleep(2.5)  # let the breaker close
    assert client.get(f"/v1/scenarios/{sid}").json()["version"] == 2


def test_worker_killed_mid_run_completes_with_exactly_one_result_set(stack: LocalStack, pg) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    rid = run(stack, client, sid)["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/v1/scenarios/{sid}/runs/{rid}").json()["status"] != "running":
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.05)
    stack.kill_worker()
    assert client.get(f"/v1/scenarios/{sid}/runs/{rid}").json()["status"] == "running"
    stack.start_worker()
    done = stack.wait_for_run(client, sid, rid)
    assert done["status"] == "succeeded", done
    assert done["attempts"] == 2
    stored = pg.execute(
        "select count(*), count(distinct (iso_code, market, location_id, interval_start_utc))"
        " from app.scenario_run_output where run_id = %s",
        (rid,),
    ).fetchone()
    assert stored == (DEMO_ROWS, DEMO_ROWS)
    assert done["result_rows"] == DEMO_ROWS


def test_redelivered_request_is_skipped(stack: LocalStack, pg) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    rid = run(stack, client, sid)["id"]
    first = stack.wait_for_run(client, sid, rid)
    assert first["status"] == "succeeded"
    payload, headers = pg.execute(
        "select payload, headers from app.outbox where message_key = %s", (rid,)
    ).fetchone()
    before = httpx.get(f"http://127.0.0.1:{stack.metrics_port}/metrics").text
    producer = ConfirmingProducer(stack.settings.kafka_bootstrap)
    producer.produce(
        stack.settings.scenario_request_topic, bytes(payload), key=rid, headers=headers
    )
    producer.flush()
    deadline = time.monotonic() + 60
    skipped = metric(before, "aurum_scenario_runs_total", outcome="skipped")
    while metric(httpx.get(f"http://127.0.0.1:{stack.metrics_port}/metrics").text,
                 "aurum_scenario_runs_total", outcome="skipped") <= skipped:  # fmt: skip
        assert time.monotonic() < deadline, "the duplicate was never consumed"
        time.sleep(0.2)
    again = client.get(f"/v1/scenarios/{sid}/runs/{rid}").json()
    assert again["finished_at"] == first["finished_at"] and again["attempts"] == 1
    count = pg.execute("select count(*) from app.scenario_run_output where run_id = %s", (rid,))
    assert count.fetchone()[0] == DEMO_ROWS


def test_a_failing_run_is_marked_failed_with_a_dead_letter(stack: LocalStack, pg) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    # Assumptions that no longer validate (as after a model change): the worker must
    # fail the run, not loop on it.
    pg.execute(
        'update app.scenario_assumption_value set payload = payload || \'{"fuel": "uranium"}\''
        " where scenario_id = %s and driver_id = 3",
        (sid,),
    )
    group = fresh_group([DLQ_TOPIC])
    rid = run(stack, client, sid)["id"]
    done = stack.wait_for_run(client, sid, rid)
    assert done["status"] == "failed" and "drivers.1.fuel" in done["error"], done
    assert done["links"]["results"] is None
    assert client.get(f"/v1/scenarios/{sid}/runs/{rid}/results").status_code == 409
    # FAIL is emitted after the status and the dead letter: wait for it a little.
    deadline = time.monotonic() + 30
    while lineage_events(stack, rid) != ["START", "FAIL"] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert lineage_events(stack, rid) == ["START", "FAIL"]

    consumer = Consumer({"bootstrap.servers": stack.settings.kafka_bootstrap, "group.id": group,
                         "auto.offset.reset": "earliest"})  # fmt: skip
    consumer.subscribe([DLQ_TOPIC])
    letters = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not letters:
        message = consumer.poll(1.0)
        if message is not None and not message.error():
            letter = decode(DLQ_SUBJECT, message.value())
            if letter["run_id"] == rid:
                letters.append(letter)
    consumer.close()
    assert letters and letters[0]["stage"] == "run" and letters[0]["source"] == "scenario_worker"
    assert "drivers.1.fuel" in letters[0]["error_message"]
    assert json.loads(letters[0]["payload"])["run_id"] == rid


def test_a_version_used_by_a_run_is_frozen(stack: LocalStack, pg) -> None:
    import psycopg

    client = stack.client(tenant())
    sid = create(client)["id"]
    rid = run(stack, client, sid)["id"]
    with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="used by a run"):
        pg.execute("update app.scenario_version set name = 'x' where scenario_id = %s", (sid,))
    with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="used by a run"):
        pg.execute("delete from app.scenario_assumption_value where scenario_id = %s", (sid,))
    # A new version leaves version 1 and its run as they were.
    client.put(f"/v1/scenarios/{sid}", json={**DEMO, "drivers": []})
    assert stack.wait_for_run(client, sid, rid)["assumption_version"] == 1
    runs = client.get(f"/v1/scenarios/{sid}/runs").json()
    assert runs["total"] == 1 and runs["items"][0]["id"] == rid


def test_ppa_valuation_over_a_scenario_and_over_base_prices(stack: LocalStack) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    base = client.post("/v1/ppa/valuate", json={"contract": CONTRACT})
    assert base.status_code == 200, base.text
    shocked = client.post("/v1/ppa/valuate", json={"contract": CONTRACT, "scenario_id": sid})
    assert shocked.status_code == 200, shocked.text
    b, s = base.json(), shocked.json()
    assert b["scenario_id"] is None and s["assumption_version"] == 1
    assert b["summary"]["contract_id"] == CONTRACT["contract_id"]
    assert b["summary"]["volume_mwh"] == pytest.approx(s["summary"]["volume_mwh"])
    assert b["summary"]["volume_mwh"] > 0
    # $40/t carbon and gas x1.25 raise PJM prices, so the buyer's settlement rises.
    assert s["summary"]["settlement_usd"] > b["summary"]["settlement_usd"]
    assert s["summary"]["capture_price_usd_per_mwh"] > b["summary"]["capture_price_usd_per_mwh"]
    assert [y["local_year"] for y in s["annual"]] == [2025]


def test_health_metrics_and_openapi(stack: LocalStack) -> None:
    health = httpx.get(f"{stack.base_url}/health").json()
    assert health == {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}}
    served = httpx.get(f"{stack.base_url}/openapi.json").json()
    assert served == json.loads((PROJECT_DIR / "api" / "openapi.json").read_text())
