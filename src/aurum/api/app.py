"""The FastAPI application: `create_app(settings)`; `aurum-api` serves it with uvicorn."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.utils import get_openapi
from psycopg_pool import ConnectionPool
from pydantic.json_schema import models_json_schema

from aurum.api import problems
from aurum.api.auth import TokenVerifier
from aurum.api.cache import ScenarioCache
from aurum.api.deps import AppServices
from aurum.api.guard import Guard, needs_token
from aurum.api.metrics import MetricsMiddleware
from aurum.api.ratelimit import RateLimiter
from aurum.api.routers import health, ppa, scenarios
from aurum.api.valuation import Valuator
from aurum.kafka.admin import ensure_topics
from aurum.paths import resource
from aurum.ppa.contract import PpaContract
from aurum.scenarios.models import Scenario
from aurum.scenarios.outbox import OutboxRelay
from aurum.settings import Settings

log = logging.getLogger(__name__)
# Request bodies validated from raw JSON (strict JSON mode, as the CLI does).
BODY_MODELS = (Scenario, PpaContract)
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}
# Answers every token-protected operation can give, besides its own (docs/api.md).
GUARD_RESPONSES = {
    "401": {"description": "Missing or invalid bearer token"},
    "429": {"description": "A tenant rate limit or quota was reached", "headers": RETRY_AFTER},
    "503": {"description": "The database is unreachable", "headers": RETRY_AFTER},
}


def _document_problems(schema: dict[str, Any]) -> None:
    """Errors are served as application/problem+json: say so, with the Problem schema, on
    every 4xx/5xx answer (FastAPI would document them as application/json and add its
    own 422 schema), and add the guard's 401/413/429/503 to the operations it guards."""
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if needs_token(path):
                for code, response in GUARD_RESPONSES.items():
                    responses.setdefault(code, dict(response))
                if "requestBody" in operation:
                    responses.setdefault("413", {"description": "The body is over the size cap"})
            for code, response in responses.items():
                if not code.startswith(("4", "5")):
                    continue
                content = response.get("content", {})
                refs = {json_ref(c.get("schema")) for c in content.values()}
                if content and not refs <= {PROBLEM_REF["$ref"], VALIDATION_REF}:
                    continue  # a documented body of its own (/health's 503)
                response["content"] = {problems.MEDIA_TYPE: {"schema": dict(PROBLEM_REF)}}
    components = schema.get("components", {}).get("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)


VALIDATION_REF = "#/components/schemas/HTTPValidationError"


def json_ref(value: Any) -> str | None:
    return value.get("$ref") if isinstance(value, dict) else None


def custom_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus the assumption and contract models, referenced by the bodies."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    _, defs = models_json_schema(
        [(model, "validation") for model in BODY_MODELS],
        ref_template="#/components/schemas/{model}",
    )
    for name, definition in defs.get("$defs", {}).items():
        components.setdefault(name, definition)
    components["ScenarioAssumptions"] = components.pop("Scenario")
    ref = {"$ref": "#/components/schemas/ScenarioAssumptions"}
    for path in ("/v1/scenarios", "/v1/scenarios/{scenario_id}"):
        for method in ("post", "put"):
            operation = schema["paths"].get(path, {}).get(method)
            if operation and "requestBody" in operation:
                operation["requestBody"]["content"]["application/json"]["schema"] = ref
    valuation = components.get("ValuationRequest", {}).get("properties", {})
    if "contract" in valuation:
        valuation["contract"] = {"$ref": "#/components/schemas/PpaContract"}
    _add_examples(schema)
    _document_problems(schema)
    app.openapi_schema = schema
    return schema


# Request examples: package data (aurum/api/examples, linked from examples/), read when
# the document is first built, never at import (aurum.paths).
EXAMPLES = {
    (("/v1/scenarios", "/v1/scenarios/{scenario_id}"), ("post", "put")): (
        "pjm_carbon_and_gas",
        "PJM: $40/t CO2, gas x1.25",
        "demo_pjm_carbon_gas.json",
        None,
    ),
    (("/v1/ppa/valuate",), ("post",)): (
        "pjm_solar_vppa",
        "100 MW solar VPPA at PJM AEP-Dayton",
        "pjm_western_hub_solar_vppa.json",
        "contract",
    ),
}


def _add_examples(schema: dict[str, Any]) -> None:
    for (paths, methods), (name, summary, file, wrap) in EXAMPLES.items():
        value = json.loads(resource("aurum.api", "examples", file).read_text())
        # As FastAPI writes the rest of the document: nulls left out.
        example = jsonable_encoder(
            {"summary": summary, "value": {wrap: value} if wrap else value}, exclude_none=True
        )
        for path in paths:
            for method in methods:
                body = schema["paths"].get(path, {}).get(method, {}).get("requestBody")
                if body:
                    body["content"]["application/json"]["examples"] = {name: example}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    verifier = TokenVerifier(settings)  # refuses to start without a key

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = ConnectionPool(
            settings.pg_dsn,
            min_size=1,
            max_size=settings.api_db_pool_size,
            kwargs={"autocommit": True, "connect_timeout": 3},
            # A connection broken while idle (a PostgreSQL restart) is replaced, not used.
            check=ConnectionPool.check_connection,
            open=False,
        )
        pool.open(wait=False)
        services = AppServices(
            settings=settings,
            pool=pool,
            cache=ScenarioCache(settings.redis_url, settings.cache_ttl_seconds),
            valuation=Valuator(settings),
        )
        if settings.outbox_relay_in_api:
            ensure_topics(settings.kafka_bootstrap, [settings.scenario_request_topic])
            services.relay = OutboxRelay(settings)
            services.relay.start()
        app.state.services = services
        if settings.api_warm_dbt:
            # Parse the dbt project in the background: the first valuation does not pay it.
            threading.Thread(target=services.valuation.warm_up, daemon=True).start()
        try:
            yield
        finally:
            if services.relay is not None:
                services.relay.stop()
            services.cache.close()
            pool.close()

    app = FastAPI(
        title="Aurum API",
        version="1.0.0",
        description=(
            "Scenarios over US power-market prices and PPA valuation. Every endpoint under "
            "/v1 except /v1/ping needs a bearer JWT whose `tenant_id` claim scopes what it "
            "reads and writes; another tenant's ids answer 404. Errors are problem JSON "
            "(RFC 9457). The token is checked before the body is read; bodies are capped "
            "(AURUM_API_MAX_BODY_BYTES, default 1 MiB: 413); each tenant has request-rate "
            "limits and a quota of queued runs, answered with 429 and Retry-After "
            "(docs/api.md)."
        ),
        lifespan=lifespan,
    )
    app.state.verifier = verifier
    # Outermost last: metrics see every answer, the guard's 401/413/429/503/500 included.
    app.add_middleware(
        Guard, settings=settings, verifier=verifier, limiter=RateLimiter(settings.redis_url)
    )
    app.add_middleware(MetricsMiddleware)
    problems.install(app)
    app.include_router(scenarios.router)
    app.include_router(ppa.router)
    app.include_router(health.router)
    app.openapi = lambda: custom_openapi(app)  # type: ignore[method-assign]
    return app
