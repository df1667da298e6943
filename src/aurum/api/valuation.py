"""PPA valuation on demand: dbt builds scenario_output and the PPA marts with the request's
vars and a run id of its own, under the warehouse lock on DuckDB (Trino takes concurrent
builds), and the summary and annual rows of that run are read back.

Before any build a contract is checked against what it refers to (issue 10, item 6),
so a client's mistake is a 422 naming the field, not a 502 from dbt:

- the node and the hub must be locations of the contract's ISO in the location registry
  (`seeds/iso_nodes.csv`, the seed `dim_location` is built from);
- a CPI escalation's series must exist in the warehouse (`int_cpi__monthly_index`), and
  cover the base month less the lag;
- a valuation that finds no prices at the settlement point in the term answers 422 too.

Waiting for the build lock never holds a pooled PostgreSQL connection (item 4): the
advisory lock has a connection of its own, and one API process lets one valuation wait
for it at a time, with at most AURUM_API_MAX_PENDING_VALUATIONS queued behind it; more
answer 503 with Retry-After at once instead of tying up threads.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import defaultdict
from typing import Any

from aurum.db.registry import read_seed
from aurum.dbt_runner import WarmDbt
from aurum.dbt_vars.text import vars_text
from aurum.ppa.contract import CpiEscalation, PpaContract
from aurum.scenarios.models import Filters, Scenario
from aurum.scenarios.vars import render_vars
from aurum.scenarios.warehouse import query, read_table, warehouse_lock
from aurum.settings import Settings

SELECT = ("scenario_output", "ppa_valuation", "ppa_cashflows_monthly", "ppa_cashflows_annual",
          "ppa_summary")  # fmt: skip
CPI_TABLE = "intermediate.int_cpi__monthly_index"
REFERENCE_TTL_SECONDS = 300.0
BASE_SCENARIO_ID = "base"  # what scenario_output calls base prices (no `scenario` var)


class ContractInvalid(ValueError):
    """The contract refers to something that does not exist: (field path, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))
        self.errors = errors


class ValuationBusy(RuntimeError):
    """Too many valuations are already waiting in this process."""


def _registry() -> dict[str, set[str]]:
    locations: dict[str, set[str]] = defaultdict(set)
    for row in read_seed():
        locations[row[0]].add(row[1])
    return dict(locations)


def narrowed(scenario: Scenario | None, contract: PpaContract) -> Scenario | None:
    """The scenario restricted to the contract's ISO and market, the only prices the PPA
    models read: scenario_output is then built for those rows alone (2,880 instead of
    57,215 on the demo warehouse). Every adjustment is computed per row from its own
    ISO's drivers, so the contract's prices are the same. A scenario whose filters
    exclude the contract's ISO or market is left as it is (it has no prices for it)."""
    filters = scenario.filters if scenario is not None else Filters()
    if (filters.iso_codes and contract.iso_code not in filters.iso_codes) or (
        filters.markets and contract.market not in filters.markets
    ):
        return scenario
    narrow = filters.model_copy(
        update={"iso_codes": [contract.iso_code], "markets": [contract.market]}
    )
    if scenario is None:
        return Scenario(name="base prices", filters=narrow)
    return scenario.model_copy(update={"filters": narrow})


