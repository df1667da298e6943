"""Per-tenant request-rate limits, shared by every API process through Redis.

Each limit is a GCRA (generic cell rate algorithm, a token bucket kept as one timestamp):
`rate` units per second sustained, up to `burst` at once. A request costs one unit, plus
one per BODY_UNIT_BYTES of body (`request_cost`): a tenant sending 0.9 MB bodies spends
its budget fifteen times faster than one reading, so large bodies within the cap cannot
monopolise the API's CPU (issue 10's soak: 19 such bodies a second tripled another
tenant's median latency). One Lua script checks and
updates the tenant's key atomically on Redis's own clock, so any number of API
processes share one budget per tenant and disagree on nothing. A refused request gets
the time until it would be admitted: the API answers 429 with that as `Retry-After`.

When Redis is unreachable the limiter does not fail closed (Redis is optional for the
API: it would otherwise turn a cache outage into a full outage) nor open: each process
enforces the same limits in memory until Redis answers again (a 2 s circuit breaker,
as the cache's). With N API processes a tenant can then get up to N times its rate; the
queued-run quota, which protects the workers, is kept in PostgreSQL and holds exactly.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

import redis
from prometheus_client import Counter

log = logging.getLogger(__name__)
LIMITED = Counter(
    "aurum_rate_limited_total",
    "Requests refused with 429, by limit (requests, work, active_runs).",
    ["limit"],
)
LIMITER_BACKEND = Counter(
    "aurum_rate_limiter_decisions_total",
    "Rate-limit decisions by where they were taken (redis, local while Redis is down).",
    ["backend"],
)
TIMEOUT_SECONDS = 0.25
BREAKER_SECONDS = 2.0

BODY_UNIT_BYTES = 65_536

# KEYS[1] the tenant's key; ARGV: emission interval (µs), burst, cost (units).
# Returns {admitted (0/1), microseconds until admitted}.
_GCRA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local limit = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval * tonumber(ARGV[3])
local wait = new_tat - now - limit
if wait > 0 then
  return {0, wait}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, 0}
"""


@dataclass(frozen=True)
class Limit:
    name: str
    rate_per_second: float
    burst: int

    @property
    def interval_us(self) -> int:
        return max(1, round(1_000_000 / self.rate_per_second))


@dataclass(frozen=True)
class Decision:
    admitted: bool
    retry_after_seconds: int = 0


def request_cost(body_bytes: int, limit: Limit) -> int:
    """One unit per request and per BODY_UNIT_BYTES of body, at most the burst (or a
    body-heavy request could never be admitted)."""
    return min(limit.burst, 1 + body_bytes // BODY_UNIT_BYTES)


def _decision(admitted: bool, wait_us: float) -> Decision:
    return Decision(admitted, 0 if admitted else max(1, math.ceil(wait_us / 1_000_000)))


class _LocalGcra:
    """The same algorithm in this process's memory, for when Redis is unreachable."""

    def __init__(self) -> None:
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, key: str, limit: Limit, cost: int = 1) -> Decision:
        now = time.monotonic() * 1_000_000
        with self._lock:
            if len(self._tat) > 100_000:  # bounded: forget tenants idle past their burst
                self._tat = {k: v for k, v in self._tat.items() if v > now}
            tat = max(self._tat.get(key, now), now)
            wait = tat + limit.interval_us * cost - now - limit.interval_us * limit.burst
            if wait > 0:
                return _decision(False, wait)
            self._tat[key] = tat + limit.interval_us * cost
        return _decision(True, 0)


class RateLimiter:
    def __init__(self, url: str):
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            retry_on_timeout=False,
        )
        self._script = self._redis.register_script(_GCRA)
        self._local = _LocalGcra()
        self._open_until = 0.0

    @staticmethod
    def key(limit: Limit, tenant_id: str) -> str:
        return f"aurum:v1:rate:{limit.name}:{tenant_id}"

    def check(self, limit: Limit, tenant_id: str, cost: int = 1) -> Decision:
        key = self.key(limit, tenant_id)
        if time.monotonic() >= self._open_until:
            try:
                admitted, wait = self._script(
                    keys=[key], args=[limit.interval_us, limit.burst, cost]
                )
            except redis.RedisError as exc:
                self._open_until = time.monotonic() + BREAKER_SECONDS
                log.warning("redis unavailable, rate limits local for %.0fs: %s",
                            BREAKER_SECONDS, exc)  # fmt: skip
            else:
                LIMITER_BACKEND.labels("redis").inc()
                return self._count(limit, _decision(bool(admitted), wait))
        LIMITER_BACKEND.labels("local").inc()
        return self._count(limit, self._local.check(key, limit, cost))

    @staticmethod
    def _count(limit: Limit, decision: Decision) -> Decision:
        if not decision.admitted:
            LIMITED.labels(limit.name).inc()
        return decision

    def close(self) -> None:
        self._redis.close()
