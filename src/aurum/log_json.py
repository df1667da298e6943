"""JSON-lines logging for the services: one object per line, with run and tenant ids.

log.info("run succeeded", extra={"run_id": ..., "tenant_id": ...})
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

# Attributes passed through `extra=` that belong in every line where they are known.
CONTEXT_FIELDS = ("run_id", "tenant_id", "scenario_id", "request_id", "status", "duration_s",
                  "method", "path", "status_code", "outcome", "attempt")  # fmt: skip


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: int = logging.INFO) -> None:
    """Route the root logger to stderr as JSON lines (idempotent)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.handlers = [handler]
    root.setLevel(level)
    # dbt and the kafka client are chatty at INFO; their own warnings still come through.
    for name in ("dbt", "trino.auth", "openlineage"):
        logging.getLogger(name).setLevel(logging.WARNING)