def _months_back(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


class Valuator:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.dbt = WarmDbt(
            target=settings.dbt_target,
            duckdb_path=settings.duckdb_path,
            work_dir=settings.dbt_work_dir / "api",
        )
        self._parse_lock = threading.Lock()
        self._build_turn = threading.Lock()
        self._pending = threading.BoundedSemaphore(settings.api_max_pending_valuations)
        self._locations = _registry()
        self._cpi: dict[str, tuple[dt.date, dt.date]] = {}
        self._cpi_read_at = float("-inf")

    def warm_up(self) -> None:
        with self._parse_lock:
            self.dbt.manifest()

    # -- checks ------------------------------------------------------------------------

    def check_registry(self, contract: PpaContract) -> None:
        """Node and hub are registered locations of the contract's ISO (no warehouse read)."""
        known = self._locations.get(contract.iso_code, set())
        errors = [
            (f"contract.{field}", f"{value!r} is not a {contract.iso_code} location in the "
             "location registry (seeds/iso_nodes.csv)")
            for field, value in (("node_location_id", contract.node_location_id),
                                 ("hub_location_id", contract.hub_location_id))
            if value is not None and value not in known
        ]  # fmt: skip
        if errors:
            raise ContractInvalid(errors)

    def _cpi_series(self) -> dict[str, tuple[dt.date, dt.date]]:
        """{series: (first month, last month)}; read under the build lock, kept a while."""
        if time.monotonic() - self._cpi_read_at > REFERENCE_TTL_SECONDS:
            _, rows = query(
                self.settings,
                f"select series_id, min(month_start), max(month_start) from {CPI_TABLE}"
                " group by series_id",
            )
            self._cpi = {series: (first, last) for series, first, last in rows}
            self._cpi_read_at = time.monotonic()
        return self._cpi

    def _check_cpi(self, contract: PpaContract) -> None:
        escalation = contract.escalation
        if not isinstance(escalation, CpiEscalation):
            return
        series = self._cpi_series()
        if escalation.series_id not in series:
            raise ContractInvalid([(
                "contract.escalation.series_id",
                f"no CPI series {escalation.series_id!r} in the warehouse "
                f"(known: {', '.join(sorted(series)) or 'none'})",
            )])  # fmt: skip
        first, last = series[escalation.series_id]
        base = _months_back(escalation.base_month, escalation.lag_months)
        if not first <= base <= last:
            raise ContractInvalid([(
                "contract.escalation.base_month",
                f"CPI {escalation.series_id} has months {first} to {last}; the base month "
                f"less the lag ({base}) is outside them",
            )])  # fmt: skip

    # -- valuation ---------------------------------------------------------------------

    def value(
        self, contract: PpaContract, scenario: Scenario | None, scenario_id: str | None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(ppa_summary row, ppa_cashflows_annual rows) for the contract under the scenario."""
        self.check_registry(contract)
        dbt_vars: dict[str, Any] = {"ppa": contract.to_var_json()}
        # The valuation's own run id: the per-run marts keep its rows apart from every
        # other run's and valuation's (concurrent ones on Trino), and it reads back its own.
        run_id = str(uuid.uuid4())
        prices = narrowed(scenario, contract) or Scenario(name="base prices")
        dbt_vars.update(render_vars(prices, scenario_id or BASE_SCENARIO_ID, run_id))
        if not self._pending.acquire(blocking=False):
            raise ValuationBusy("too many valuations are waiting for the warehouse")
        try:
            self.warm_up()
            key = [run_id]
            # One waiter per process for the cross-process lock (and its connection).
            with self._build_turn, warehouse_lock(self.settings):
                self._check_cpi(contract)
                # vars_text, not json.dumps: dbt reads --vars as YAML, where 1e-05 is a string
                self.dbt.invoke(["run", "--select", *SELECT, "--vars", vars_text(dbt_vars)])
                names, rows = read_table(
                    self.settings, "ppa_summary", where="run_id = ?", params=key
                )
                annual_names, annual = read_table(
                    self.settings, "ppa_cashflows_annual", where="run_id = ?", params=key
                )
        finally:
            self._pending.release()
        if not rows:
            where = contract.hub_location_id if contract.settle_at == "hub" else None
            where = where or contract.node_location_id
            under = " under the scenario's base window and filters" if scenario else ""
            raise ContractInvalid([(
                "contract.term",
                f"no {contract.market} prices at {contract.iso_code} {where} between "
                f"{contract.term.start} and {contract.term.end}{under}",
            )])  # fmt: skip
        summary = dict(zip(names, rows[0], strict=True))
        years = sorted(
            (dict(zip(annual_names, r, strict=True)) for r in annual), key=lambda r: r["local_year"]
        )
        return summary, years
