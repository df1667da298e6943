"""`aurum-backfill`: run one command per day for a source, oldest day first, advancing
the source's watermark after each day that succeeds.

Configured by settings.backfill (aurum.settings.BackfillSettings), from the environment
(the spec's `scripts/ingest/backfill.py` contract):

    AURUM_BACKFILL_SOURCE            required; a key of aurum.sources.SOURCES
    AURUM_BACKFILL_DAYS              how many days, ending at --end-date (default 7)
    AURUM_BACKFILL_HISTORY_LIMIT     hard cap on DAYS (default 30); DAYS above it is an
                                     error (exit 2), never silently clipped
    AURUM_BACKFILL_COMMAND_TEMPLATE  default "aurum-ingest fetch --source {source} --date {date}
                                     --watermark-key {watermark_key}";
                                     placeholders {source} {date} (YYYY-MM-DD) {watermark_key}
    AURUM_BACKFILL_COMMAND_SHELL     1/true/yes/on: run the rendered command through /bin/sh;
                                     otherwise split it with shlex and run it without a shell
    AURUM_BACKFILL_WATERMARK_KEY     watermark key (default "default")
    AURUM_PG_DSN                     where ingest.watermarks lives

    aurum-backfill [--dry-run] [--end-date YYYY-MM-DD]

After day D succeeds, the watermark (source, key) advances to D+1 00:00 UTC (the end of
D). The first failing day stops the run (exit 1); the watermark stays at the last day
that succeeded. --dry-run prints the commands and touches nothing. Bad configuration
exits 2 with a message naming the variable.

Without a shell, the template is split first and each word rendered afterwards, so a
value can never become two arguments or an operator. With a shell, the values are
shell-quoted before they are pasted in.
"""

from __future__ import annotations

import argparse
import shlex
import string
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TextIO

from pydantic import ValidationError

from aurum.settings import BackfillSettings, explain
from aurum.sources import SOURCES

DEFAULT_TEMPLATE = (
    "aurum-ingest fetch --source {source} --date {date} --watermark-key {watermark_key}"
)
PLACEHOLDERS = frozenset({"source", "date", "watermark_key"})


class ConfigError(ValueError):
    """A bad AURUM_BACKFILL_* value; the message names the variable."""


@dataclass(frozen=True)
class BackfillConfig:
    source: str
    days: int
    history_limit: int
    template: str
    shell: bool
    watermark_key: str


def _check_template(template: str) -> None:
    name = "AURUM_BACKFILL_COMMAND_TEMPLATE"
    if not template.strip():
        raise ConfigError(f"{name} is empty")
    try:
        fields = [
            field for _, field, _, _ in string.Formatter().parse(template) if field is not None
        ]
    except ValueError as exc:
        raise ConfigError(f"{name}={template!r} is not a valid template: {exc}") from None
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
        shown = ", ".join("{" + u + "}" for u in unknown)
        raise ConfigError(f"{name} uses unknown placeholder(s) {shown}; allowed: {allowed}")


def load_config(
    environ: Mapping[str, str] | None = None, settings: BackfillSettings | None = None
) -> BackfillConfig:
    """Check settings.backfill (the settings of this process, or of a child process whose
    environment is `environ`) for everything the CLI would refuse; names the variable."""
    try:
        if settings is None:
            settings = (
                BackfillSettings() if environ is None else BackfillSettings.from_environ(environ)
            )
    except ValidationError as exc:
        raise ConfigError(explain(exc, BackfillSettings)) from None
    source = settings.source.strip()
    if not source:
        raise ConfigError("AURUM_BACKFILL_SOURCE is required (a source name, e.g. pjm_da_hrl_lmps)")
    if source not in SOURCES:
        raise ConfigError(
            f"AURUM_BACKFILL_SOURCE={source!r} is not a known source; known: "
            + ", ".join(sorted(SOURCES))
        )
    days, limit = settings.days, settings.history_limit
    if days > limit:
        raise ConfigError(
            f"AURUM_BACKFILL_DAYS={days} exceeds AURUM_BACKFILL_HISTORY_LIMIT={limit}; "
            "raise the limit deliberately or backfill fewer days"
        )
    template = settings.command_template.strip() or DEFAULT_TEMPLATE
    _check_template(template)
    key = settings.watermark_key.strip()
    if not key:
        raise ConfigError("AURUM_BACKFILL_WATERMARK_KEY is empty")
    shell = settings.command_shell
    if not shell:
        try:
            shlex.split(template)
        except ValueError as exc:
            raise ConfigError(
                f"AURUM_BACKFILL_COMMAND_TEMPLATE={template!r} cannot be split: {exc}"
            ) from None
    return BackfillConfig(source, days, limit, template, shell, key)


