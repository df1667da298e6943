"""One bad PJM day planted in a copy of the demo warehouse; Elementary and great-expectations
must each flag every problem, naming the rows. The test fails if a flag is missing.

The bad day is market day 2025-05-08 (EPT) of the PJM day-ahead sample (2025-05-01..10,
twelve hubs), planted in the landing table the way a bad file would bring it:

  missing hours      10:00-15:59 EDT of every hub are gone
  price spike        WESTERN HUB 16:00 EDT: +2,500 $/MWh on the energy component and the LMP
                     (above PJM's $2,000 cap; the components still add up)
  new column         landing.pjm_dataminer_lmp gains `settlement_note`
  identity break     EASTERN HUB 17:00 EDT: LMP +40 $/MWh, components unchanged

then the PJM models and their tests are rebuilt with Elementary's clock set to the end of
the bad day (var custom_run_started_at), so its anomaly windows cover the sample.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from aurum.dbt_runner import PROJECT_DIR
from aurum.quality.dbt_packages import elementary_switch
from aurum.quality.report import REPORTS_VENV, _reports_env
from warehouse_helpers import copy_warehouse

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(elementary_switch() != "on", reason="Elementary package not installed"),
]

MISSING_HOURS_UTC = ("2025-05-08 14:00:00", "2025-05-08 19:00:00")  # 10:00-15:00 EDT starts
SPIKE = (51288, "2025-05-08 20:00:00", 2500.0)  # WESTERN HUB, 16:00 EDT
BREAK = (51217, "2025-05-08 21:00:00", 40.0)  # EASTERN HUB, 17:00 EDT
NEW_COLUMN = "settlement_note"
# Elementary's "now": the end of the bad market day (midnight EDT); its training window
# must not reach before the sample starts (2025-05-01), or the empty hours before it
# would count as normal volume.
RUN_STARTED_AT = "2025-05-09T04:00:00"
DAYS_BACK = 7
PJM_BUILD = [
    "stg_pjm__lmp",
    "int_lmp__unioned",
    "int_lmp__deduplicated",
    "int_lmp__enriched",
    "fct_lmp",
    "source:landing_monitored.pjm_dataminer_lmp",
]


# The latest execution of every test (a test with dimensions writes one result per value)
# and the result rows, which Elementary keeps in a table of their own.
READ_RESULTS = """
import json, sys, duckdb
with duckdb.connect(sys.argv[1], read_only=True) as conn:
    results = conn.execute(
        "select id, test_unique_id, status, failures, test_results_description "
        "from elementary.elementary_test_results qualify test_execution_id = "
        "first_value(test_execution_id) over (partition by test_unique_id order by detected_at desc)"
    ).fetchall()
    rows = {}
    for result_id, row in conn.execute(
        "select elementary_test_results_id, result_row from elementary.test_result_rows"
    ).fetchall():
        rows.setdefault(result_id, []).append(json.loads(row))
