"""The storage modules one by one (issue 16 item 4), against the real PostgreSQL:
scenario storage, the run state machine, result storage and paging. The outbox's own
tests are in test_outbox.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from aurum.scenarios import result_store, run_store, scenario_store
from aurum.scenarios.models import Scenario
from aurum.scenarios.output_contract import RESULT_COLUMNS

pytestmark = pytest.mark.integration


def _tenant() -> str:
    return f"stores-{uuid.uuid4().hex[:8]}"


def _run(pg, tenant: str, **kwargs) -> run_store.RunRecord:
    scenario = scenario_store.create_scenario(pg, tenant, Scenario(name="s"), "test")
    run = run_store.create_run(
        pg, tenant, scenario.id, version=None, requested_by="test", dbt_target="duckdb",
        topic=f"stores-{uuid.uuid4().hex[:8]}", **kwargs,
    )  # fmt: skip
    assert run is not None
    return run


def test_scenario_storage_versions_and_tenants(pg) -> None:
    tenant = _tenant()
    created = scenario_store.create_scenario(pg, tenant, Scenario(name="first"), "alice")
    assert created.version == 1
    updated = scenario_store.add_version(pg, tenant, created.id, Scenario(name="second"), "bob")
    assert updated is not None and updated.version == 2
    assert scenario_store.get_scenario(pg, tenant, created.id).name == "second"
    assert scenario_store.load_assumptions(pg, tenant, created.id, 1).name == "first"
    # Another tenant finds nothing, and cannot write a version either.
    assert scenario_store.get_scenario(pg, _tenant(), created.id) is None
    assert scenario_store.add_version(pg, _tenant(), created.id, Scenario(name="x"), "eve") is None


def test_run_state_machine_claim_complete_fenced_by_attempt(pg) -> None:
    tenant = _tenant()
    run = _run(pg, tenant)
    assert (run.status, run.attempts) == ("queued", 0)
    claimed = run_store.claim_run(pg, tenant, run.id)
    assert (claimed.status, claimed.attempts) == ("running", 1)
    again = run_store.claim_run(pg, tenant, run.id)  # an interrupted attempt reclaimed
    assert again.attempts == 2
    with pytest.raises(run_store.ClaimLost):
        run_store.complete_run(pg, tenant, run.id, [], attempt=1)
    assert run_store.complete_run(pg, tenant, run.id, [], attempt=2) == 0
    done = run_store.get_run(pg, tenant, run.scenario_id, run.id)
    assert (done.status, done.result_rows) == ("succeeded", 0)
    # A late failure of an older attempt changes nothing; a finished run is not claimed.
    run_store.fail_run(pg, tenant, run.id, "late", attempt=1)
    assert run_store.get_run(pg, tenant, run.scenario_id, run.id).status == "succeeded"
    assert run_store.claim_run(pg, tenant, run.id) is None


def test_run_failure_interruption_and_quota(pg) -> None:
    tenant = _tenant()
    run = _run(pg, tenant)
    run_store.claim_run(pg, tenant, run.id)
    run_store.record_interruption(pg, tenant, run.id, "warehouse unreachable")
    noted = run_store.get_run(pg, tenant, run.scenario_id, run.id)
    assert (noted.status, noted.last_interruption) == ("running", "warehouse unreachable")
    run_store.fail_run(pg, tenant, run.id, "boom", attempt=1)
    failed = run_store.get_run(pg, tenant, run.scenario_id, run.id)
    assert (failed.status, failed.error) == ("failed", "boom")
    _run(pg, tenant, max_active=1)
    with pytest.raises(run_store.QuotaExceeded):
        _run(pg, tenant, max_active=1)


def _rows(location_ids: list[str], hours: int) -> list[tuple]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    sample = {"varchar": "x", "double": 1.5, "integer": 3600}
    rows = []
    for location in location_ids:
        for h in range(hours):
            values = {c.name: sample.get(c.data_type) for c in RESULT_COLUMNS}
            values.update(iso_code="PJM", market="day_ahead_hourly", location_id=location,
                          interval_start_utc=start + timedelta(hours=h),
                          interval_end_utc=start + timedelta(hours=h + 1))  # fmt: skip
            rows.append(tuple(values[c.name] for c in RESULT_COLUMNS))
    return rows


def test_results_are_replaced_whole_and_paged_with_filters(pg) -> None:
    tenant = _tenant()
    run = _run(pg, tenant)
    with pg.transaction(), pg.cursor() as cur:
        result_store.replace_results(cur, tenant, run.id, _rows(["a", "b", "c"], 10))
    with pg.transaction(), pg.cursor() as cur:
        result_store.replace_results(cur, tenant, run.id, _rows(["a", "b"], 24))
    page, total = result_store.result_page(
        pg, tenant, run.id, location_ids=["b"], start=datetime(2025, 1, 1, 5, tzinfo=UTC),
        end=datetime(2025, 1, 1, 15, tzinfo=UTC), limit=4, offset=2,
    )  # fmt: skip
    assert total == 10
    assert [r["interval_start_utc"].hour for r in page] == [7, 8, 9, 10]
    assert {r["location_id"] for r in page} == {"b"}
    _, everything = result_store.result_page(
        pg, tenant, run.id, location_ids=[], start=None, end=None, limit=1, offset=0
    )
    assert everything == 48  # the first set is gone, not added to
    _, other = result_store.result_page(
        pg, _tenant(), run.id, location_ids=[], start=None, end=None, limit=1, offset=0
    )
    assert other == 0
