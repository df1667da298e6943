"""The API's Prometheus metrics and the middleware that records every request."""

from __future__ import annotations

import logging
import time

from prometheus_client import Counter, Histogram
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request

log = logging.getLogger("aurum.api.access")
REQUESTS = Counter(
    "aurum_http_requests_total",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "aurum_http_request_duration_seconds",
    "HTTP request latency by method and route template.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
RUNS_REQUESTED = Counter(
    "aurum_scenario_run_requests_total", "Scenario runs accepted (POST …/run answered 202)."
)


class MetricsMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            elapsed = time.perf_counter() - started
            route = request.scope.get("route")
            template = getattr(route, "path", "unmatched")
            REQUESTS.labels(request.method, template, str(status)).inc()
            LATENCY.labels(request.method, template).observe(elapsed)
            if template not in ("/metrics", "/health"):
                log.info(
                    "%s %s %s",
                    request.method,
                    request.url.path,
                    status,
                    extra={
                        "method": request.method,
                        "path": request.url.path,
                        "status_code": status,
                        "duration_s": round(elapsed, 4),
                        "tenant_id": getattr(request.state, "tenant_id", None),
                    },
                )
