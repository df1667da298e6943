"""HTTP fetch with timeouts, retries (exponential backoff + jitter) and conditional requests.

    fetcher = HttpFetcher(validators=InMemoryValidatorStore())
    result = fetcher.fetch(source.url(day), conditional=source.conditional)
    if result.status == 304: ...   # not modified since the stored ETag / Last-Modified

Retried: connect/read/write/pool timeouts, connection and protocol errors, 429 and
every 5xx. Not retried: any other 4xx (the request itself is wrong; retrying cannot
help). A `Retry-After` header (seconds or an HTTP date) replaces the computed backoff,
capped at `max_backoff_seconds` so a server cannot park a job for an hour.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx

USER_AGENT = "aurum-ingest/0.1 (+https://github.com/aurum)"
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504}) | frozenset(range(505, 600))


class FetchError(Exception):
    """A fetch that failed for good: retries exhausted, or a status not worth retrying."""

    def __init__(self, url: str, status: int | None, attempts: int, reason: str) -> None:
        self.url = url
        self.status = status
        self.attempts = attempts
        self.reason = reason
        super().__init__(f"GET {url} failed after {attempts} attempt(s): {reason}")


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int  # 200, or 304 when a conditional request says not modified
    content: bytes | None  # None on 304
    etag: str | None
    last_modified: str | None
    attempts: int
    elapsed_seconds: float


class ValidatorStore(Protocol):
    """Where the ETag / Last-Modified of the last successful response per URL are kept."""

    def get(self, url: str) -> tuple[str | None, str | None] | None: ...

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None: ...


class InMemoryValidatorStore:
    def __init__(self) -> None:
        self._validators: dict[str, tuple[str | None, str | None]] = {}

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        return self._validators.get(url)

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._validators[url] = (etag, last_modified)


class PostgresValidatorStore:
    """`ingest.http_validators` (postgres/migrations/0001_ingest_watermarks.sql).

    Takes an open psycopg connection; each `put` commits on its own on an autocommit
    connection, and is part of the caller's transaction otherwise.
    """

    def __init__(self, conn) -> None:
        self._conn = conn

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        row = self._conn.execute(
            "select etag, last_modified from ingest.http_validators where url = %s", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._conn.execute(
            """
            insert into ingest.http_validators (url, etag, last_modified, updated_at)
            values (%s, %s, %s, now())
            on conflict (url) do update
               set etag = excluded.etag,
                   last_modified = excluded.last_modified,
                   updated_at = excluded.updated_at
            """,
            (url, etag, last_modified),
        )


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


class HttpFetcher:
    def __init__(
        self,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff_seconds: float = 0.5,
        max_backoff_seconds: float = 8.0,
        validators: ValidatorStore | None = None,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.validators = validators
        self._sleep = sleep
        self._owns_client = client is None
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT},
        )

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based): exponential, capped, with jitter."""
        ceiling = min(self.max_backoff_seconds, self.backoff_seconds * 2 ** (attempt - 1))
        return ceiling * random.uniform(0.5, 1.0)

    def _conditional_headers(self, url: str) -> dict[str, str]:
        stored = self.validators.get(url) if self.validators is not None else None
        if not stored:
            return {}
        etag, last_modified = stored
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def fetch(self, url: str, *, conditional: bool = False, remember: bool = True) -> FetchResult:
        """GET `url`. With `conditional`, send the stored validators and (unless
        `remember=False`, for a caller that stores them itself once the content is safely
        used, see `remember`) store the new ones of a 200."""
        headers = self._conditional_headers(url) if conditional else {}
        started = time.monotonic()
        attempts = 0
        max_attempts = self.retries + 1
        while True:
            attempts += 1
            retry_after: float | None = None
            try:
                response = self._client.get(url, headers=headers)
            except httpx.TimeoutException as exc:
                reason = f"timeout ({type(exc).__name__})"
                status = None
            except httpx.TransportError as exc:
                reason = f"connection error ({type(exc).__name__}: {exc})"
                status = None
            else:
                status = response.status_code
                if status == 200:
                    result = self._success(url, response, attempts, started)
                    if conditional and remember:
                        self.remember(result)
                    return result
                if status == 304 and headers:
                    return FetchResult(
                        url=url,
                        status=304,
                        content=None,
                        etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"),
                        attempts=attempts,
                        elapsed_seconds=time.monotonic() - started,
                    )
                reason = f"HTTP {status} {response.reason_phrase}".rstrip()
                if status not in RETRYABLE_STATUSES:
                    raise FetchError(url, status, attempts, reason)
                retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            if attempts >= max_attempts:
                raise FetchError(url, status, attempts, f"retries exhausted; last: {reason}")
            delay = self.backoff(attempts)
            if retry_after is not None:
                delay = min(retry_after, self.max_backoff_seconds)
            self._sleep(delay)

    def remember(self, result: FetchResult) -> None:
        """Store a 200's ETag / Last-Modified, so the next conditional fetch of its URL can
        be answered 304. The ingest pipeline calls this only after the content's rows
        were all delivered: validators stored earlier would make a failed day look
        "not modified" on the next run, and it would never be published."""
        validators = result.etag or result.last_modified
        if self.validators is not None and result.status == 200 and validators:
            self.validators.put(result.url, result.etag, result.last_modified)

    def _success(
        self, url: str, response: httpx.Response, attempts: int, started: float
    ) -> FetchResult:
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        return FetchResult(
            url=url,
            status=200,
            content=response.content,
            etag=etag,
            last_modified=last_modified,
            attempts=attempts,
            elapsed_seconds=time.monotonic() - started,
        )
