"""Open the "Ingestion errors" dashboard in headless Chromium, check that every chart
rendered, and save a screenshot. Runs in Superset's environment (selenium ships with it)
with Debian's chromium and chromium-driver:

    .cache/superset/venv/bin/python ops/superset/screenshot.py URL PASSWORD OUT.png [--width 1400]

Prints one JSON object: the charts found, those that rendered, the error texts shown.
Exit status 1 if a chart failed or none rendered.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
SETTLED = """
const charts = [...document.querySelectorAll('.dashboard-component-chart-holder')];
const loading = document.querySelectorAll('.loading, [aria-label="Loading"]').length;
const empty = charts.filter(c => /No results/.test(c.innerText)).length;
const rendered = charts.filter(c => c.querySelector('canvas, table') && !/No results/.test(c.innerText));
const errors = [...document.querySelectorAll(
    '[data-test="alert-content"], .alert-danger, [role="alert"]')].map(e => e.innerText.trim())
    .filter(Boolean);
return {charts: charts.length, rendered: rendered.length, loading, errors, empty};
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dashboard_url")
    parser.add_argument("password")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1100)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="aurum-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={args.width},{args.height}")
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        base = args.dashboard_url.split("/superset/")[0]
        driver.get(f"{base}/login/")
        driver.find_element(By.ID, "username").send_keys("admin")
        driver.find_element(By.ID, "password").send_keys(args.password)
        driver.find_element(By.CSS_SELECTOR, "[type=submit], button").click()
        time.sleep(1)
        driver.get(args.dashboard_url)
        deadline = time.monotonic() + args.timeout
        state: dict = {}
        while time.monotonic() < deadline:
            state = driver.execute_script(SETTLED)
            done = state["charts"] and state["loading"] == 0
            if done and state["rendered"] + state["empty"] >= state["charts"]:
                break
            time.sleep(1)
        time.sleep(2)  # animations (echarts) finish
        state = driver.execute_script(SETTLED)
        state["title"] = driver.title
        driver.save_screenshot(args.out)
    finally:
        driver.quit()
    print(json.dumps(state))
    ok = state.get("charts") and state["rendered"] == state["charts"] and not state["errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
