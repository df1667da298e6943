"""`make report` on a copy of the demo warehouse; each page loads in headless Chromium with
no network and shows its test names and pass/fail counts. Screenshots go to
var/report-screenshots/ (git-ignored) for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_browser import rendered_dom, screenshot, serve

from aurum.dbt_runner import PROJECT_DIR
from aurum.quality import report
from aurum.quality.dbt_packages import elementary_switch
from warehouse_helpers import copy_warehouse

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(elementary_switch() != "on", reason="Elementary package not installed"),
]
SCREENSHOTS = PROJECT_DIR / "var" / "report-screenshots"
PAGES = {
    "index": "index.html",
    "elementary": "elementary/index.html#/report/test-results",
    "data_docs": "great-expectations/index.html",
    "dbt_docs": "dbt-docs/index.html#!/model/model.aurum.fct_lmp",
}
CDN_REFERENCE = re.compile(r"""(?:src|href)=["']https?://(?!127\.0\.0\.1)[^"']+\.(?:js|css)["']""")


@pytest.fixture(scope="module")
def built(demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("report")
    database = copy_warehouse(demo_warehouse_path, workdir / "warehouse")
    out = workdir / "report"
    summary = report.build(database, out)
    with serve(out) as base_url:
        pages = {name: rendered_dom(f"{base_url}/{path}") for name, path in PAGES.items()}
        for name, path in PAGES.items():
            screenshot(f"{base_url}/{path}", SCREENSHOTS / f"{name}.png")
    return {"summary": summary, "out": out, "pages": pages}


def _text(dom: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def test_index_links_the_three_reports_with_their_counts(built):
    summary, text = built["summary"], _text(built["pages"]["index"])
    ge = summary["great_expectations"]
    assert f"Expectations met: {ge['passed']} of {ge['evaluated']}" in text
    assert "Every expectation is met." in text
    passed = summary["elementary"]["tests"]["pass"]
    assert f"pass: {passed}" in text and passed > 100
    for link in ("elementary/index.html", "great-expectations/index.html", "dbt-docs/index.html"):
        assert f'href="{link}"' in built["pages"]["index"]


def test_clean_demo_warehouse_meets_every_expectation(built):
    ge = built["summary"]["great_expectations"]
    failed = [
        (d, c["expectation"])
        for d, v in ge["datasets"].items()
        for c in v["checks"]
        if not c["success"]
    ]
    assert failed == [] and ge["evaluated"] > 30


def test_elementary_report_renders_its_tests_offline(built):
    text = _text(built["pages"]["elementary"])
    tests = built["summary"]["elementary"]["tests"]
    assert f"All ({sum(tests.values())})" in text
    assert f"Passed ({tests['pass']})" in text
    for name in ("volume_anomalies", "freshness_anomalies", "fct_lmp"):
        assert name in text
    assert built["summary"]["elementary"]["unlocalised_urls"] == []


def test_data_docs_render_suites_and_results_from_local_assets(built):
    text = _text(built["pages"]["data_docs"])
    for asset in ("fct_lmp", "lmp_market_days", "lmp_completeness", "landing.pjm_dataminer_lmp"):
        assert asset in text
    assert built["summary"]["great_expectations"]["unlocalised_urls"] == []
    for page in (built["out"] / "great-expectations").rglob("*.html"):
        assert not CDN_REFERENCE.search(page.read_text()), page
        assert "amazonaws.com" not in page.read_text(), page


def test_dbt_docs_render_the_fct_lmp_model(built):
    text = _text(built["pages"]["dbt_docs"])
    assert "fct_lmp" in text and "interval_start_utc" in text
