"""A real local HTTP server that replays the sample files at the sources' URL paths.

    with ReplayServer() as server:
        url = SOURCES["nyiso_damlbmp_zone"].url(day, base_url=server.base_url)
        server.fail_next(urlsplit(url).path, [500])      # first request fails, then 200
        ...
        server.requests   # [(method, path+query, headers, status), ...]

stdlib `ThreadingHTTPServer` on 127.0.0.1, port 0 (the OS picks), in a daemon thread.
Every response carries an ETag (content hash) and Last-Modified; a request whose
If-None-Match matches (or, without If-None-Match, whose If-Modified-Since is not older)
gets 304 with no body, as real servers answer conditional GETs.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from replay.routes import default_routes, generated_bodies

CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".zip": "application/zip",
    ".xls": "application/vnd.ms-excel",
    ".txt": "text/plain; charset=utf-8",
}
# Fixed so that conditional requests behave the same in every run.
SAMPLE_LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # path + query as requested
    headers: dict[str, str]
    status: int


@dataclass
class _Body:
    content: bytes
    content_type: str
    last_modified: str
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        self.etag = '"' + hashlib.sha256(self.content).hexdigest()[:32] + '"'


def _content_type(name: str) -> str:
    return CONTENT_TYPES.get(Path(name.split("?", 1)[0]).suffix.lower(), "application/octet-stream")


def _split(target: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(target)
    return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))


class ReplayServer:
    def __init__(self, routes: Mapping[str, Path] | None = None) -> None:
        self._lock = threading.Lock()
        self._bodies: dict[str, _Body] = {}
        if routes is None:
            routes = default_routes()
            for key, content in generated_bodies().items():
                self._add(key, content, _content_type(key), SAMPLE_LAST_MODIFIED)
        for key, path in routes.items():
            path = Path(path)
            self._add(key, path.read_bytes(), _content_type(path.name), SAMPLE_LAST_MODIFIED)
        self._failures: dict[str, deque[tuple[int, dict[str, str]]]] = {}
        self._delays: dict[str, deque[float]] = {}
        self.requests: list[RequestRecord] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- configuration --------------------------------------------------------------

    def _add(self, key: str, content: bytes, content_type: str, last_modified: str) -> None:
        self._bodies[key] = _Body(content, content_type, last_modified)

    def serve_bytes(self, path: str, content: bytes, content_type: str | None = None) -> None:
        """Serve `content` at `path` (a route key, or any new path) from now on."""
        with self._lock:
            existing = self._bodies.get(path)
            ctype = content_type or (existing.content_type if existing else _content_type(path))
            self._add(path, content, ctype, formatdate(time.time(), usegmt=True))

    def fail_next(
        self, path: str, statuses: list[int], headers: Mapping[str, str] | None = None
    ) -> None:
        """The next len(statuses) requests matching `path` get these statuses, then normal.

        `path` without `?` matches on the URL path alone; with `?` it must equal the
        request's path+query. `headers` go on each failure (e.g. {"Retry-After": "2"}).
        """
        with self._lock:
            queue = self._failures.setdefault(path, deque())
            queue.extend((status, dict(headers or {})) for status in statuses)

    def delay_next(self, path: str, seconds: float, count: int = 1) -> None:
        """The next `count` requests matching `path` stall `seconds` before answering."""
        with self._lock:
            self._delays.setdefault(path, deque()).extend([seconds] * count)

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("ReplayServer is not started; use it as a context manager")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> ReplayServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._handle(self, head=False)

            def do_HEAD(self) -> None:
                server._handle(self, head=True)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- request handling -------------------------------------------------------------

    def _pop(self, table: dict[str, deque], target: str):
        path = urlsplit(target).path
        for key in (target, path):
            queue = table.get(key)
            if queue:
                return queue.popleft()
        return None

    def _find(self, target: str) -> _Body | None:
        if target in self._bodies:
            return self._bodies[target]
        path, query = _split(target)
        best: tuple[int, _Body] | None = None
        for key, body in self._bodies.items():
            key_path, key_query = _split(key)
            if key_path != path or any(query.get(k) != v for k, v in key_query.items()):
                continue
            if best is None or len(key_query) > best[0]:
                best = (len(key_query), body)
        return best[1] if best else None

    def _handle(self, handler: BaseHTTPRequestHandler, *, head: bool) -> None:
        target = handler.path
        with self._lock:
            failure = self._pop(self._failures, target)
            delay = self._pop(self._delays, target)
            body = self._find(target)
        if delay:
            time.sleep(delay)
        headers: dict[str, str] = {}
        if failure is not None:
            status, headers = failure
            content = f"replayed failure {status}\n".encode()
            headers = {"Content-Type": "text/plain", **headers}
        elif body is None:
            status, content = 404, b"no route\n"
            headers = {"Content-Type": "text/plain"}
        else:
            headers = {
                "Content-Type": body.content_type,
                "ETag": body.etag,
                "Last-Modified": body.last_modified,
            }
            if self._not_modified(handler, body):
                status, content = 304, b""
            else:
                status, content = 200, body.content
        self._record(handler, status)
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(content)) if status != 304 else "0")
            handler.end_headers()
            if not head and status != 304:
                handler.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing to answer

    @staticmethod
    def _not_modified(handler: BaseHTTPRequestHandler, body: _Body) -> bool:
        if_none_match = handler.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip() for tag in if_none_match.split(",")}
            return body.etag in tags or "*" in tags
        if_modified_since = handler.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since)
                modified = parsedate_to_datetime(body.last_modified)
            except (TypeError, ValueError):
                return False
            return modified <= since
        return False

    def _record(self, handler: BaseHTTPRequestHandler, status: int) -> None:
        with self._lock:
            self.requests.append(
                RequestRecord(handler.command, handler.path, dict(handler.headers.items()), status)
            )
