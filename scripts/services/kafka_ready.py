"""Readiness probe for the local Kafka broker: a real metadata request must succeed.

    python scripts/services/kafka_ready.py BOOTSTRAP TIMEOUT_SECONDS [PID]

Exit 0 once the broker answers a metadata request listing itself; 1 on timeout; 2 if
the broker process PID dies first (so up.sh fails fast instead of waiting it out).
"""

from __future__ import annotations

import logging
import os
import sys
import time

from confluent_kafka.admin import AdminClient


def alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def main(argv: list[str]) -> int:
    bootstrap, timeout = argv[0], float(argv[1])
    pid = int(argv[2]) if len(argv) > 2 else None
    quiet = logging.getLogger("kafka_ready")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    # librdkafka logs every refused connection while the broker starts; silence it.
    admin = AdminClient({"bootstrap.servers": bootstrap, "logger": quiet})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return 2
        try:
            metadata = admin.list_topics(timeout=1.0)
        except Exception:  # KafkaException while the broker is still starting
            time.sleep(0.2)
            continue
        if metadata.brokers:
            return 0
        time.sleep(0.2)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
