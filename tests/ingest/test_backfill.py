"""aurum-backfill: configuration errors, dry run, shell vs no shell, watermark on failure."""

from __future__ import annotations

import io
import shlex
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime

import pytest

from aurum.db import connect, pg_dsn
from aurum.db.migrations import apply_migrations
from aurum.ingest.backfill import (
    DEFAULT_TEMPLATE,
    ConfigError,
    load_config,
    main,
    render,
    run_backfill,
)
from aurum.ingest.watermarks import get_watermark, update_watermark

END = date(2025, 5, 10)
PY = shlex.quote(sys.executable)


def env(**values: str) -> dict[str, str]:
    return {"AURUM_BACKFILL_SOURCE": "pjm_da_hrl_lmps", **values}


def test_defaults():
    config = load_config(env())
    assert (config.days, config.history_limit, config.shell, config.watermark_key) == (
        7,
        30,
        False,
        "default",
    )
    assert config.template == DEFAULT_TEMPLATE


@pytest.mark.parametrize(
    ("values", "variable"),
    [
        ({"AURUM_BACKFILL_SOURCE": ""}, "AURUM_BACKFILL_SOURCE is required"),
        ({"AURUM_BACKFILL_SOURCE": "pjm_nope"}, "AURUM_BACKFILL_SOURCE='pjm_nope'"),
        ({"AURUM_BACKFILL_DAYS": "seven"}, "AURUM_BACKFILL_DAYS='seven' is not an integer"),
        ({"AURUM_BACKFILL_DAYS": "0"}, "AURUM_BACKFILL_DAYS='0' must be a positive"),
        ({"AURUM_BACKFILL_DAYS": "-3"}, "AURUM_BACKFILL_DAYS='-3' must be a positive"),
        ({"AURUM_BACKFILL_HISTORY_LIMIT": "1.5"}, "AURUM_BACKFILL_HISTORY_LIMIT='1.5'"),
        ({"AURUM_BACKFILL_DAYS": "31"}, "exceeds AURUM_BACKFILL_HISTORY_LIMIT=30"),
        (
            {"AURUM_BACKFILL_DAYS": "5", "AURUM_BACKFILL_HISTORY_LIMIT": "4"},
            "AURUM_BACKFILL_DAYS=5 exceeds AURUM_BACKFILL_HISTORY_LIMIT=4",
        ),
        (
            {"AURUM_BACKFILL_COMMAND_TEMPLATE": "run {source} {day}"},
            "AURUM_BACKFILL_COMMAND_TEMPLATE uses unknown placeholder(s) {day}",
        ),
        ({"AURUM_BACKFILL_COMMAND_TEMPLATE": "run {source"}, "AURUM_BACKFILL_COMMAND_TEMPLATE"),
        ({"AURUM_BACKFILL_COMMAND_TEMPLATE": "run 'unclosed"}, "cannot be split"),
        ({"AURUM_BACKFILL_COMMAND_SHELL": "maybe"}, "AURUM_BACKFILL_COMMAND_SHELL='maybe'"),
        ({"AURUM_BACKFILL_WATERMARK_KEY": " "}, "AURUM_BACKFILL_WATERMARK_KEY is empty"),
    ],
)
def test_bad_values_name_the_variable(values, variable):
    with pytest.raises(ConfigError) as caught:
        load_config(env(**values))
    assert variable in str(caught.value)


def test_history_limit_allows_up_to_the_limit():
    assert load_config(env(AURUM_BACKFILL_DAYS="30")).days == 30
    raised = env(AURUM_BACKFILL_DAYS="45", AURUM_BACKFILL_HISTORY_LIMIT="60")
    assert load_config(raised).days == 45


def test_cli_exits_2_with_a_message(monkeypatch, capsys):
    monkeypatch.setenv("AURUM_BACKFILL_SOURCE", "pjm_da_hrl_lmps")
    monkeypatch.setenv("AURUM_BACKFILL_DAYS", "0")
    assert main(["--dry-run"]) == 2
    assert "AURUM_BACKFILL_DAYS" in capsys.readouterr().err


