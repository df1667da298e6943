"""The replay server answers every sample file, byte for byte, at its source's URL."""

from __future__ import annotations

import io
import zipfile

import pytest

from aurum.ingest.http import FetchError, HttpFetcher
from aurum.sources import SOURCES
from aurum.sources.core.catalog import documents
from replay.routes import SAMPLE_DATA, SAMPLES
from replay.server import ReplayServer


@pytest.fixture(scope="module")
def served():
    with ReplayServer() as server, HttpFetcher(retries=0) as http:
        yield server, http


def test_every_sample_file_has_a_route():
    served_files = {sample.file for sample in SAMPLES}
    on_disk = {p for p in SAMPLE_DATA.rglob("*") if p.is_file() and p.name != "MANIFEST.md"}
    assert on_disk <= served_files, sorted(str(p) for p in on_disk - served_files)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.file.name)
def test_sample_is_served_byte_for_byte_at_its_source_url(served, sample):
    server, http = served
    expected = sample.file.read_bytes()
    if sample.source is None:
        assert http.fetch(server.base_url + sample.path).content == expected
        return
    source = SOURCES[sample.source]
    docs = documents(source, sample.day, http, server.base_url)
    bodies = [http.fetch(doc.url).content for doc in docs]
    if sample.zipped_as:
        (body,) = bodies
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            assert archive.namelist() == [sample.zipped_as]
            assert archive.read(sample.zipped_as) == expected
    else:
        assert expected in bodies


def test_content_types_and_validators(served):
    server, http = served
    url = SOURCES["caiso_prc_lmp_dam"].url(SAMPLES[0].day, base_url=server.base_url)
    http.fetch(url)
    assert server.requests[-1].status == 200
    import httpx

    response = httpx.get(url)
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["ETag"].startswith('"')
    assert httpx.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    since = response.headers["Last-Modified"]
    assert httpx.get(url, headers={"If-Modified-Since": since}).status_code == 304
    old = "Sat, 01 Jan 2000 00:00:00 GMT"
    assert httpx.get(url, headers={"If-Modified-Since": old}).status_code == 200


def test_unknown_path_is_404_and_serve_bytes_overrides(served):
    server, http = served
    with pytest.raises(FetchError) as caught:
        http.fetch(server.base_url + "/nothing/here.csv")
    assert caught.value.status == 404
    server.serve_bytes("/nothing/here.csv", b"")
    assert http.fetch(server.base_url + "/nothing/here.csv").content == b""


def test_requests_are_logged(served):
    server, http = served
    http.fetch(server.base_url + "/api/v1.1/locations")
    record = server.requests[-1]
    assert (record.method, record.path, record.status) == ("GET", "/api/v1.1/locations", 200)
    assert record.headers["User-Agent"].startswith("aurum-ingest/")
