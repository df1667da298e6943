"""ISO-NE ISO Express web services (v1.1) LMP responses, JSON.

    /hourlylmp/{da|rt}/{final|prelim}/day/YYYYMMDD[/location/ID]
        -> {"HourlyLmps": {"HourlyLmp": [ ... ]}}
    /fiveminutelmp/{final|prelim|current}/...
        -> {"FiveMinLmps": {"FiveMinLmp": [ ... ]}}

Each element: `BeginDate` (hour- or interval-beginning, ISO-8601 with milliseconds
and the local offset, `2024-11-03T01:00:00.000-04:00`), `Location` (`@LocId`,
`@LocType`, `$` = name), `LmpTotal`, `EnergyComponent`, `CongestionComponent`,
`LossComponent`. As in every ISO-NE web-service response, a single result is an
OBJECT rather than a one-element list, and "no data" is an empty string in place of
the container (`{"HourlyLmps": ""}`), which decodes to no rows.

The response does not say DA or RT, final or prelim; that comes from the request
path, so the saved file's name must carry it (`..._hourlylmp_da_final_...json`), and a
file whose name does not is refused with that reason. (A five-minute response is
real-time by its root.) The decoder records it as `market_hint` / `report_status`
and leaves market meaning to dbt. `BeginDate` is parsed with its offset to naive UTC; the raw string and the
offset in minutes are kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from aurum.sources.core.documents import load_json
from aurum.sources.core.formats import DbtSource, SourceFormat, lmp_aliases
from aurum.sources.core.records import Decoded, Record, Rejection, RowError, parse_number, preview
from aurum.sources.core.signatures import JsonShape
from aurum.sources.isone.load import LOAD_FORMATS

CONTAINERS = {
    "HourlyLmps": ("HourlyLmp", "hourly"),
    "FiveMinLmps": ("FiveMinLmp", "fivemin"),
}


def _request_from_name(source_name: str, cadence: str) -> tuple[str, str | None]:
    """(market_hint, report_status) from the saved response's name (its request path)."""
    base = source_name.rsplit("/", 1)[-1].lower()
    status_match = re.search(r"(?:^|[_/.-])(final|prelim|current)(?=[_/.-]|$)", base)
    status = status_match.group(1) if status_match else None
    if cadence == "fivemin":
        return "rt_fivemin", status
    side = re.search(r"hourlylmp[_/.-](da|rt)(?=[_/.-]|$)", base)
    if side is None:
        raise RowError(f"cannot tell DA from RT by the name {source_name!r} (need hourlylmp_da|rt)")
    return f"{side.group(1)}_hourly", status


