"""The OpenAPI document is complete and the committed copy (api/openapi.json) is current."""

from __future__ import annotations

import json

from aurum.api.server import openapi_text
from aurum.dbt_runner import PROJECT_DIR

COMMITTED = PROJECT_DIR / "api" / "openapi.json"


def test_committed_openapi_is_current() -> None:
    assert COMMITTED.read_text() == openapi_text(), (
        "api/openapi.json is stale: run .venv/bin/aurum-api --export-openapi api/openapi.json"
    )


def test_every_endpoint_is_documented_with_bodies_examples_and_problems() -> None:
    spec = json.loads(openapi_text())
    paths = spec["paths"]
    expected = {
        ("/v1/scenarios", "post"), ("/v1/scenarios", "get"),
        ("/v1/scenarios/{scenario_id}", "get"), ("/v1/scenarios/{scenario_id}", "put"),
        ("/v1/scenarios/{scenario_id}/run", "post"),
        ("/v1/scenarios/{scenario_id}/runs", "get"),
        ("/v1/scenarios/{scenario_id}/runs/{run_id}", "get"),
        ("/v1/scenarios/{scenario_id}/runs/{run_id}/results", "get"),
        ("/v1/ppa/valuate", "post"), ("/health", "get"), ("/metrics", "get"),
    }  # fmt: skip
    assert expected <= {(p, m) for p, ops in paths.items() for m in ops}
    schemas = spec["components"]["schemas"]
    assert {"ScenarioAssumptions", "PpaContract", "Problem", "RunOut", "ScenarioOut"} <= set(
        schemas
    )
    create = paths["/v1/scenarios"]["post"]["requestBody"]["content"]["application/json"]
    assert create["schema"] == {"$ref": "#/components/schemas/ScenarioAssumptions"}
    assert create["examples"]["pjm_carbon_and_gas"]["value"]["drivers"]
    valuate = paths["/v1/ppa/valuate"]["post"]["requestBody"]["content"]["application/json"]
    assert valuate["examples"]["pjm_solar_vppa"]["value"]["contract"]["contract_id"]
    assert schemas["ValuationRequest"]["properties"]["contract"] == {
        "$ref": "#/components/schemas/PpaContract"
    }
    # Every $ref resolves.
    text = json.dumps(spec)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}:
        assert ref in schemas, ref
    for path, operations in paths.items():
        for method, operation in operations.items():
            if path.startswith("/v1/") and path != "/v1/ping":
                assert {"401", "422"} <= set(operation["responses"]), (path, method)
                assert operation.get("security"), (path, method)


def test_error_responses_are_documented_as_problem_json() -> None:
    """Issue 10, item 8: errors are served as application/problem+json; the spec says so."""
    spec = json.loads(openapi_text())
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if not code.startswith(("4", "5")) or path == "/health":
                    continue
                assert set(response.get("content", {})) == {"application/problem+json"}, (
                    path, method, code)  # fmt: skip
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Problem"}
            if path.startswith("/v1/") and path != "/v1/ping":
                assert {"401", "429", "503"} <= set(operation["responses"]), (path, method)
                retry_after = operation["responses"]["429"]["headers"]["Retry-After"]
                assert retry_after["required"] is True
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_request_bodies_are_strict_in_the_spec() -> None:
    schemas = json.loads(openapi_text())["components"]["schemas"]
    for name in ("RunRequest", "ValuationRequest"):
        assert schemas[name]["additionalProperties"] is False, name
