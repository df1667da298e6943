"""The rate limiter against a real Redis, and without one (nothing listening)."""

from __future__ import annotations

import time

import pytest
from api_helpers import tenant

from aurum.api.ratelimit import Limit, RateLimiter, request_cost
from aurum.devstack import free_port

pytestmark = pytest.mark.integration


def test_without_redis_each_process_still_limits_on_its_own() -> None:
    """Redis unreachable (nothing listens on the port): the limits hold, per process."""
    limiter = RateLimiter(f"redis://127.0.0.1:{free_port()}/0")
    limit = Limit("requests", rate_per_second=0.1, burst=3)
    decisions = [limiter.check(limit, "acme") for _ in range(5)]
    assert [d.admitted for d in decisions] == [True, True, True, False, False]
    assert decisions[-1].retry_after_seconds >= 1
    assert limiter.check(limit, "globex").admitted


def test_the_redis_limiter_is_one_budget_for_every_process(pg_settings) -> None:
    limit = Limit("requests", rate_per_second=0.1, burst=4)
    a, b = RateLimiter(pg_settings.redis_url), RateLimiter(pg_settings.redis_url)
    name = tenant()
    admitted = [(a if i % 2 else b).check(limit, name).admitted for i in range(6)]
    assert admitted == [True] * 4 + [False] * 2


def test_a_refused_tenant_is_admitted_again_after_retry_after() -> None:
    limiter = RateLimiter(f"redis://127.0.0.1:{free_port()}/0")  # the in-memory path
    limit = Limit("requests", rate_per_second=5, burst=1)
    assert limiter.check(limit, "acme").admitted
    refused = limiter.check(limit, "acme")
    assert not refused.admitted and refused.retry_after_seconds == 1
    time.sleep(0.25)  # one emission interval (0.2 s) later
    assert limiter.check(limit, "acme").admitted


def test_bodies_are_charged_by_size() -> None:
    limit = Limit("requests", rate_per_second=20, burst=60)
    assert [request_cost(n, limit) for n in (0, 700, 65_535, 65_536, 900_000)] == [1, 1, 1, 2, 14]
    assert request_cost(50 * 2**20, limit) == 60  # never more than the burst
    limiter = RateLimiter(f"redis://127.0.0.1:{free_port()}/0")
    slow = Limit("requests", rate_per_second=0.01, burst=30)
    assert [limiter.check(slow, "acme", 14).admitted for _ in range(3)] == [True, True, False]
    assert limiter.check(slow, "acme", 2).admitted  # 28 of 30 spent: a small one fits