def backfill_days(end: date, days: int) -> list[date]:
    """`days` consecutive days ending at `end`, oldest first."""
    return [end - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def render(config: BackfillConfig, day: date) -> str | list[str]:
    """The command for `day`: a shell string, or an argv list when there is no shell."""
    values = {
        "source": config.source,
        "date": day.isoformat(),
        "watermark_key": config.watermark_key,
    }
    if config.shell:
        return config.template.format(**{k: shlex.quote(v) for k, v in values.items()})
    return [word.format(**values) for word in shlex.split(config.template)]


def display(command: str | list[str]) -> str:
    return command if isinstance(command, str) else shlex.join(command)


def end_of_day_utc(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


Runner = Callable[[str | list[str], bool], int]


def run_command(command: str | list[str], shell: bool) -> int:
    try:
        return subprocess.run(command, shell=shell, check=False).returncode
    except FileNotFoundError as exc:
        print(f"aurum-backfill: {exc}", file=sys.stderr)
        return 127


def run_backfill(
    config: BackfillConfig,
    end: date,
    *,
    conn: Any = None,
    dry_run: bool = False,
    runner: Runner = run_command,
    out: TextIO | None = None,
) -> int:
    """Run the days oldest → newest; 0 when all succeed, 1 at the first failure."""
    out = out or sys.stdout
    from aurum.ingest.watermarks import get_watermark, update_watermark

    days = backfill_days(end, config.days)
    commands = [(day, render(config, day)) for day in days]
    if dry_run:
        for _, command in commands:
            print(display(command), file=out)
        return 0
    before = get_watermark(conn, config.source, config.watermark_key)
    print(
        f"backfill {config.source} [{config.watermark_key}] {days[0]} .. {days[-1]} "
        f"({len(days)} days); watermark {before.isoformat() if before else 'none'}",
        file=out,
    )
    for index, (day, command) in enumerate(commands, start=1):
        print(f"[{index}/{len(days)}] {day}: {display(command)}", file=out, flush=True)
        code = runner(command, config.shell)
        if code != 0:
            stored = get_watermark(conn, config.source, config.watermark_key)
            print(
                f"aurum-backfill: {day} failed (exit {code}); stopping. Watermark stays at "
                f"{stored.isoformat() if stored else 'none'}",
                file=sys.stderr,
            )
            return 1
        stored = update_watermark(conn, config.source, end_of_day_utc(day), config.watermark_key)
        print(f"[{index}/{len(days)}] {day}: ok; watermark {stored.isoformat()}", file=out)
    return 0


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a YYYY-MM-DD date") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="aurum-backfill",
        description="Run a command per day for AURUM_BACKFILL_SOURCE, advancing its watermark.",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    parser.add_argument(
        "--end-date", type=_parse_date, default=None, help="last day (default: yesterday, UTC)"
    )
    args = parser.parse_args(argv)
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"aurum-backfill: {exc}", file=sys.stderr)
        return 2
    end = args.end_date or (datetime.now(UTC).date() - timedelta(days=1))
    if args.dry_run:
        return run_backfill(config, end, dry_run=True)
    from aurum.db import connect

    try:
        conn = connect()
    except ConnectionError as exc:
        print(f"aurum-backfill: {exc}", file=sys.stderr)
        return 1
    with conn:
        return run_backfill(config, end, conn=conn)


if __name__ == "__main__":
    raise SystemExit(main())
