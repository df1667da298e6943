"""`python -m aurum.scenarios`: validate assumption files, render the dbt var, export the schema.

python -m aurum.scenarios validate FILE          # exit 1 and one line per bad field
python -m aurum.scenarios vars FILE [--scenario-id ID] [--run-id ID]
python -m aurum.scenarios schema [--write]       # --write updates docs/scenario-assumptions.schema.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from aurum.paths import project_root
from aurum.scenarios.models import ScenarioError, json_schema, parse_scenario
from aurum.scenarios.vars import ID_PATTERN, vars_json

# `schema --write` updates the checkout's copy (validation itself needs no file).
SCHEMA_PATH = project_root() / "docs" / "scenario-assumptions.schema.json"


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"


def _default_id(path: Path) -> str:
    stem = "".join(c if c.isalnum() or c in "_-" else "_" for c in path.stem)[:64]
    return stem if ID_PATTERN.fullmatch(stem) else "scenario"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aurum.scenarios", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_validate = sub.add_parser("validate", help="validate an assumption JSON file")
    p_validate.add_argument("file", type=Path)
    p_vars = sub.add_parser("vars", help="print the --vars JSON for dbt")
    p_vars.add_argument("file", type=Path)
    p_vars.add_argument("--scenario-id", help="default: the file name's stem")
    p_vars.add_argument("--run-id")
    p_schema = sub.add_parser("schema", help="print the JSON Schema")
    p_schema.add_argument("--write", action="store_true", help=f"write it to {SCHEMA_PATH.name}")
    args = parser.parse_args(argv)

    if args.command == "schema":
        text = schema_text()
        if args.write:
            SCHEMA_PATH.write_text(text)
            print(f"wrote {SCHEMA_PATH}", file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0

    try:
        scenario = parse_scenario(args.file.read_bytes())
    except ScenarioError as exc:
        for path, message in exc.errors:
            print(f"{args.file}: {path or '<root>'}: {message}", file=sys.stderr)
        return 1
    if args.command == "validate":
        print(f"{args.file}: ok ({len(scenario.drivers)} drivers)")
        return 0
    try:
        print(vars_json(scenario, args.scenario_id or _default_id(args.file), args.run_id))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
