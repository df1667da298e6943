"""Issue 10, item 7: /metrics stays bounded whatever methods, paths and statuses clients
produce — every label takes its value from a known set."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from aurum.devstack import LocalStack

pytestmark = pytest.mark.integration
# What a client may see as label values (aurum.api.metrics), written out: the set is the
# contract, not whatever the module happens to hold.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
STATUSES = {200, 201, 202, 400, 401, 404, 405, 409, 413, 422, 429, 500, 502, 503}
LABELS = re.compile(r"^aurum_http_request[^{]*\{(.*)\}", re.MULTILINE)


def label_values(text: str) -> dict[str, set[str]]:
    values: dict[str, set[str]] = {}
    for found in LABELS.finditer(text):
        for name, value in re.findall(r'(\w+)="([^"]*)"', found.group(1)):
            values.setdefault(name, set()).add(value)
    return values


def test_invented_methods_and_paths_do_not_grow_metrics(stack: LocalStack) -> None:
    with httpx.Client(base_url=stack.base_url) as client:
        client.get("/v1/ping")
        before = len(client.get("/metrics").content)
        for i in range(300):
            method = f"X{uuid.uuid4().hex[:12].upper()}"
            client.request(method, f"/v1/scenarios/{uuid.uuid4()}/no/such/{i}")
            client.get(f"/nowhere/{uuid.uuid4()}")
        text = client.get("/metrics").text
    values = label_values(text)
    assert values["method"] <= METHODS | {"other"}
    assert "other" in values["method"]
    assert all(v.startswith("/") or v == "unmatched" for v in values["route"])
    assert not any(v.startswith("/nowhere") or "/no/such" in v for v in values["route"])
    assert values["status"] <= {str(s) for s in STATUSES} | {"1xx", "2xx", "3xx", "4xx", "5xx"}
    # 600 requests with fresh methods and paths: a few new series at most, not 600.
    assert len(text.encode()) - before < 20_000
