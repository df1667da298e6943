"""Scenario storage: scenarios and their assumption versions (postgres/migrations/0003).

Every function takes the tenant id and puts it in every WHERE clause and every insert:
there is no call that reads or writes a row without naming its tenant, so another
tenant's id simply finds nothing (the API answers 404). Assumptions are validated
(`aurum.scenarios.models.Scenario`) before they get here and stored as one settings
row per version plus one `scenario_assumption_value` row per driver; a version a run
used can be neither updated nor deleted (a trigger).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from aurum.db import one_row
from aurum.scenarios.models import Scenario, parse_scenario

DRIVER_IDS = {"policy": 1, "load_growth": 2, "fuel_curve": 3, "fleet_change": 4}


@dataclass(frozen=True)
class ScenarioRecord:
    tenant_id: str
    id: uuid.UUID
    name: str
    description: str | None
    version: int
    assumptions: dict[str, Any]
    created_by: str | None
    created_at: datetime
    updated_at: datetime


def _split(scenario: Scenario) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(scenario-wide settings, driver payloads) as JSON-ready dicts."""
    data = scenario.model_dump(mode="json")
    drivers = data.pop("drivers")
    data.pop("name")
    data.pop("description")
    return data, drivers


def _insert_version(
    cur: psycopg.Cursor,
    tenant_id: str,
    scenario_id: uuid.UUID,
    version: int,
    scenario: Scenario,
    created_by: str | None,
) -> None:
    settings, drivers = _split(scenario)
    cur.execute(
        """
        insert into app.scenario_version
            (tenant_id, scenario_id, version, name, description, settings, created_by)
        values (%s, %s, %s, %s, %s, %s, %s)
        """,
        (tenant_id, scenario_id, version, scenario.name, scenario.description,
         Jsonb(settings), created_by),
    )  # fmt: skip
    cur.executemany(
        """
        insert into app.scenario_assumption_value
            (tenant_id, scenario_id, driver_id, payload, version, ordinal)
        values (%s, %s, %s, %s, %s, %s)
        """,
        [
            (tenant_id, scenario_id, DRIVER_IDS[d["type"]], Jsonb(d), version, i)
            for i, d in enumerate(drivers)
        ],
    )


def create_scenario(
    conn: psycopg.Connection, tenant_id: str, scenario: Scenario, created_by: str | None
) -> ScenarioRecord:
    scenario_id = uuid.uuid4()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """
            insert into app.scenario (tenant_id, id, name, description, created_by)
            values (%s, %s, %s, %s, %s)
            """,
            (tenant_id, scenario_id, scenario.name, scenario.description, created_by),
        )
        _insert_version(cur, tenant_id, scenario_id, 1, scenario, created_by)
    record = get_scenario(conn, tenant_id, scenario_id)
    assert record is not None
    return record


def add_version(
    conn: psycopg.Connection,
    tenant_id: str,
    scenario_id: uuid.UUID,
    scenario: Scenario,
    created_by: str | None,
) -> ScenarioRecord | None:
    """New assumptions become version n+1; earlier versions stay as they were."""
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """
            update app.scenario
               set current_version = current_version + 1, name = %s, description = %s,
                   updated_at = now()
             where tenant_id = %s and id = %s
            returning current_version
            """,
            (scenario.name, scenario.description, tenant_id, scenario_id),
        )
        row = cur.fetchone()
        if row is None:
            return None
        _insert_version(cur, tenant_id, scenario_id, row[0], scenario, created_by)
    return get_scenario(conn, tenant_id, scenario_id)


_SCENARIO_SELECT = """
    select s.tenant_id, s.id, s.name, s.description, s.current_version as version,
           s.created_by, s.created_at, s.updated_at, v.settings,
           coalesce((select jsonb_agg(a.payload order by a.ordinal)
                       from app.scenario_assumption_value a
                      where a.tenant_id = v.tenant_id and a.scenario_id = v.scenario_id
                        and a.version = v.version), '[]'::jsonb) as drivers
      from app.scenario s
      join app.scenario_version v
        on v.tenant_id = s.tenant_id and v.scenario_id = s.id and v.version = s.current_version
"""


def _scenario_record(row: dict[str, Any]) -> ScenarioRecord:
    assumptions = {"name": row["name"], "description": row["description"], **row["settings"]}
    assumptions["drivers"] = row["drivers"]
    return ScenarioRecord(
        tenant_id=row["tenant_id"],
        id=row["id"],
        name=row["name"],
        description=row["description"],
        version=row["version"],
        assumptions=assumptions,
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def get_scenario(
    conn: psycopg.Connection, tenant_id: str, scenario_id: uuid.UUID
) -> ScenarioRecord | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            _SCENARIO_SELECT + " where s.tenant_id = %s and s.id = %s", (tenant_id, scenario_id)
        )
        row = cur.fetchone()
    return None if row is None else _scenario_record(row)


def list_scenarios(
    conn: psycopg.Connection, tenant_id: str, *, limit: int, offset: int
) -> tuple[list[ScenarioRecord], int]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            _SCENARIO_SELECT
            + " where s.tenant_id = %s order by s.created_at desc, s.id limit %s offset %s",
            (tenant_id, limit, offset),
        )
        rows = cur.fetchall()
        cur.execute("select count(*) as n from app.scenario where tenant_id = %s", (tenant_id,))
        total = one_row(cur)["n"]
    return [_scenario_record(r) for r in rows], total


def load_assumptions(
    conn: psycopg.Connection, tenant_id: str, scenario_id: uuid.UUID, version: int
) -> Scenario:
    """The validated assumptions of one version, exactly as stored (re-validated)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """
            select v.name, v.description, v.settings,
                   coalesce((select jsonb_agg(a.payload order by a.ordinal)
                               from app.scenario_assumption_value a
                              where a.tenant_id = v.tenant_id and a.scenario_id = v.scenario_id
                                and a.version = v.version), '[]'::jsonb) as drivers
              from app.scenario_version v
             where v.tenant_id = %s and v.scenario_id = %s and v.version = %s
            """,
            (tenant_id, scenario_id, version),
        )
        row = cur.fetchone()
    if row is None:
        raise LookupError(f"scenario {scenario_id} version {version} not found for {tenant_id}")
    return parse_scenario(
        {"name": row["name"], "description": row["description"], **row["settings"],
         "drivers": row["drivers"]}
    )  # fmt: skip
