"""Run a SeaTunnel job template for real: render it, then `scripts/services/seatunnel.sh run`.

    result = run_job("nyiso_lmp_to_kafka", {"day": "20220718", ...})
    result.returncode, result.log_path, result.seconds

The rendered config and the job's log go to `log_dir` (default: a fresh temporary
directory), named after the template. The script assembles SeaTunnel on first use
(Maven Central jars, cached in .cache/seatunnel) and runs the job in local mode: an
embedded Zeta engine that exits with the job, so nothing outlives the call. A job that
fails, or does not finish within `timeout`, raises `JobFailed` with the tail of its log.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aurum.paths import require_checkout
from aurum.seatunnel.render import (
    TemplateError,
    load_template,
    render_template,
    setting_defaults,
)
from aurum.settings import Settings


def seatunnel_sh() -> Path:
    """The checkout's service script that installs and runs SeaTunnel."""
    return require_checkout("SeaTunnel") / "scripts" / "services" / "seatunnel.sh"


DEFAULT_TIMEOUT = 300.0
TAIL_LINES = 60


class JobFailed(RuntimeError):
    """A SeaTunnel job that exited non-zero or ran past its timeout."""

    def __init__(self, message: str, log_path: Path) -> None:
        super().__init__(message)
        self.log_path = log_path


@dataclass(frozen=True)
class JobResult:
    template: str
    returncode: int
    config_path: Path
    log_path: Path
    seconds: float


def install(timeout: float = 600.0) -> Path:
    """Assemble SeaTunnel if it is not yet (idempotent); returns its home."""
    subprocess.run([str(seatunnel_sh()), "install"], check=True, timeout=timeout)
    home = subprocess.run(
        [str(seatunnel_sh()), "home"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return Path(home)


def log_tail(path: Path, lines: int = TAIL_LINES) -> str:
    text = path.read_text(errors="replace").splitlines() if path.exists() else []
    return "\n".join(text[-lines:])


def run_config(
    config_path: Path,
    *,
    log_path: Path,
    timeout: float = DEFAULT_TIMEOUT,
    extra_args: Sequence[str] = (),
    name: str | None = None,
) -> JobResult:
    """Run a rendered job config to completion in local mode."""
    name = name or config_path.name
    start = time.monotonic()
    with log_path.open("wb") as log:
        # A session of its own, so a timeout kills the JVM and not just the shell.
        process = subprocess.Popen(
            [str(seatunnel_sh()), "run", str(config_path), *extra_args],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise JobFailed(
                f"SeaTunnel job {name} did not finish within {timeout:.0f}s "
                f"(log {log_path}):\n{log_tail(log_path)}",
                log_path,
            ) from None
    seconds = time.monotonic() - start
    if returncode != 0:
        raise JobFailed(
            f"SeaTunnel job {name} failed with exit status {returncode} "
            f"(log {log_path}):\n{log_tail(log_path)}",
            log_path,
        )
    return JobResult(name, returncode, config_path, log_path, seconds)


def run_job(
    template_name: str,
    variables: Mapping[str, object],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    log_dir: Path | None = None,
    use_env_defaults: bool = True,
) -> JobResult:
    """Render `template_name` with `variables` (plus AURUM_* defaults) and run it."""
    template = load_template(template_name)
    defaults = setting_defaults(template, Settings()) if use_env_defaults else {}
    values: dict[str, object] = dict(defaults)
    values.update(variables)
    text = render_template(template, values)
    directory = Path(log_dir) if log_dir else Path(tempfile.mkdtemp(prefix="aurum-seatunnel-"))
    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / f"{template.name}.conf"
    config_path.write_text(text)
    return run_config(
        config_path,
        log_path=directory / f"{template.name}.log",
        timeout=timeout,
        name=template.name,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aurum.seatunnel.run",
        description="Render a SeaTunnel job template and run it in local mode.",
    )
    parser.add_argument("template", help="template name, e.g. nyiso_lmp_to_kafka")
    parser.add_argument("--var", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    parser.add_argument("--log-dir", type=Path, help="where the config and log go")
    args = parser.parse_args(argv)
    variables = {}
    for item in args.var:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--var {item!r}: expected KEY=VALUE")
        variables[key] = value
    try:
        result = run_job(args.template, variables, timeout=args.timeout, log_dir=args.log_dir)
    except TemplateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except JobFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{result.template}: finished in {result.seconds:.1f}s, log {result.log_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
