"""The API's Prometheus metrics and the middleware that records every request.

Every label takes its value from a known, small set, whatever a client sends (issue 10:
2,000 requests with invented methods grew /metrics from 0.2 to 5.4 MB): the method is
one of METHODS or `other`, the route is the matched route's template or `unmatched`,
and the status is a code the API documents or else its class (`4xx`).
"""

from __future__ import annotations

import logging
import time

from prometheus_client import Counter, Histogram

from aurum.api.asgi import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("aurum.api.access")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
STATUSES = frozenset({200, 201, 202, 400, 401, 404, 405, 409, 413, 422, 429, 500, 502, 503})
REQUESTS = Counter(
    "aurum_http_requests_total",
    "HTTP requests by method, route template and status (a documented code, else its class).",
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


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


def status_label(status: int) -> str:
    return str(status) if status in STATUSES else f"{status // 100}xx"


def route_label(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            elapsed = time.perf_counter() - started
            method, route = method_label(scope.get("method", "")), route_label(scope)
            REQUESTS.labels(method, route, status_label(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            if route not in ("/metrics", "/health"):
                principal = scope.get("state", {}).get("principal")
                path = scope.get("path", "")
                log.info(
                    "%s %s %s",
                    method,
                    path,
                    status,
                    extra={
                        "method": scope.get("method", "")[:16],
                        "path": path[:512],
                        "status_code": status,
                        "duration_s": round(elapsed, 4),
                        "tenant_id": principal.tenant_id if principal else None,
                    },
                )
