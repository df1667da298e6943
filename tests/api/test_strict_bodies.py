"""Issue 10, item 8: request bodies are exactly what the spec says."""

from __future__ import annotations

import pytest
from api_helpers import CONTRACT, assert_problem, create, tenant

from aurum.devstack import LocalStack

pytestmark = pytest.mark.integration


def test_run_and_valuation_bodies_refuse_wrong_types_and_unknown_keys(stack: LocalStack) -> None:
    client = stack.client(tenant())
    sid = create(client)["id"]
    url = f"/v1/scenarios/{sid}/run"
    assert_problem(client.post(url, json={"version": "1"}), 422, "version")
    assert_problem(client.post(url, json={"version": True}), 422, "version")
    assert_problem(client.post(url, json={"version": 1, "priority": "high"}), 422, "priority")
    assert_problem(client.post(url, json=[1]), 422)
    assert_problem(
        client.post("/v1/ppa/valuate", json={"contract": CONTRACT, "speed": "fast"}), 422, "speed"
    )
    assert_problem(
        client.post("/v1/ppa/valuate", json={"contract": CONTRACT, "version": "2"}), 422, "version"
    )
    assert client.get(f"/v1/scenarios/{sid}/runs").json()["total"] == 0
    assert client.post(url, json={"version": 1}).status_code == 202
