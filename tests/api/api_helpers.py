"""What the API tests share: tenants, requests, raw HTTP over one socket."""

from __future__ import annotations

import json
import socket
import uuid

import httpx

from aurum.dbt_runner import PROJECT_DIR
from aurum.devstack import LocalStack

DEMO = json.loads((PROJECT_DIR / "examples" / "scenarios" / "demo_pjm_carbon_gas.json").read_text())
CONTRACT = json.loads(
    (PROJECT_DIR / "examples" / "ppa" / "pjm_western_hub_solar_vppa.json").read_text()
)
PROBLEM_JSON = "application/problem+json"


def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def create(client: httpx.Client, body: dict | None = None) -> dict:
    response = client.post("/v1/scenarios", json=body or DEMO)
    assert response.status_code == 201, response.text
    return response.json()


def run(client: httpx.Client, scenario_id: str) -> dict:
    response = client.post(f"/v1/scenarios/{scenario_id}/run")
    assert response.status_code == 202, response.text
    return response.json()


def assert_problem(response: httpx.Response, status: int, path: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == status
    if path is not None:
        assert any(e["path"] == path for e in problem.get("errors", [])), problem
    return problem


class RawConnection:
    """One keep-alive TCP connection to the API, speaking HTTP/1.1 by hand: to see what
    a server does with a connection (close it, keep it) and to send headers alone."""

    def __init__(self, stack_or_port: LocalStack | int, timeout: float = 10):
        port = stack_or_port if isinstance(stack_or_port, int) else stack_or_port.api_port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def send(self, method: str, path: str, headers: dict[str, str] | None = None,
             body: bytes = b"") -> None:  # fmt: skip
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def response(self) -> tuple[int, dict[str, str], bytes]:
        """(status, lower-cased headers, body) of the next response (Content-Length bodies)."""
        while b"\r\n\r\n" not in self.buffer:
            if not self._fill():
                raise ConnectionError("closed before a response")
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            if not self._fill():
                raise ConnectionError("closed mid-body")
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body

    def closed_by_server(self) -> bool:
        """True if the server has closed its side (a read returns end of stream)."""
        try:
            return not self._fill()
        except (ConnectionResetError, BrokenPipeError):
            return True

    def close(self) -> None:
        self.sock.close()
