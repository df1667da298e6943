"""`aurum-api [--host H] [--port P]`: serve the API with uvicorn, JSON-lines logs.

`aurum-api --export-openapi api/openapi.json` writes the OpenAPI document instead
(tests/api checks that the committed copy matches what the server serves).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import uvicorn

from aurum import log_json
from aurum.api.app import create_app
from aurum.settings import Settings


def openapi_text() -> str:
    app = create_app(Settings(jwt_secret="only-to-build-the-schema"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurum-api")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--export-openapi", type=Path, metavar="PATH")
    args = parser.parse_args(argv)
    if args.export_openapi:
        args.export_openapi.write_text(openapi_text())
        return 0
    log_json.configure()
    uvicorn.run(create_app(), host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
