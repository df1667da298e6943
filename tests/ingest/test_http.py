"""HttpFetcher against the real local replay server: retries, backoff, timeouts, 304."""

from __future__ import annotations

from datetime import date

import pytest

from aurum.ingest.http import FetchError, HttpFetcher, InMemoryValidatorStore
from aurum.sources import SOURCES
from replay.server import ReplayServer

SOURCE = SOURCES["nyiso_damlbmp_zone"]
DAY = date(2022, 7, 18)
PATH = "/public/csv/damlbmp/20220718damlbmp_zone.csv"


@pytest.fixture(scope="module")
def server():
    with ReplayServer() as replay:
        yield replay


@pytest.fixture
def sleeps() -> list[float]:
    return []


def fetcher(sleeps: list[float], **kwargs) -> HttpFetcher:
    kwargs.setdefault("backoff_seconds", 0.5)
    return HttpFetcher(sleep=sleeps.append, **kwargs)


def test_200_returns_the_sample_body(server, sample_data, sleeps):
    with fetcher(sleeps) as http:
        result = http.fetch(SOURCE.url(DAY, base_url=server.base_url))
    assert result.status == 200
    assert result.content == (sample_data / "nyiso/20220718damlbmp_zone.csv").read_bytes()
    assert result.attempts == 1
    assert result.etag and result.last_modified
    assert sleeps == []


def test_500_then_success_retries_once_with_backoff(server, sleeps):
    server.fail_next(PATH, [500])
    with fetcher(sleeps) as http:
        result = http.fetch(SOURCE.url(DAY, base_url=server.base_url))
    assert result.status == 200
    assert result.attempts == 2
    assert len(sleeps) == 1
    assert 0.25 <= sleeps[0] <= 0.5  # first backoff: 0.5 s with jitter in [0.5, 1.0]


def test_backoff_grows_exponentially_and_is_capped(server, sleeps):
    server.fail_next(PATH, [503, 502, 500, 504, 500])
    with fetcher(sleeps, retries=5, max_backoff_seconds=3.0) as http:
        result = http.fetch(SOURCE.url(DAY, base_url=server.base_url))
    assert result.attempts == 6
    ceilings = [0.5, 1.0, 2.0, 3.0, 3.0]
    assert len(sleeps) == 5
    for delay, ceiling in zip(sleeps, ceilings, strict=True):
        assert ceiling / 2 <= delay <= ceiling


def test_retries_exhausted_raise_fetch_error_with_attempts(server, sleeps):
    server.fail_next(PATH, [500] * 5)
    url = SOURCE.url(DAY, base_url=server.base_url)
    with fetcher(sleeps) as http, pytest.raises(FetchError) as caught:
        http.fetch(url)
    error = caught.value
    assert (error.status, error.attempts, error.url) == (500, 5, url)
    assert "retries exhausted" in error.reason
    assert len(sleeps) == 4
    # the route recovers afterwards: the failures were consumed, not sticky
    with fetcher(sleeps) as http:
        assert http.fetch(url).status == 200


def test_404_is_not_retried(server, sleeps):
    before = len(server.requests)
    with fetcher(sleeps) as http, pytest.raises(FetchError) as caught:
        http.fetch(server.base_url + "/public/csv/damlbmp/19990101damlbmp_zone.csv")
    assert (caught.value.status, caught.value.attempts) == (404, 1)
    assert sleeps == []
    assert len(server.requests) == before + 1


def test_429_is_retried(server, sleeps):
    server.fail_next(PATH, [429])
    with fetcher(sleeps) as http:
        assert http.fetch(SOURCE.url(DAY, base_url=server.base_url)).attempts == 2


def test_read_timeout_is_retried(server, sleeps):
    server.delay_next(PATH, 1.0)
    with fetcher(sleeps, timeout=0.2) as http:
        result = http.fetch(SOURCE.url(DAY, base_url=server.base_url))
    assert (result.status, result.attempts) == (200, 2)
    assert len(sleeps) == 1


def test_connection_refused_exhausts_retries():
    sleeps: list[float] = []
    with ReplayServer() as gone:
        url = gone.base_url + PATH
    with fetcher(sleeps, retries=2) as http, pytest.raises(FetchError) as caught:
        http.fetch(url)
    assert caught.value.status is None
    assert caught.value.attempts == 3
    assert "connection error" in caught.value.reason


def test_retry_after_is_honoured_and_capped(server, sleeps):
    server.fail_next(PATH, [503], headers={"Retry-After": "3"})
    server.fail_next(PATH, [429], headers={"Retry-After": "3600"})
    with fetcher(sleeps, max_backoff_seconds=8.0) as http:
        result = http.fetch(SOURCE.url(DAY, base_url=server.base_url))
    assert result.attempts == 3
    assert sleeps == [3.0, 8.0]


def test_conditional_request_gets_304_with_stored_etag(server, sleeps):
    validators = InMemoryValidatorStore()
    url = SOURCE.url(DAY, base_url=server.base_url)
    with fetcher(sleeps, validators=validators) as http:
        first = http.fetch(url, conditional=True)
        assert first.status == 200
        assert validators.get(url) == (first.etag, first.last_modified)
        second = http.fetch(url, conditional=True)
    assert second.status == 304
    assert second.content is None
    assert server.requests[-1].headers.get("If-None-Match") == first.etag
    assert server.requests[-1].status == 304


def test_changed_content_answers_200_to_a_conditional_request(sleeps):
    with ReplayServer() as server:
        validators = InMemoryValidatorStore()
        url = SOURCE.url(DAY, base_url=server.base_url)
        with fetcher(sleeps, validators=validators) as http:
            first = http.fetch(url, conditional=True)
            server.serve_bytes(PATH, b"changed\n")
            second = http.fetch(url, conditional=True)
    assert second.status == 200
    assert second.content == b"changed\n"
    assert second.etag != first.etag


def test_without_conditional_no_validators_are_sent_or_stored(server, sleeps):
    validators = InMemoryValidatorStore()
    url = SOURCE.url(DAY, base_url=server.base_url)
    with fetcher(sleeps, validators=validators) as http:
        http.fetch(url)
    assert validators.get(url) is None
    assert "If-None-Match" not in server.requests[-1].headers


def test_validators_wait_for_remember_when_the_caller_asks(server, sleeps):
    validators = InMemoryValidatorStore()
    url = SOURCE.url(DAY, base_url=server.base_url)
    with fetcher(sleeps, validators=validators) as http:
        first = http.fetch(url, conditional=True, remember=False)
        assert first.status == 200 and validators.get(url) is None
        again = http.fetch(url, conditional=True, remember=False)
        assert again.status == 200  # nothing stored, so nothing to be "not modified" against
        http.remember(again)
        assert validators.get(url) == (again.etag, again.last_modified)
        assert http.fetch(url, conditional=True).status == 304
