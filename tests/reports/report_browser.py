"""Headless Chromium for the report pages: rendered DOM and screenshots, with no network.

Chromium runs as the project brief prescribes (fresh profile, no background traffic) and
with every host name except the loopback unresolvable, so a page that still needs a CDN
renders without it here exactly as it would offline.
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aurum.dbt_runner import PROJECT_DIR

CHROMIUM_SCRIPT = PROJECT_DIR / "scripts" / "reports" / "chromium.sh"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--hide-scrollbars",
]


@functools.cache
def chromium() -> str:
    """Installs Debian's chromium when missing (scripts/reports/chromium.sh)."""
    done = subprocess.run([str(CHROMIUM_SCRIPT)], capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """The folder as static files on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="aurum-chromium-") as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def rendered_dom(url: str, *, budget_ms: int = 15000, timeout: float = 120) -> str:
    """The DOM after scripts ran (virtual time lets single-page apps finish rendering)."""
    done = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", url], timeout)
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError(f"chromium failed on {url}: {done.stderr[-2000:]}")
    return done.stdout


def screenshot(url: str, path: Path, *, size: str = "1280,860", budget_ms: int = 15000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    done = _run(
        [
            f"--virtual-time-budget={budget_ms}",
            f"--window-size={size}",
            f"--screenshot={path}",
            url,
        ],
        120,
    )
    if done.returncode != 0 or not path.is_file():
        raise RuntimeError(f"chromium screenshot of {url} failed: {done.stderr[-2000:]}")
    return path
