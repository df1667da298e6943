"""PPA valuation on demand: dbt builds scenario_output and the PPA marts with the request's
vars, under the warehouse lock, and the summary and annual rows are read back."""

from __future__ import annotations

import json
import threading
from typing import Any

from aurum.dbt_runner import WarmDbt
from aurum.ppa.contract import PpaContract
from aurum.scenarios.models import Scenario
from aurum.scenarios.vars import render_vars
from aurum.scenarios.warehouse import read_table, warehouse_lock
from aurum.settings import Settings

SELECT = ("scenario_output", "ppa_valuation", "ppa_cashflows_monthly", "ppa_cashflows_annual",
          "ppa_summary")  # fmt: skip


class Valuator:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.dbt = WarmDbt(
            target=settings.dbt_target,
            duckdb_path=settings.duckdb_path,
            work_dir=settings.dbt_work_dir / "api",
        )
        self._parse_lock = threading.Lock()

    def warm_up(self) -> None:
        with self._parse_lock:
            self.dbt.manifest()

    def value(
        self, contract: PpaContract, scenario: Scenario | None, scenario_id: str | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(ppa_summary row, ppa_cashflows_annual rows) for the contract under the scenario."""
        dbt_vars: dict[str, Any] = {"ppa": contract.to_var_json()}
        if scenario is not None and scenario_id is not None:
            dbt_vars.update(render_vars(scenario, scenario_id))
        self.warm_up()
        key = [contract.contract_id]
        with warehouse_lock(self.settings):
            self.dbt.invoke(["run", "--select", *SELECT, "--vars", json.dumps(dbt_vars)])
            names, rows = read_table(
                self.settings, "ppa_summary", where="contract_id = ?", params=key
            )
            annual_names, annual = read_table(
                self.settings, "ppa_cashflows_annual", where="contract_id = ?", params=key
            )
        if not rows:
            raise LookupError("the valuation produced no summary row")
        summary = dict(zip(names, rows[0], strict=True))
        years = sorted(
            (dict(zip(annual_names, r, strict=True)) for r in annual), key=lambda r: r["local_year"]
        )
        return summary, years
