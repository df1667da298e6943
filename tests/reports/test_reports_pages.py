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
CDN_REFERENCE = re.compile(r"""(?:src|href)=["']https?://(?!127\.0\.0\.1)[^"']+\.(?:js|css)["']""")


@pytest.fixture(scope="module")
def built(demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("report")
    database = copy_warehouse(demo_warehouse_path, workdir / "warehouse")
    out = workdir / "report"
    summary = report.build(database, out)
    with serve(out) as base_url:
        pages = {
            name: rendered_dom(f"{base_url}/{path}")
            for name, path in (
                ("index", "index.html"),
                ("elementary", "elementary/index.html"),
                ("data_docs", "great-expectations/index.html"),
                ("dbt_docs", "dbt-docs/index.html#!/model/model.aurum.fct_lmp"),
            )
        }
        for name, path in (
            ("index", "index.html"),
            ("elementary", "elementary/index.html"),
            ("data_docs", "great-expectations/index.html"),
            ("dbt_docs", "dbt-docs/index.html#!/model/model.aurum.fct_lmp"),
        ):
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
    assert "fct_lmp_volume_anomalies" in text or "volume_anomalies" in text.lower()
    assert "fct_lmp_components_sum_to_lmp" in text


def test_data_docs_render_suites_and_results_from_local_assets(built):
    text = _text(built["pages"]["data_docs"])
    for suite in ("aurum.fct_lmp", "aurum.lmp_market_days", "aurum.lmp_completeness"):
        assert suite in text
    assert built["summary"]["great_expectations"]["unlocalised_urls"] == []
    for page in (built["out"] / "great-expectations").rglob("*.html"):
        assert not CDN_REFERENCE.search(page.read_text()), page


def test_dbt_docs_render_the_fct_lmp_model(built):
    text = _text(built["pages"]["dbt_docs"])
    assert "fct_lmp" in text and "interval_start_utc" in text
