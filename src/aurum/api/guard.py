"""The API's front door, an ASGI middleware run before FastAPI touches a request.

In this order (issue 10, items 3 and 5):

1. **Authentication before the body.** Every `/v1/…` path but `/v1/ping` needs a valid
   bearer token; without one the answer is 401 before a byte of the body is read (a
   50 MB body without a token used to be parsed first; invalid JSON answered 422).
2. **Per-tenant rate limits** (`aurum.api.ratelimit`): all requests, charged one unit
   plus one per 64 KiB of body, and requests that start work (`POST …/run`,
   `POST /v1/ppa/valuate`) → 429 with `Retry-After`.
3. **A body-size cap, streamed.** `Content-Length` over AURUM_API_MAX_BODY_BYTES is
   refused at once; a chunked body is read up to the cap and refused when it passes it,
   so no request holds more than the cap in memory. 413.
4. **An error boundary.** A database that cannot be reached (a restart, a pool with no
   connection to give) answers 503 with `Retry-After`, after one retry for GET and HEAD
   (reads are safe to repeat; a broken pooled connection is then replaced); anything
   unexpected answers 500 problem JSON, logged with its traceback. Either way the
   response is complete, so the keep-alive connection stays usable; when a refused
   request's body was left unread the response says `Connection: close`, and uvicorn
   closes it rather than parse the rest.
"""

from __future__ import annotations

import json
import logging

import psycopg
from psycopg_pool import PoolTimeout

from aurum.api.asgi import ASGIApp, Message, Receive, Scope, Send
from aurum.api.auth import TokenVerifier, bearer_token
from aurum.api.problems import MEDIA_TYPE, ProblemError
from aurum.api.ratelimit import Limit, RateLimiter, request_cost
from aurum.settings import Settings

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({"/v1/ping"})
# Errors that mean "the database cannot be reached right now", not "this request is bad".
DB_UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout, ConnectionError)
DB_RETRY_AFTER_SECONDS = 2


def needs_token(path: str) -> bool:
    return path.startswith("/v1/") and path not in PUBLIC_PATHS


def starts_work(method: str, path: str) -> bool:
    return method == "POST" and (path.endswith("/run") or path == "/v1/ppa/valuate")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return None


def _declared_length(scope: Scope) -> int | None:
    length = _header(scope, b"content-length")
    return int(length) if length is not None and length.strip().isdigit() else None


def _declares_body(scope: Scope) -> bool:
    length = _header(scope, b"content-length")
    return (length is not None and length.strip() not in (b"", b"0")) or (
        _header(scope, b"transfer-encoding") is not None
    )


async def send_problem(
    send: Send,
    scope: Scope,
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    *,
    close: bool = False,
) -> None:
    body = json.dumps(
        {"type": "about:blank", "title": title, "status": status, "detail": detail,
         "instance": scope.get("path", "")}
    ).encode()  # fmt: skip
    raw = [(b"content-type", MEDIA_TYPE.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class BodyTooLarge(Exception):
    pass


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        verifier: TokenVerifier,
        limiter: RateLimiter | None,
    ):
        self.app = app
        self.verifier = verifier
        self.limiter = limiter
        self.max_body = settings.api_max_body_bytes
        self.requests = Limit("requests", settings.api_rate_per_second, settings.api_rate_burst)
        self.work = Limit(
            "work", settings.api_work_rate_per_minute / 60.0, settings.api_work_rate_burst
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "")
        has_body, declared = _declares_body(scope), _declared_length(scope)
        tenant = None
        if needs_token(path):
            try:
                principal = self.verifier.verify(bearer_token(_header(scope, b"authorization")))
            except ProblemError as exc:
                await send_problem(send, scope, exc.status, exc.title, exc.detail or "",
                                   exc.headers, close=has_body)  # fmt: skip
                return
            scope.setdefault("state", {})["principal"] = principal
            tenant = principal.tenant_id
        if declared is not None and declared > self.max_body:
            await self._too_large(send, scope)
            return
        if tenant is not None:
            refused = self._limit(tenant, method, path, declared or 0)
            if refused is not None:
                await self._too_many(send, scope, *refused, close=has_body)
                return
        if has_body:
            try:
                receive, size = await self._buffered(receive)
            except BodyTooLarge:
                await self._too_large(send, scope)
                return
            if tenant is not None and declared is None:
                # A chunked body is charged once its size is known.
                refused = self._limit(tenant, "", path, size, extra_only=True)
                if refused is not None:
                    await self._too_many(send, scope, *refused)
                    return
        await self._call_with_boundary(scope, receive, send, method in ("GET", "HEAD"))

    def _limit(
        self, tenant: str, method: str, path: str, body_bytes: int, *, extra_only: bool = False
    ) -> tuple[Limit, int] | None:
        """(the limit, seconds to wait) if the tenant is over one, else None (charged)."""
        if self.limiter is None:
            return None
        cost = request_cost(body_bytes, self.requests) - (1 if extra_only else 0)
        checks = [(self.requests, cost)] if cost > 0 else []
        if starts_work(method, path):
            checks.append((self.work, 1))
        for limit, units in checks:
            decision = self.limiter.check(limit, tenant, units)
            if not decision.admitted:
                return limit, decision.retry_after_seconds
        return None

    async def _too_many(
        self, send: Send, scope: Scope, limit: Limit, retry_after: int, *, close: bool = False
    ) -> None:
        await send_problem(
            send, scope, 429, "Too Many Requests",
            f"tenant rate limit '{limit.name}' ({limit.burst} units at once, "
            f"{limit.rate_per_second:g}/s sustained; a request costs 1 unit plus 1 per "
            f"64 KiB of body); retry after {retry_after} s",
            {"Retry-After": str(retry_after)}, close=close,
        )  # fmt: skip

    async def _too_large(self, send: Send, scope: Scope) -> None:
        await send_problem(send, scope, 413, "Content Too Large",
                           f"request bodies are limited to {self.max_body} bytes",
                           close=True)  # fmt: skip

    async def _buffered(self, receive: Receive) -> tuple[Receive, int]:
        """Read the whole body, refusing it past the cap; replay it to the app."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                replay_first: Message = message  # a disconnect: hand it on
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                replay_first = {"type": "http.request", "body": b"".join(chunks),
                                "more_body": False}  # fmt: skip
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return replay_first
            return await receive()

        return replay, size

    async def _call_with_boundary(
        self, scope: Scope, receive: Receive, send: Send, safe_to_repeat: bool
    ) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        for attempt in (1, 2):
            try:
                await self.app(scope, receive, tracking_send)
                return
            except DB_UNAVAILABLE as exc:
                if started:
                    raise
                if safe_to_repeat and attempt == 1:
                    log.warning("database unavailable on %s, retrying once: %s",
                                scope.get("path"), exc)  # fmt: skip
                    continue
                log.warning("database unavailable on %s: %s", scope.get("path"), exc)
                await send_problem(send, scope, 503, "Service Unavailable",
                                   "the database is unavailable; retry shortly",
                                   {"Retry-After": str(DB_RETRY_AFTER_SECONDS)})  # fmt: skip
                return
            except Exception:
                if started:
                    raise
                log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
                await send_problem(send, scope, 500, "Internal Server Error",
                                   "unexpected error; see server logs")  # fmt: skip
                return
