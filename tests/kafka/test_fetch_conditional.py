"""`aurum-ingest fetch` keeps ETag / Last-Modified in PostgreSQL between runs: a second
run of an unchanged source sends them, the replay server answers 304, and nothing is
published again. Validators of a document whose rows were not delivered are not kept."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from aurum.db import connect, pg_dsn
from aurum.db.migrations import apply_migrations
from aurum.ingest.cli import main as ingest_main
from aurum.kafka.admin import all_topics, ensure_topics
from aurum.sources import SOURCES
from kafka_helpers import bootstrap, require_kafka
from replay.server import ReplayServer

pytestmark = pytest.mark.integration

SOURCE = "nyiso_damlbmp_zone"  # asks for conditional requests (endpoints.toml)
DAY = date(2022, 7, 18)


def _fetch(server: ReplayServer, capsys) -> tuple[int, str]:
    code = ingest_main(
        [
            "fetch",
            "--source",
            SOURCE,
            "--date",
            DAY.isoformat(),
            "--base-url",
            server.base_url,
            "--watermark-key",
            f"test-{uuid.uuid4().hex[:8]}",
        ]
    )
    return code, capsys.readouterr().out


def _stored(url: str):
    with connect(pg_dsn()) as conn:
        return conn.execute(
            "select etag, last_modified from ingest.http_validators where url = %s", (url,)
        ).fetchone()


def _requests_for(server: ReplayServer, path: str) -> list:
    return [r for r in server.requests if r.path == path]


@pytest.fixture
def server():
    require_kafka()
    ensure_topics(bootstrap(), all_topics())
    apply_migrations(pg_dsn())
    with ReplayServer() as replay:
        yield replay


def test_second_run_sends_the_stored_validators_and_gets_304(server, capsys):
    source = SOURCES[SOURCE]
    assert source.conditional
    url = source.url(DAY, base_url=server.base_url)  # the server's port makes it unique
    path = url.removeprefix(server.base_url)

    code, out = _fetch(server, capsys)
    assert code == 0 and f"{SOURCE} {DAY}: published, " in out and " 0 rows" not in out
    etag, last_modified = _stored(url)
    assert etag and last_modified

    code, out = _fetch(server, capsys)  # a new process would do the same: state is in PG
    assert code == 0
    assert f"{SOURCE} {DAY}: not_modified, 0 rows, 0 dead letters" in out
    first, second = _requests_for(server, path)
    assert first.status == 200 and second.status == 304
    sent = {k.lower(): v for k, v in second.headers.items()}
    assert sent["if-none-match"] == etag and sent["if-modified-since"] == last_modified


def test_validators_of_an_undelivered_document_are_not_kept(server, capsys):
    source = SOURCES[SOURCE]
    url = source.url(DAY, base_url=server.base_url)
    path = url.removeprefix(server.base_url)
    original = server._bodies[path].content
    server.serve_bytes(path, b"month,notes\n2025-01,not a NYISO file\n")

    code, out = _fetch(server, capsys)
    assert code == 1 and f"{SOURCE} {DAY}: file_rejected" in out
    assert _stored(url) is None  # else the next run's 304 would skip this day for good

    server.serve_bytes(path, original)
    code, out = _fetch(server, capsys)
    assert code == 0 and f"{SOURCE} {DAY}: published, " in out
    assert _stored(url) is not None
    assert [r.status for r in _requests_for(server, path)] == [200, 200]
