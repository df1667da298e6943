"""`make report`: Elementary's report, great-expectations Data Docs and the dbt docs site of
one warehouse, in one git-ignored folder with an index page, all readable offline.

    python -m aurum.quality.report --database data/aurum.duckdb [--out var/report]

<out>/index.html            links the three, with their pass/fail counts
<out>/elementary/index.html `edr report` (one self-contained file)
<out>/great-expectations/   Data Docs of the checkpoint in aurum.quality.expectations
<out>/dbt-docs/index.html   `dbt docs generate --static` (manifest and catalog inlined)
<out>/assets/               local copies of the CDN files Data Docs link (report_assets)
<out>/summary.json          what the index page shows, for tests and scripts

edr and great-expectations run in the reports environment (envs/reports/, installed in
.cache/reports-venv by `make reports-setup`); dbt docs runs in this process. When the
Elementary package is not installed (aurum.quality.dbt_packages), the Elementary section
says it is off and the other two are still built.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from aurum.dbt_runner import PROJECT_DIR, release_duckdb, run_dbt
from aurum.quality import report_assets
from aurum.quality.dbt_packages import elementary_switch
from aurum.settings import Settings, child_environment

REPORTS_VENV = PROJECT_DIR / ".cache" / "reports-venv"
EDR_PACKAGES = PROJECT_DIR / ".cache" / "edr-dbt-packages"
# edr must not reach the network: no usage tracking, no version check, and never `dbt deps`
# for its internal project (a failed one wipes the pre-filled packages folder).
EDR_CONFIG = """\
anonymous_usage_tracking: false
disable_elementary_version_check: true
run_dbt_deps_if_needed: false
"""


class ReportError(RuntimeError):
    pass


def reports_python() -> Path:
    python = REPORTS_VENV / "bin" / "python"
    if not python.exists():
        raise ReportError(f"{python} is missing: run `make reports-setup`")
    return python


def _run(command: list[str], env: dict[str, str], what: str, log: Path) -> None:
    with log.open("w") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-30:])
        raise ReportError(f"{what} failed ({done.returncode}); log {log}:\n{tail}")


def _reports_env(database: Path) -> dict[str, str]:
    return {
        **child_environment(),
        "AURUM_DUCKDB_PATH": str(database.resolve()),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "PYTHONPATH": str(PROJECT_DIR / "src"),
        # edr's internal dbt project reads its packages from here (aurum.quality.dbt_packages)
        "DBT_PACKAGES_FOLDER": str(EDR_PACKAGES),
        "DO_NOT_TRACK": "1",
    }


def dbt_docs(database: Path, out: Path, work: Path) -> dict:
    """The static dbt docs site; returns its node counts. Also leaves manifest.json in work."""
    target = work / "dbt-target"
    elementary = "true" if elementary_switch() == "on" else "false"
    run_dbt(
        ["docs", "generate", "--static", "--vars", f"{{aurum_elementary: {elementary}}}"],
        duckdb_path=database,
        target_path=target,
        elementary=True,  # the project as it is, Elementary's models and tests included
    )
    release_duckdb()  # edr and great-expectations open the file next, from other processes
    site = out / "dbt-docs"
    site.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target / "static_index.html", site / "index.html")
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = [n for n in manifest["nodes"].values() if n["package_name"] == "aurum"]
    return {
        "models": sum(n["resource_type"] == "model" for n in nodes),
        "tests": sum(n["resource_type"] == "test" for n in nodes),
        "sources": sum(s["package_name"] == "aurum" for s in manifest["sources"].values()),
    }


def great_expectations(database: Path, out: Path, work: Path) -> dict:
    docs = out / "great-expectations"
    summary = work / "great-expectations.json"
    _run(
        [
            str(reports_python()),
            "-m",
            "aurum.quality.expectations",
            "--database",
            str(database),
            "--manifest",
            str(work / "dbt-target" / "manifest.json"),
            "--work-dir",
            str(work / "gx"),
            "--docs-dir",
            str(docs),
            "--summary",
            str(summary),
        ],
        _reports_env(database),
        "great-expectations",
        work / "great-expectations.log",
    )
    result = json.loads(summary.read_text())
    try:
        report_assets.install(out / "assets")
        result["unlocalised_urls"] = report_assets.localise(docs, out / "assets")
    except report_assets.AssetsError as exc:  # the pages still work where CDNs answer
        print(f"report: Data Docs keep their CDN links: {exc}", file=sys.stderr)
        result["unlocalised_urls"] = ["(not localised)"]
    return result


def elementary_report(database: Path, out: Path, work: Path) -> dict:
    """`edr report` into <out>/elementary/index.html and the test counts it covers."""
    if elementary_switch() != "on":
        return {
            "on": False,
            "detail": "the Elementary dbt package is not installed "
            "(no dbt hub, no mirror): see docs/data-quality.md",
        }
    # edr reads ~/.edr/config.yml once at import, before --config-dir is parsed (its
    # version check), so it gets a home of its own holding the config.
    home = work / "edr-home"
    config_dir = home / ".edr"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.yml").write_text(EDR_CONFIG)
    page = out / "elementary" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    edr = REPORTS_VENV / "bin" / "edr"
    _run(
        [
            str(edr),
            "report",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--config-dir",
            str(config_dir),
            "--target-path",
            str(work / "edr-target"),
            "--file-path",
            str(page),
            "--open-browser",
            "false",
            "--project-name",
            "aurum",
            "--days-back",
            "3650",
        ],
        {**_reports_env(database), "HOME": str(home)},
        "edr report",
        work / "edr.log",
    )
    try:
        outside = report_assets.localise_elementary(page, out / "assets")
    except report_assets.AssetsError as exc:
        print(f"report: Elementary's report keeps its CDN links: {exc}", file=sys.stderr)
        outside = ["(not localised)"]
    return {"on": True, **elementary_counts(database), "unlocalised_urls": outside}


def elementary_counts(database: Path) -> dict:
    """Latest status per test in Elementary's results table (what its report shows)."""
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(
            """
            select status, count(*) from (
                select test_unique_id, status,
                       row_number() over (partition by test_unique_id order by detected_at desc) as n
                from elementary.elementary_test_results
            ) where n = 1 group by status order by status
            """
        ).fetchall()
    return {"tests": dict(rows)}


