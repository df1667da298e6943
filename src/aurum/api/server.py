"""`aurum-api [--host H] [--port P]`: serve the API with uvicorn, JSON-lines logs."""

from __future__ import annotations

import argparse

import uvicorn

from aurum import log_json
from aurum.api.app import create_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurum-api")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    log_json.configure()
    uvicorn.run(create_app(), host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
