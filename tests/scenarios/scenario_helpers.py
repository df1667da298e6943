"""Shared scenario fixtures for tests/scenarios (plain dicts, as a client would send)."""

from __future__ import annotations

import copy

from aurum.dbt_runner import PROJECT_DIR

EXAMPLES = sorted((PROJECT_DIR / "examples" / "scenarios").glob("*.json"))

BASE = {"name": "t", "base_window": {"start": "2024-01-01", "end": "2025-01-01"}}
POLICY = {
    "type": "policy",
    "carbon": [{"start": "2026-01-01", "end": "2027-01-01", "price": 50, "unit": "metric_ton"}],
    "other_adders": [
        {"name": "rec", "start": "2026-01-01", "end": "2027-01-01", "price_per_mwh": -2.5}
    ],
}
LOAD = {"type": "load_growth", "iso_code": "PJM", "annual_pct": 1.5, "base_year": 2024}
FUEL = {
    "type": "fuel_curve",
    "fuel": "natural_gas",
    "mode": "price",
    "unit": "usd_per_mmbtu",
    "steps": [
        {"start": "2026-01-01", "end": "2026-07-01", "value": 3.5},
        {"start": "2026-07-01", "end": "2027-01-01", "value": 4.0},
    ],
}
FLEET = {
    "type": "fleet_change",
    "changes": [
        {
            "iso_code": "MISO",
            "zone": None,
            "technology": "coal",
            "mw": 600,
            "action": "retire",
            "effective_date": "2026-06-01",
        }
    ],
}


def scenario(*drivers: dict, **top) -> dict:
    return {**copy.deepcopy(BASE), "drivers": [copy.deepcopy(d) for d in drivers], **top}