def test_cli_as_a_module_exits_2_for_an_unknown_source():
    result = subprocess.run(
        [sys.executable, "-m", "aurum.scripts.ingest.backfill", "--dry-run"],
        env={"AURUM_BACKFILL_SOURCE": "nope", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "AURUM_BACKFILL_SOURCE='nope' is not a known source" in result.stderr


def test_dry_run_renders_n_commands_oldest_first_and_touches_nothing(monkeypatch, capsys):
    monkeypatch.setenv("AURUM_BACKFILL_SOURCE", "nyiso_damlbmp_zone")
    monkeypatch.setenv("AURUM_BACKFILL_DAYS", "3")
    monkeypatch.setenv("AURUM_BACKFILL_WATERMARK_KEY", "k1")
    monkeypatch.setenv(
        "AURUM_BACKFILL_COMMAND_TEMPLATE",
        "ingest --source {source} --date {date} --key {watermark_key}",
    )
    monkeypatch.setenv("AURUM_PG_DSN", "postgresql://aurum@127.0.0.1:9/none")  # never used
    assert main(["--dry-run", "--end-date", "2024-03-01"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"ingest --source nyiso_damlbmp_zone --date {day} --key k1"
        for day in ("2024-02-28", "2024-02-29", "2024-03-01")
    ]


def test_without_a_shell_values_stay_single_arguments():
    config = load_config(
        env(
            AURUM_BACKFILL_COMMAND_TEMPLATE="echo {watermark_key} && rm -rf /",
            AURUM_BACKFILL_WATERMARK_KEY="a b; c",
        )
    )
    assert render(config, END) == ["echo", "a b; c", "&&", "rm", "-rf", "/"]
    shell = load_config(
        env(
            AURUM_BACKFILL_COMMAND_TEMPLATE="echo {watermark_key}",
            AURUM_BACKFILL_WATERMARK_KEY="a b; c",
            AURUM_BACKFILL_COMMAND_SHELL="yes",
        )
    )
    assert render(shell, END) == "echo 'a b; c'"


# ---- runs that record watermarks: the real local PostgreSQL ---------------------------


@pytest.fixture(scope="module")
def pg():
    apply_migrations(pg_dsn())  # fails (ConnectionError naming scripts/services/up.sh)
    with connect() as connection:
        yield connection


@pytest.fixture
def source_key() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.mark.integration
@pytest.mark.parametrize(("shell", "created"), [("1", True), ("0", False)])
def test_shell_operators_only_work_with_a_shell(pg, source_key, tmp_path, shell, created):
    marker = tmp_path / "marker"
    template = f"printf %s {{date}} > {marker}"
    config = load_config(
        env(
            AURUM_BACKFILL_DAYS="1",
            AURUM_BACKFILL_COMMAND_TEMPLATE=template,
            AURUM_BACKFILL_COMMAND_SHELL=shell,
            AURUM_BACKFILL_WATERMARK_KEY=source_key,
        )
    )
    assert run_backfill(config, END, conn=pg, out=io.StringIO()) == 0
    assert marker.exists() is created
    if created:
        assert marker.read_text() == "2025-05-10"


@pytest.mark.integration
def test_each_success_advances_the_watermark_to_the_end_of_the_day(pg, source_key, tmp_path):
    log = tmp_path / "days.log"
    script = tmp_path / "ok.py"
    script.write_text(f"import sys\nopen({str(log)!r}, 'a').write(sys.argv[1] + '\\n')\n")
    config = load_config(
        env(
            AURUM_BACKFILL_DAYS="3",
            AURUM_BACKFILL_COMMAND_TEMPLATE=f"{PY} {script} {{date}}",
            AURUM_BACKFILL_WATERMARK_KEY=source_key,
        )
    )
    assert run_backfill(config, END, conn=pg, out=io.StringIO()) == 0
    assert log.read_text().split() == ["2025-05-08", "2025-05-09", "2025-05-10"]
    assert get_watermark(pg, "pjm_da_hrl_lmps", source_key) == datetime(2025, 5, 11, tzinfo=UTC)


@pytest.mark.integration
def test_a_failing_day_stops_the_run_and_the_watermark_stays(pg, source_key, tmp_path):
    log = tmp_path / "days.log"
    script = tmp_path / "fail_on.py"
    script.write_text(
        "import sys\n"
        f"open({str(log)!r}, 'a').write(sys.argv[1] + '\\n')\n"
        "sys.exit(1 if sys.argv[1] == '2025-05-08' else 0)\n"
    )
    update_watermark(pg, "pjm_da_hrl_lmps", datetime(2025, 5, 5, tzinfo=UTC), source_key)
    config = load_config(
        env(
            AURUM_BACKFILL_DAYS="5",
            AURUM_BACKFILL_COMMAND_TEMPLATE=f"{PY} {script} {{date}}",
            AURUM_BACKFILL_WATERMARK_KEY=source_key,
        )
    )
    assert run_backfill(config, END, conn=pg, out=io.StringIO()) == 1
    # 05-06 and 05-07 ran and succeeded; 05-08 failed; 05-09 and 05-10 never ran
    assert log.read_text().split() == ["2025-05-06", "2025-05-07", "2025-05-08"]
    assert get_watermark(pg, "pjm_da_hrl_lmps", source_key) == datetime(2025, 5, 8, tzinfo=UTC)


@pytest.mark.integration
def test_cli_run_exit_status_and_watermark(monkeypatch, pg, source_key, capsys):
    monkeypatch.setenv("AURUM_BACKFILL_SOURCE", "spp_da_lmp_sl")
    monkeypatch.setenv("AURUM_BACKFILL_DAYS", "2")
    monkeypatch.setenv("AURUM_BACKFILL_WATERMARK_KEY", source_key)
    monkeypatch.setenv("AURUM_BACKFILL_COMMAND_TEMPLATE", "true {date}")
    assert main(["--end-date", "2026-06-01"]) == 0
    assert get_watermark(pg, "spp_da_lmp_sl", source_key) == datetime(2026, 6, 2, tzinfo=UTC)
    monkeypatch.setenv("AURUM_BACKFILL_COMMAND_TEMPLATE", "false {date}")
    assert main(["--end-date", "2026-06-05"]) == 1
    assert "2026-06-04 failed (exit 1)" in capsys.readouterr().err
    assert get_watermark(pg, "spp_da_lmp_sl", source_key) == datetime(2026, 6, 2, tzinfo=UTC)
