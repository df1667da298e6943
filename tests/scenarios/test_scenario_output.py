"""scenario_output built by dbt from the samples with different `scenario` vars."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from aurum.dbt_runner import DbtFailed, run_dbt
from aurum.scenarios.models import parse_scenario
from aurum.scenarios.vars import vars_json

pytestmark = pytest.mark.integration

ADJUSTMENTS = (
    "fuel_adjustment",
    "carbon_adjustment",
    "load_adjustment",
    "fleet_adjustment",
    "adder_adjustment",
    "clamp_adjustment",
)


def test_no_drivers_reproduces_the_base_prices_exactly(build_scenario):
    database = build_scenario(None)
    with duckdb.connect(str(database)) as conn:
        fct_rows = conn.execute("select count(*) from market.fct_lmp").fetchone()[0]
        rows = conn.execute(
            f"""
            select s.scenario_id, s.lmp, s.base_lmp, f.lmp, s.energy, f.energy,
                   {", ".join("s." + a for a in ADJUSTMENTS)}
            from market.scenario_output as s
            inner join market.fct_lmp as f
                using (iso_code, market, location_id, interval_start_utc)
            where s.run_id is null
            """
        ).fetchall()
    assert len(rows) == fct_rows > 40_000
    for scenario_id, lmp, base_lmp, fct_lmp, energy, fct_energy, *adjustments in rows:
        assert scenario_id == "base"
        assert lmp == base_lmp == fct_lmp
        assert energy == fct_energy or (energy is None and fct_energy is None)
        assert adjustments == [0.0] * 6


CARBON_ONLY = {
    "scenario_id": "carbon_50",
    "run_id": "test-run",
    "carbon": [{"start": "2000-01-01", "end": "2030-01-01", "usd_per_metric_ton": 50.0}],
}

# gas_ct_coal bucket (implied heat rate 9-13): half gas CT (11.1 MMBtu/MWh x 0.05307
# t/MMBtu), half coal (10.689 x 0.09535) = 0.2945385 + 0.509598075 t/MWh.
GAS_CT_COAL_T_PER_MWH = 0.5 * 11.1 * 0.05307 + 0.5 * 10.689 * 0.09535


def _base_prices(database: Path, iso: str, location: str, start: str) -> tuple:
    sql = (
        "select gas_price_usd_per_mmbtu, implied_heat_rate, gas_price_date, gas_price_is_filled"
        " from {{ ref('int_scenario__base_prices') }}"
        f" where iso_code = '{iso}' and market = 'day_ahead_hourly'"
        f" and location_id = '{location}' and interval_start_utc = timestamp '{start}'"
    )
    result = run_dbt(
        ["show", "--inline", sql, "--vars", json.dumps({"scenario": CARBON_ONLY})],
        duckdb_path=database,
        target_path=database.parent / "target",
    )
    (row,) = result.result.results[0].agate_table.rows
    gas_date = row[2] if isinstance(row[2], date) else date.fromisoformat(str(row[2])[:10])
    return float(row[0]), float(row[1]), gas_date, bool(row[3])


def test_carbon_only_decomposes_row_by_row_and_matches_hand_checked_rows(build_scenario):
    database = build_scenario(CARBON_ONLY)
    with duckdb.connect(str(database)) as conn:
        rows = conn.execute(
            f"select scenario_id, run_id, base_lmp, {', '.join(ADJUSTMENTS)}, lmp, energy,"
            " base_energy, congestion, loss from market.scenario_output where run_id = 'test-run'"
        ).fetchall()
        nyiso = conn.execute(
            """
            select base_lmp, base_energy, carbon_adjustment, lmp, energy, marginal_technology
            from market.scenario_output
            where run_id = 'test-run' and iso_code = 'NYISO' and market = 'day_ahead_hourly'
                and location_id = '61752' and interval_start_utc = ?
            """,
            [datetime(2022, 7, 18, 20)],
        ).fetchone()
        pjm = conn.execute(
            """
            select base_energy, carbon_adjustment, lmp, marginal_technology
            from market.scenario_output
            where run_id = 'test-run' and iso_code = 'PJM' and market = 'day_ahead_hourly'
                and location_id = '51217' and interval_start_utc = ?
            """,
            [datetime(2025, 5, 1, 4)],
        ).fetchone()
    # int_scenario__base_prices is ephemeral (it reads the var): read it through dbt show.
    nyiso_gas, nyiso_heat_rate, *_ = _base_prices(database, "NYISO", "61752", "2022-07-18 20:00:00")
    pjm_gas, _, pjm_gas_date, pjm_filled = _base_prices(
        database, "PJM", "51217", "2025-05-01 04:00:00"
    )
    nyiso = (*nyiso, nyiso_gas, nyiso_heat_rate)
    pjm = (*pjm[:3], pjm_gas, pjm_gas_date, pjm_filled, pjm[3])
    assert len(rows) > 40_000
    for scenario_id, run_id, base_lmp, fuel, carbon, load, fleet, adder, clamp, lmp, *rest in rows:
        assert (scenario_id, run_id) == ("carbon_50", "test-run")
        # Python floats are IEEE doubles added in the same order: exact equality.
        assert lmp == base_lmp + fuel + carbon + load + fleet + adder + clamp
        assert fuel == load == fleet == adder == 0.0
        energy, base_energy, congestion, loss = rest
        if base_energy is not None:
            assert energy == base_energy + fuel + carbon + load + fleet + adder + clamp
        if None not in (energy, congestion, loss):
            assert abs(energy - (lmp - congestion - loss)) <= 0.011

    # sample_data/nyiso/20220718damlbmp_zone.csv, WEST, 07/18/2022 16:00 EDT:
    # LBMP 93.81, losses 0.93, congestion 0 -> energy 92.88; Henry Hub 2022-07-18 $7.65.
    base_lmp, base_energy, carbon, lmp, energy, technology, gas, heat_rate = nyiso
    assert (base_lmp, base_energy, gas) == (93.81, 92.88, 7.65)
    assert heat_rate == pytest.approx(92.88 / 7.65)  # 12.14 -> gas_ct_coal
    assert technology == "gas_ct_coal"
    assert carbon == pytest.approx(50.0 * GAS_CT_COAL_T_PER_MWH, abs=1e-9)
    assert carbon == pytest.approx(40.20682875, abs=1e-9)
    assert lmp == pytest.approx(134.01682875, abs=1e-9)
    assert energy == pytest.approx(133.08682875, abs=1e-9)

    # PJM EASTERN HUB 2025-05-01 04:00 UTC: energy 30.98; the gas series ends 2024-07-09
    # ($2.42), so that price is carried forward: 30.98 / 2.42 = 12.80 -> gas_ct_coal.
    base_energy, carbon, lmp, gas, gas_date, filled, technology = pjm
    assert (base_energy, gas, gas_date, filled) == (30.98, 2.42, date(2024, 7, 9), True)
    assert technology == "gas_ct_coal"
    assert carbon == pytest.approx(40.20682875, abs=1e-9)
    assert lmp == pytest.approx(24.966949 + 40.20682875, abs=1e-9)


def test_invalid_scenario_var_fails_before_any_model_runs(build_scenario, scenario_build):
    database = scenario_build / "aurum.duckdb"
    with duckdb.connect(str(database)) as conn:
        before = conn.execute(
            "select scenario_id, count(*) from market.scenario_output group by 1"
        ).fetchall()
    with pytest.raises(DbtFailed, match="carbon"):
        build_scenario({"carbon": "x"})
    with duckdb.connect(str(database)) as conn:
        after = conn.execute(
            "select scenario_id, count(*) from market.scenario_output group by 1"
        ).fetchall()
    assert after == before


def test_selecting_only_scenario_output_applies_the_vars(build_scenario, scenario_build):
    """The users' command, `dbt build --select scenario_output --vars …`, after a base build:
    the var-reading intermediates are ephemeral, so no stale view keeps the old vars."""
    build_scenario(None)  # base first, as after `make demo`
    example = Path(__file__).resolve().parents[2] / "examples/scenarios/demo_pjm_carbon_gas.json"
    scenario_vars = vars_json(parse_scenario(example.read_text()), "demo")
    database = scenario_build / "aurum.duckdb"
    run_dbt(
        ["build", "--select", "scenario_output", "--vars", scenario_vars],
        duckdb_path=database,
        target_path=scenario_build / "target",
    )
    with duckdb.connect(str(database)) as conn:
        ids, rows, carbon = conn.execute(
            "select list(distinct scenario_id), count(*), min(carbon_adjustment)"
            " from market.scenario_output where run_id is null"
        ).fetchone()
    assert ids == ["demo"] and rows > 2000 and carbon > 0


def _runs(database: Path) -> dict:
    with duckdb.connect(str(database)) as conn:
        return dict(
            conn.execute(
                "select run_id, (count(*), list(distinct scenario_id), sum(carbon_adjustment))"
                " from market.scenario_output where run_id like 'own-%' group by run_id"
            ).fetchall()
        )


def test_two_runs_each_keep_exactly_their_own_rows(build_scenario):
    """scenario_output holds every run's rows by run id: a build replaces its own run's
    rows only, so run B does not clobber run A, and rebuilding A with different
    assumptions replaces A's rows (none left over) and leaves B's as they were."""
    carbon = CARBON_ONLY["carbon"]
    run_a = {"scenario_id": "a", "run_id": "own-a", "iso_codes": ["PJM"], "carbon": carbon}
    run_b = {"scenario_id": "b", "run_id": "own-b", "iso_codes": ["NYISO"]}
    database = build_scenario(run_a)
    build_scenario(run_b)
    runs = _runs(database)
    (rows_a, ids_a, carbon_a), (rows_b, ids_b, carbon_b) = runs["own-a"], runs["own-b"]
    assert ids_a == ["a"] and ids_b == ["b"] and rows_a > 1000 and rows_b > 1000
    assert carbon_a > 0 and carbon_b == 0
    with duckdb.connect(str(database)) as conn:
        isos = dict(conn.execute(
            "select run_id, list(distinct iso_code) from market.scenario_output"
            " where run_id like 'own-%' group by run_id"
        ).fetchall())  # fmt: skip
    assert isos == {"own-a": ["PJM"], "own-b": ["NYISO"]}

    # Rebuilding run A with fewer rows (one market) replaces A's rows, B's stay.
    build_scenario({**run_a, "markets": ["day_ahead_hourly"], "carbon": []})
    after = _runs(database)
    assert after["own-b"] == runs["own-b"]
    rows_a2, ids_a2, carbon_a2 = after["own-a"]
    assert ids_a2 == ["a"] and 0 < rows_a2 < rows_a and carbon_a2 == 0