print(json.dumps([results, rows], default=str))
"""


def _plant(database: Path) -> None:
    with duckdb.connect(str(database)) as conn:
        conn.execute(
            "delete from landing.pjm_dataminer_lmp where feed = 'da_hrl_lmps' "
            "and datetime_beginning_utc between ? and ?",
            list(MISSING_HOURS_UTC),
        )
        pnode, at, jump = SPIKE
        conn.execute(
            "update landing.pjm_dataminer_lmp set total_lmp = total_lmp + ?, "
            "system_energy_price = system_energy_price + ? "
            "where feed = 'da_hrl_lmps' and pnode_id = ? and datetime_beginning_utc = ?",
            [jump, jump, pnode, at],
        )
        pnode, at, jump = BREAK
        conn.execute(
            "update landing.pjm_dataminer_lmp set total_lmp = total_lmp + ? "
            "where feed = 'da_hrl_lmps' and pnode_id = ? and datetime_beginning_utc = ?",
            [jump, pnode, at],
        )
        conn.execute(f"alter table landing.pjm_dataminer_lmp add column {NEW_COLUMN} varchar")


@pytest.fixture(scope="module")
def planted(demo_warehouse_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("planted")
    database = copy_warehouse(demo_warehouse_path, workdir)
    _plant(database)
    # dbt as its own process, as `make demo` runs it: Elementary's last inserts are on
    # disk when it exits (in-process, some were committed only when the process ended).
    build = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            *["build", "--select", *PJM_BUILD, "--full-refresh"],
            *[
                "--vars",
                json.dumps({"custom_run_started_at": RUN_STARTED_AT, "days_back": DAYS_BACK}),
            ],
            *["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
            *["--target-path", str(workdir / "target"), "--log-path", str(workdir)],
        ],
        env={**os.environ, "AURUM_DUCKDB_PATH": str(database)},
        capture_output=True,
        text=True,
    )
    # The identity test is an error: the build reports it and exits 1.
    build_failure = build.stdout if build.returncode != 0 else None
    summary = workdir / "ge.json"
    done = subprocess.run(
        [
            str(REPORTS_VENV / "bin" / "python"),
            "-m",
            "aurum.quality.expectations",
            "--database",
            str(database),
            "--manifest",
            str(workdir / "target" / "manifest.json"),
            "--work-dir",
            str(workdir / "gx"),
            "--docs-dir",
            str(workdir / "docs"),
            "--summary",
            str(summary),
        ],
        env={**_reports_env(database), "PYTHONPATH": str(PROJECT_DIR / "src")},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    done = subprocess.run(
        [sys.executable, "-c", READ_RESULTS, str(database)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results, rows = json.loads(done.stdout)
    latest: dict[str, dict] = {}
    for result_id, uid, status, failures, description in results:
        entry = latest.setdefault(
            uid, {"statuses": set(), "failures": 0, "description": "", "rows": []}
        )
        entry["statuses"].add(status)
        entry["failures"] += failures or 0
        entry["description"] += description or ""
        entry["rows"] += rows.get(result_id, [])
    for entry in latest.values():
        entry["status"] = "fail" if "fail" in entry["statuses"] else min(entry["statuses"])
    return {
        "build_failure": build_failure,
        "elementary": latest,
        "ge": json.loads(summary.read_text()),
    }


def _elementary(planted: dict, name_part: str) -> dict:
    matches = [r for uid, r in planted["elementary"].items() if name_part in uid]
    assert len(matches) == 1, f"{name_part}: {sorted(planted['elementary'])}"
    return matches[0]


def _anomalous(result: dict) -> list[dict]:
    return [r for r in result["rows"] if r.get("is_anomalous") in (True, "true", 1)]


def _ge_failures(planted: dict) -> dict[tuple[str, str, str | None], dict]:
    failed = {}
    for dataset, details in planted["ge"]["datasets"].items():
        for check in details["checks"]:
            if not check["success"]:
                key = (
                    dataset,
                    check["expectation"],
                    check["kwargs"].get("column") or check["kwargs"].get("column_A"),
                )
                failed[key] = check
    return failed


def test_elementary_flags_the_missing_hours_in_pjm_volume(planted):
    result = _elementary(planted, "fct_lmp_volume_anomalies_pjm")
    assert result["status"] == "fail", result["description"]
    anomalous = _anomalous(result)
    assert anomalous, result["rows"][:3]
    hours = {str(r["bucket_start"]).replace("T", " ")[:19] for r in anomalous}
    assert hours <= {f"2025-05-08 {h}:00:00" for h in range(14, 20)}, hours
    assert len(hours) >= 3, hours
    # Every other ISO's volume is as it was.
    others = [
        r
        for uid, r in planted["elementary"].items()
        if "fct_lmp_volume_anomalies_" in uid and "_pjm." not in uid and "by_iso_market" not in uid
    ]
    assert len(others) == 6 and all(r["status"] == "pass" for r in others)


def test_elementary_flags_the_price_spike_in_pjm_lmp_maximum(planted):
    result = _elementary(planted, "fct_lmp_lmp_anomalies_by_iso")
    assert result["status"] == "fail", result["description"]
    anomalous = _anomalous(result)
    spikes = [r for r in anomalous if r["metric_name"] == "max" and r["dimension_value"] == "PJM"]
    assert spikes, anomalous[:5]
    assert any(float(r["metric_value"]) > 2000 for r in spikes), spikes


def test_elementary_flags_the_new_landing_column(planted):
    result = _elementary(planted, "schema_changes_landing_monitored_pjm_dataminer_lmp")
    assert result["status"] == "fail", result
    assert NEW_COLUMN in (result["description"] + json.dumps(result["rows"])).lower()
    # The other landing tables did not change.
    others = [
        r
        for uid, r in planted["elementary"].items()
        if "schema_changes_landing_monitored" in uid and "pjm_dataminer_lmp" not in uid
    ]
    assert others and all(r["status"] == "pass" for r in others)


def test_elementary_records_the_identity_test_failure(planted):
    assert "fct_lmp_components_sum_to_lmp" in (planted["build_failure"] or "")
    result = _elementary(planted, "fct_lmp_components_sum_to_lmp")
    assert result["status"] == "fail" and result["failures"] == 1, result


def test_great_expectations_flags_each_planted_problem_with_its_rows(planted):
    failed = _ge_failures(planted)
    spike_key = f"PJM/day_ahead_hourly/{SPIKE[0]}/2025-05-08T20:00"
    bounds = failed[("fct_lmp", "expect_column_values_to_be_between", "lmp")]
    assert 'iso_code=="PJM"' in str(bounds["kwargs"]["row_condition"])
    assert bounds["offending_rows"] == [spike_key]

    identity = failed[("fct_lmp", "expect_column_values_to_be_between", "identity_residual")]
    assert identity["offending_rows"] == [f"PJM/day_ahead_hourly/{BREAK[0]}/2025-05-08T21:00"]

    covered = failed[
        ("lmp_market_days", "expect_column_pair_values_to_be_equal", "covered_seconds")
    ]
    assert covered["unexpected_count"] == 12  # every hub lost six hours of its day
    assert all(
        k.startswith("PJM/day_ahead_hourly/") and k.endswith("/2025-05-08")
        for k in covered["offending_rows"]
    )
    gaps = failed[("lmp_market_days", "expect_column_values_to_be_in_set", "gap_count")]
    assert gaps["unexpected_count"] == 12

    columns = failed[
        ("landing.pjm_dataminer_lmp", "expect_table_columns_to_match_ordered_list", None)
    ]
    assert NEW_COLUMN in json.dumps(columns["observed_value"])

    # Nothing else: the rest of the warehouse is as clean as before.
    assert set(failed) == {
        ("fct_lmp", "expect_column_values_to_be_between", "lmp"),
        ("fct_lmp", "expect_column_values_to_be_between", "identity_residual"),
        ("lmp_market_days", "expect_column_pair_values_to_be_equal", "covered_seconds"),
        ("lmp_market_days", "expect_column_values_to_be_in_set", "gap_count"),
        ("landing.pjm_dataminer_lmp", "expect_table_columns_to_match_ordered_list", None),
    }
