"""Issue 10, items 4 and 6 on a real API process: valuations waiting for the build lock
hold no pooled PostgreSQL connection; a contract's references are checked (422 with the
field path) and dbt's internals never reach a client."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, wait

import duckdb
import httpx
import pytest
from api_helpers import CONTRACT, assert_problem, create, tenant

from aurum.db import connect
from aurum.devstack import LocalStack
from aurum.scenarios.warehouse import warehouse_identity

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def valuation_stack(api_stack) -> LocalStack:
    # Two valuations may wait per process; the API's pool has its default 8 connections.
    return api_stack(api_max_pending_valuations=2)


def valuate(local: LocalStack, name: str, contract: dict, **extra) -> httpx.Response:
    with local.client(name) as client:
        return client.post("/v1/ppa/valuate", json={"contract": contract, **extra}, timeout=300)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"node_location_id": "NO_SUCH_NODE"}, "contract.node_location_id"),
        ({"hub_location_id": "HB_HOUSTON"}, "contract.hub_location_id"),  # ERCOT's, not PJM's
        ({"term": {"start": "0001-01-01", "end": "9999-12-31"}}, "contract.term.start"),
        ({"discount": {**CONTRACT["discount"], "valuation_date": "2205-01-01"}},
         "contract.discount.valuation_date"),
    ],
)  # fmt: skip
def test_references_and_dates_are_checked_before_any_build(
    valuation_stack: LocalStack, change: dict, path: str
) -> None:
    started = time.monotonic()
    response = valuate(valuation_stack, tenant(), {**CONTRACT, **change})
    assert_problem(response, 422, path)
    assert time.monotonic() - started < 5  # no dbt build was waited for


def test_an_unknown_cpi_series_or_month_is_422(valuation_stack: LocalStack) -> None:
    escalation = CONTRACT["escalation"]
    unknown = {**CONTRACT, "escalation": {**escalation, "series_id": "NOSUCHCPI"}}
    problem = assert_problem(
        valuate(valuation_stack, tenant(), unknown), 422, "contract.escalation.series_id"
    )
    assert "CPIAUCSL" in problem["errors"][0]["message"]  # says what exists
    late = {**CONTRACT, "escalation": {**escalation, "base_month": "2090-01-01"}}
    assert_problem(valuate(valuation_stack, tenant(), late), 422, "contract.escalation.base_month")


def test_a_term_without_prices_is_422_not_502(valuation_stack: LocalStack) -> None:
    future = {**CONTRACT, "term": {"start": "2060-01-01", "end": "2060-12-31"}}
    problem = assert_problem(valuate(valuation_stack, tenant(), future), 422, "contract.term")
    assert "no day_ahead_hourly prices" in problem["errors"][0]["message"]


def test_valuations_waiting_for_the_build_lock_hold_no_pooled_connection(
    valuation_stack: LocalStack,
) -> None:
    """The build lock held elsewhere, 10 valuations at once: one waits on the lock (on a
    connection of its own), one more queues in the process, the rest get 503 at once;
    another tenant's reads are served meanwhile (they got 503 when valuations held the
    pool's connections)."""
    settings = valuation_stack.settings
    key = "aurum.warehouse:" + warehouse_identity(settings)
    reader = valuation_stack.client(tenant())
    create(reader)
    with connect(settings.pg_dsn) as holder, ThreadPoolExecutor(10) as pool:
        holder.execute("select pg_advisory_lock(hashtext(%s))", (key,))
        try:
            futures = [pool.submit(valuate, valuation_stack, tenant(), CONTRACT) for _ in range(10)]
            deadline = time.monotonic() + 60
            while waiting_on_advisory_locks(holder) < 1:
                assert time.monotonic() < deadline, "no valuation reached the build lock"
                time.sleep(0.1)
            finished, pending = wait(futures, timeout=10)
            assert (len(finished), len(pending)) == (8, 2)
            for answer in (f.result() for f in finished):
                assert_problem(answer, 503)
                assert int(answer.headers["retry-after"]) >= 1
            for _ in range(5):
                started = time.monotonic()
                assert reader.get("/v1/scenarios").status_code == 200
                assert time.monotonic() - started < 2
            assert waiting_on_advisory_locks(holder) == 1
        finally:
            holder.execute("select pg_advisory_unlock(hashtext(%s))", (key,))
        valued = [f.result(timeout=300) for f in pending]
    assert [r.status_code for r in valued] == [200, 200], [r.text for r in valued]


def waiting_on_advisory_locks(conn) -> int:
    return conn.execute(
        "select count(*) from pg_stat_activity"
        " where wait_event_type = 'Lock' and wait_event = 'advisory' and pid <> pg_backend_pid()"
    ).fetchone()[0]


def test_a_scenario_with_tiny_numbers_values_instead_of_502(valuation_stack: LocalStack) -> None:
    """Issue 10.2: the valuation path rendered --vars with json.dumps, so 5e-324 reached dbt
    as the YAML string "5e-324" and the valuation answered 502."""
    tiny = {
        "name": "tiny numbers",
        "filters": {"iso_codes": ["PJM"]},
        "drivers": [
            {"type": "load_growth", "iso_code": "PJM", "annual_pct": 0.001, "base_year": 2024},
            {
                "type": "policy",
                "other_adders": [
                    {"name": "a", "start": "2024-01-01", "end": "2027-01-01",
                     "price_per_mwh": 5e-324}
                ],
            },
        ],
    }  # fmt: skip
    name = tenant()
    with valuation_stack.client(name) as client:
        scenario = create(client, tiny)
    response = valuate(valuation_stack, name, CONTRACT, scenario_id=scenario["id"])
    assert response.status_code == 200, response.text
    assert response.json()["summary"]["contract_id"] == CONTRACT["contract_id"]


def test_dbt_failures_answer_502_without_command_lines_or_paths(
    valuation_stack: LocalStack,
) -> None:
    """Last in this module: it breaks the stack's warehouse (dim_location dropped), so
    dbt itself fails; the client gets a reference, the log gets the detail."""
    settings = valuation_stack.settings
    key = "aurum.warehouse:" + warehouse_identity(settings)
    with connect(settings.pg_dsn) as holder:
        holder.execute("select pg_advisory_lock(hashtext(%s))", (key,))
        try:
            with duckdb.connect(str(settings.duckdb_path)) as warehouse:
                warehouse.execute("drop table market.dim_location")
        finally:
            holder.execute("select pg_advisory_unlock(hashtext(%s))", (key,))
    problem = assert_problem(valuate(valuation_stack, tenant(), CONTRACT), 502)
    detail = problem["detail"]
    for leak in ("--vars", "--select", "dbt run", "/", "dim_location", "ppa_valuation"):
        assert leak not in detail, detail
    reference = detail.rsplit(" ", 1)[-1]
    log = (valuation_stack.workdir / "api.log").read_text()
    assert reference in log and "dim_location" in log