def _begin_date(text: Any) -> tuple[datetime, int]:
    if not isinstance(text, str):
        raise RowError(f"BeginDate {text!r} is not a string")
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RowError(f"unparseable timestamp {text!r} in column 'BeginDate'") from None
    offset = parsed.utcoffset()
    if offset is None:
        raise RowError(f"timestamp {text!r} in column 'BeginDate' has no UTC offset")
    return parsed.astimezone(UTC).replace(tzinfo=None), int(offset.total_seconds() // 60)


def _number(item: dict, key: str) -> float:
    if key not in item:
        raise RowError(f"missing field {key!r}")
    value = item[key]
    if isinstance(value, bool):
        raise RowError(f"non-numeric value {value!r} in column {key!r}")
    if isinstance(value, int | float):
        return float(value)
    result = parse_number(value if isinstance(value, str) else repr(value), key)
    assert result is not None
    return result


def _values(item: Any, market_hint: str, status: str | None) -> dict:
    if not isinstance(item, dict):
        raise RowError(f"element is a {type(item).__name__}, not an object")
    location = item.get("Location")
    if not isinstance(location, dict) or "@LocId" not in location:
        raise RowError(f"missing or malformed 'Location' {location!r}")
    begin_utc, offset_minutes = _begin_date(item.get("BeginDate"))
    return {
        "market_hint": market_hint,
        "report_status": status,
        "begin_date": item["BeginDate"],
        "begin_date_utc": begin_utc,
        "utc_offset_minutes": offset_minutes,
        "location_id": str(location["@LocId"]).strip(),
        "location_type": location.get("@LocType"),
        "location_name": location.get("$"),
        "lmp_total": _number(item, "LmpTotal"),
        "energy_component": _number(item, "EnergyComponent"),
        "congestion_component": _number(item, "CongestionComponent"),
        "loss_component": _number(item, "LossComponent"),
    }


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    head = preview(data)
    try:
        document = load_json(data)
    except RowError as exc:
        yield Rejection(None, str(exc), head)
        return
    roots = [k for k in CONTAINERS if isinstance(document, dict) and k in document]
    if len(roots) != 1:
        keys = list(document) if isinstance(document, dict) else type(document).__name__
        yield Rejection(
            None, f"expected one of {list(CONTAINERS)!r} at the root, got {keys!r}", head
        )
        return
    root = roots[0]
    element_key, cadence = CONTAINERS[root]
    try:
        market_hint, status = _request_from_name(source_name, cadence)
    except RowError as exc:
        yield Rejection(None, str(exc), head)
        return
    container = document[root]
    if container == "" or container is None:
        return  # ISO-NE's "no data for this request"
    if not isinstance(container, dict) or element_key not in container:
        yield Rejection(None, f"{root!r} holds no {element_key!r}", head)
        return
    elements = container[element_key]
    if isinstance(elements, dict):
        elements = [elements]  # a single result is an object, not a one-element list
    if not isinstance(elements, list):
        yield Rejection(None, f"{element_key!r} is neither a list nor an object", head)
        return
    for number, item in enumerate(elements, start=1):
        try:
            yield Record(number, _values(item, market_hint, status))
        except RowError as exc:
            yield Rejection(number, str(exc), json.dumps(item, separators=(",", ":"))[:2000])


WS_LMP = SourceFormat(
    name="isone_ws_lmp",
    name_hint=r"(hourlylmp|fiveminutelmp)",
    iso="ISONE",
    description="ISO-NE web services v1.1 LMP JSON: hourly DA/RT and five-minute RT",
    columns=(
        (
            "market_hint",
            "VARCHAR",
            (
                "da_hourly, rt_hourly or rt_fivemin, from the root key and the request path in "
                "the file name."
            ),
        ),
        (
            "report_status",
            "VARCHAR",
            "final, prelim or current, from the request path; null when the name does not say.",
        ),
        (
            "begin_date",
            "VARCHAR",
            "BeginDate as published (ISO-8601 with milliseconds and offset).",
        ),
        (
            "begin_date_utc",
            "TIMESTAMP",
            "BeginDate resolved with its offset, naive UTC; interval-beginning.",
        ),
        ("utc_offset_minutes", "INTEGER", "The offset BeginDate carried (-240 EDT, -300 EST)."),
        ("location_id", "VARCHAR", "Location @LocId."),
        (
            "location_type",
            "VARCHAR",
            "Location @LocType (HUB, LOAD ZONE, NETWORK NODE, EXT. NODE, ...).",
        ),
        ("location_name", "VARCHAR", "Location $ (the name, e.g. .H.INTERNAL_HUB)."),
        ("lmp_total", "DOUBLE"),
        ("energy_component", "DOUBLE"),
        ("congestion_component", "DOUBLE"),
        ("loss_component", "DOUBLE"),
    ),
    signature=JsonShape(
        lambda document: isinstance(document, dict) and any(k in document for k in CONTAINERS),
        "a JSON object with 'HourlyLmps' or 'FiveMinLmps' at the root",
    ),
    decode=decode,
    dbt=DbtSource("landing_isone", ("stg_isone__lmp",)),
    aliases=lmp_aliases(
        "ISONE",
        location_id="location_id",
        location_name="location_name",
        location_type="location_type",
        market="market_hint",
    ),
)

FORMATS = (WS_LMP, *LOAD_FORMATS)
