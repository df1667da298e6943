"""A local stand-in for Slack's incoming webhooks: records what Alertmanager posts.

Slack cannot be reached from here, so Alertmanager's `slack_api_url_file` names this
sink's URL. Every POST body (Slack's JSON: channel, username, attachments…) is appended,
with the path and the time received, to a JSON-lines file and answered `ok` as Slack
does; `GET /messages` returns what was recorded, `GET /-/healthy` answers `ok`.

    aurum-ops webhook-sink [--port N] [--record var/ops/webhook-sink/messages.jsonl]
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_BODY = 1 << 20


class WebhookSink:
    def __init__(self, record: Path, port: int = 0, host: str = "127.0.0.1"):
        self.record = Path(record)
        self.record.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self._answer(413, b"too large")
                    return
                body = self.rfile.read(length)
                try:
                    payload = json.loads(body)
                except ValueError:
                    self._answer(400, b"invalid_payload")  # what Slack answers
                    return
                sink.append({"received_at": datetime.now(UTC).isoformat(), "path": self.path,
                             "payload": payload})  # fmt: skip
                self._answer(200, b"ok")

            def do_GET(self) -> None:
                if self.path == "/-/healthy":
                    self._answer(200, b"ok")
                elif self.path == "/messages":
                    self._answer(200, json.dumps(sink.messages()).encode(), "application/json")
                else:
                    self._answer(404, b"not found")

            def _answer(self, status: int, body: bytes, ctype: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.port = self.server.server_address[1]

    def append(self, entry: dict) -> None:
        with self._lock, self.record.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def messages(self) -> list[dict]:
        with self._lock:
            if not self.record.exists():
                return []
            return [json.loads(line) for line in self.record.read_text().splitlines() if line]

    def serve_forever(self) -> None:
        self.server.serve_forever()