def index_page(out: Path, summary: dict) -> None:
    def counts(d: dict) -> str:
        return ", ".join(f"{html.escape(str(k))}: {v}" for k, v in sorted(d.items()))

    ge, dbt_docs_counts, el = (
        summary["great_expectations"],
        summary["dbt_docs"],
        summary["elementary"],
    )
    if el["on"]:
        el_html = (
            f'<a href="elementary/index.html">Elementary report</a>'
            f'<p class="counts">Elementary tests — {counts(el["tests"])}</p>'
        )
    else:
        el_html = f"<p>Elementary is off: {html.escape(el['detail'])}.</p>"
    failed = [
        f"<li>{html.escape(name)}: {html.escape(c['expectation'])}"
        f"{' — ' + html.escape(c['notes']) if c.get('notes') else ''}</li>"
        for name, d in ge["datasets"].items()
        for c in d["checks"]
        if not c["success"]
    ]
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Aurum data quality</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 52rem; color: #222; }}
section {{ border: 1px solid #ddd; border-radius: 6px; padding: .5rem 1.2rem; margin: 1rem 0; }}
.counts {{ color: #444; }} a {{ font-weight: 600; }}
</style></head><body>
<h1>Aurum data quality</h1>
<p>Warehouse <code>{html.escape(summary["database"])}</code>, built {html.escape(summary["generated_at"])}.</p>
<section><h2>Elementary</h2>{el_html}</section>
<section><h2>great-expectations</h2>
<a href="great-expectations/index.html">Data Docs</a>
<p class="counts">Expectations met: {ge["passed"]} of {ge["evaluated"]}</p>
{"<ul>" + "".join(failed) + "</ul>" if failed else "<p>Every expectation is met.</p>"}
</section>
<section><h2>dbt docs</h2><a href="dbt-docs/index.html">dbt docs</a>
<p class="counts">{dbt_docs_counts["models"]} models, {dbt_docs_counts["tests"]} tests, {dbt_docs_counts["sources"]} sources</p>
</section>
</body></html>
"""
    (out / "index.html").write_text(page, encoding="utf-8")


def build(database: Path, out: Path) -> dict:
    if not database.is_file():
        raise ReportError(f"no warehouse at {database}: run `make demo` first")
    database = database.resolve()
    out = out.resolve()
    work = out / ".work"
    shutil.rmtree(out, ignore_errors=True)
    work.mkdir(parents=True)
    summary = {
        "database": str(database),
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "dbt_docs": dbt_docs(database, out, work),
        "elementary": elementary_report(database, out, work),
        "great_expectations": great_expectations(database, out, work),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    index_page(out, summary)
    return summary


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", type=Path, default=settings.duckdb_path)
    parser.add_argument("--out", type=Path, default=settings.report_dir)
    args = parser.parse_args(argv)
    try:
        summary = build(args.database, args.out)
    except ReportError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    ge = summary["great_expectations"]
    print(f"report: {args.out / 'index.html'}")
    print(f"  great-expectations: {ge['passed']} of {ge['evaluated']} expectations met")
    el = summary["elementary"]
    print(f"  Elementary: {el['tests'] if el['on'] else 'off — ' + el['detail']}")
    if ge["unlocalised_urls"]:
        print(f"  Data Docs still link: {', '.join(ge['unlocalised_urls'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
