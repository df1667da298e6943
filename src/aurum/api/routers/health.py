"""/health (dependencies), /metrics (Prometheus text) and /v1/ping (a constant, for benchmarks)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from aurum.api.deps import Services
from aurum.api.schemas import Health

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(services: Services, response: Response) -> Health:
    """PostgreSQL is required (503 without it); Redis is optional (degraded without it)."""
    checks: dict[str, str] = {}
    try:
        with services.pool.connection(timeout=2) as conn:
            conn.execute("select 1")
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"down: {type(exc).__name__}"
    checks["redis"] = "ok" if services.cache.ping() else "down"
    if checks["postgres"] != "ok":
        response.status_code = 503
        return Health(status="down", checks=checks)
    return Health(status="ok" if checks["redis"] == "ok" else "degraded", checks=checks)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/ping")
def ping() -> dict[str, str]:
    """A constant answer: the floor of the API's latency (no auth, no database)."""
    return {"status": "ok"}
