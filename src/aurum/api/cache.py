"""Redis cache for scenario metadata reads; the API answers without it when Redis is down.

Keys are tenant-scoped (`aurum:v1:scenario:<tenant>:<id>`), written on read misses and
deleted on every write to the scenario. Any Redis error counts as a miss and opens a
short circuit breaker, so a dead Redis costs one short timeout, not one per request.

A write while Redis is unreachable cannot delete its key; the key is remembered and the
cache is bypassed until every remembered key has been deleted, so a Redis that comes
back with its old data (a restart from its snapshot, a healed partition) never serves a
stale scenario from this process. Other API processes are bounded by the TTL.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

import redis
from prometheus_client import Counter

log = logging.getLogger(__name__)
CACHE_REQUESTS = Counter(
    "aurum_cache_requests_total",
    "Scenario metadata cache lookups by result (hit, miss, error, bypass).",
    ["result"],
)
TIMEOUT_SECONDS = 0.25
BREAKER_SECONDS = 2.0


class ScenarioCache:
    def __init__(self, url: str, ttl_seconds: int):
        self._redis = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
            retry_on_timeout=False,
        )
        self._ttl = ttl_seconds
        self._open_until = 0.0
        self._lock = threading.Lock()
        self._pending_deletes: set[str] = set()

    @staticmethod
    def key(tenant_id: str, scenario_id: uuid.UUID) -> str:
        return f"aurum:v1:scenario:{tenant_id}:{scenario_id}"

    def _available(self) -> bool:
        if time.monotonic() < self._open_until:
            return False
        if not self._pending_deletes:
            return True
        with self._lock:
            keys = list(self._pending_deletes)
        try:
            self._redis.delete(*keys)
        except redis.RedisError as exc:
            self._trip(exc)
            return False
        with self._lock:
            self._pending_deletes.difference_update(keys)
        return not self._pending_deletes

    def _trip(self, exc: Exception) -> None:
        with self._lock:
            self._open_until = time.monotonic() + BREAKER_SECONDS
        CACHE_REQUESTS.labels("error").inc()
        log.warning("redis unavailable, serving without cache for %.0fs: %s", BREAKER_SECONDS, exc)

    def get(self, tenant_id: str, scenario_id: uuid.UUID) -> bytes | None:
        if not self._available():
            CACHE_REQUESTS.labels("bypass").inc()
            return None
        try:
            value = self._redis.get(self.key(tenant_id, scenario_id))
        except redis.RedisError as exc:
            self._trip(exc)
            return None
        CACHE_REQUESTS.labels("hit" if value is not None else "miss").inc()
        return value

    def put(self, tenant_id: str, scenario_id: uuid.UUID, value: bytes) -> None:
        if not self._available():
            return
        try:
            self._redis.set(self.key(tenant_id, scenario_id), value, ex=self._ttl)
        except redis.RedisError as exc:
            self._trip(exc)

    def invalidate(self, tenant_id: str, scenario_id: uuid.UUID) -> None:
        key = self.key(tenant_id, scenario_id)
        if not self._available():
            with self._lock:
                self._pending_deletes.add(key)
            return
        try:
            self._redis.delete(key)
        except redis.RedisError as exc:
            with self._lock:
                self._pending_deletes.add(key)
            self._trip(exc)

    def ping(self) -> bool:
        try:
            return bool(self._redis.ping())
        except redis.RedisError:
            return False

    def close(self) -> None:
        self._redis.close()
