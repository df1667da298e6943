"""ISO-NE web services v1.1 (JSON): `/hourlysysload/...` (`HourlySystemLoads`,
system load with `NativeLoad` and `ArdDemand`), `/realtimehourlydemand/...`
(`HourlyRtDemands`, per load zone), `/hourlyloadforecast/all/...`
(`HourlyLoadForecasts`, every forecast vintage: `CreationDate` differs per row) and
`/locations` (`Locations`). As everywhere in ISO-NE's services, one result is an
object rather than a one-element list and "no data" is an empty string. Offsets in
`BeginDate`/`CreationDate` are applied to give naive UTC; the raw strings are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from aurum.sources.core.documents import compact, file_rejection, load_json
from aurum.sources.core.formats import DbtSource, SourceFormat
from aurum.sources.core.records import Decoded, Record, Rejection, RowError, parse_number
from aurum.sources.core.signatures import JsonShape


def _root(*keys: str) -> JsonShape:
    return JsonShape(
        lambda document: isinstance(document, dict) and any(k in document for k in keys),
        "a JSON object with " + " or ".join(repr(k) for k in keys) + " at the root",
    )


def _offset_time(item: dict, key: str) -> tuple[str, datetime, int]:
    text = item.get(key)
    if not isinstance(text, str):
        raise RowError(f"{key} {text!r} is not a string")
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RowError(f"unparseable timestamp {text!r} in column {key!r}") from None
    offset = parsed.utcoffset()
    if offset is None:
        raise RowError(f"timestamp {text!r} in column {key!r} has no UTC offset")
    return text, parsed.astimezone(UTC).replace(tzinfo=None), int(offset.total_seconds() // 60)


def _json_number(item: dict, key: str, *, required: bool = True) -> float | None:
    if key not in item or item[key] is None or item[key] == "":
        if required:
            raise RowError(f"missing field {key!r}")
        return None
    value = item[key]
    if isinstance(value, bool):
        raise RowError(f"non-numeric value {value!r} in column {key!r}")
    if isinstance(value, int | float):
        return float(value)
    return parse_number(str(value), key)


def _elements(document: Any, root: str, element: str) -> list | None:
    """The list of result objects; None for ISO-NE's empty-string "no data"."""
    if not isinstance(document, dict) or root not in document:
        keys = list(document) if isinstance(document, dict) else type(document).__name__
        raise RowError(f"expected {root!r} at the root, got {keys!r}")
    container = document[root]
    if container == "" or container is None:
        return None
    if not isinstance(container, dict) or element not in container:
        raise RowError(f"{root!r} holds no {element!r}")
    items = container[element]
    if isinstance(items, dict):
        return [items]  # a single result is an object, not a one-element list
    if not isinstance(items, list):
        raise RowError(f"{element!r} is neither a list nor an object")
    return items


def _isone_decoder(
    containers: dict[str, tuple[str, str]], to_values: Callable[[Any, str], dict]
) -> Callable[[bytes, str], Iterator[Decoded]]:
    def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
        try:
            document = load_json(data)
            roots = [r for r in containers if isinstance(document, dict) and r in document]
            if len(roots) != 1:
                keys = list(document) if isinstance(document, dict) else type(document).__name__
                raise RowError(f"expected one of {list(containers)!r} at the root, got {keys!r}")
            element, dataset = containers[roots[0]]
            items = _elements(document, roots[0], element)
        except RowError as exc:
            yield file_rejection(exc, data)
            return
        for number, item in enumerate(items or [], start=1):
            try:
                if not isinstance(item, dict):
                    raise RowError(f"element is a {type(item).__name__}, not an object")
                yield Record(number, to_values(item, dataset))
            except RowError as exc:
                yield Rejection(number, str(exc), compact(item))

    return decode


def _hourly_load_values(item: dict, dataset: str) -> dict:
    location = item.get("Location")
    if not isinstance(location, dict) or "@LocId" not in location:
        raise RowError(f"missing or malformed 'Location' {location!r}")
    begin, begin_utc, offset = _offset_time(item, "BeginDate")
    return {
        "dataset": dataset,
        "begin_date": begin,
        "begin_date_utc": begin_utc,
        "utc_offset_minutes": offset,
        "location_id": str(location["@LocId"]).strip(),
        "location_name": location.get("$"),
        "load_mw": _json_number(item, "Load"),
        "native_load_mw": _json_number(item, "NativeLoad", required=False),
        "ard_demand_mw": _json_number(item, "ArdDemand", required=False),
    }


def _forecast_values(item: dict, dataset: str) -> dict:
    begin, begin_utc, offset = _offset_time(item, "BeginDate")
    created, created_utc, _ = _offset_time(item, "CreationDate")
    return {
        "begin_date": begin,
        "begin_date_utc": begin_utc,
        "utc_offset_minutes": offset,
        "creation_date": created,
        "creation_date_utc": created_utc,
        "load_mw": _json_number(item, "LoadMw"),
        "net_load_mw": _json_number(item, "NetLoadMw", required=False),
    }


def _location_values(item: dict, dataset: str) -> dict:
    if item.get("LocationID") in (None, ""):
        raise RowError("missing field 'LocationID'")
    try:
        location_id = int(item["LocationID"])
    except (TypeError, ValueError):
        raise RowError(f"non-integer LocationID {item['LocationID']!r}") from None
    return {
        "location_id": str(location_id),
        "location_type": item.get("LocationType"),
        "location_name": item.get("LocationName"),
        "area_type": item.get("AreaType"),
    }


ISONE_WS_HOURLY_LOAD = SourceFormat(
    name="isone_ws_hourly_load",
    name_hint=r"(hourlysysload|realtimehourlydemand)",
    iso="ISONE",
    description="ISO-NE web services hourly system load and real-time hourly zonal demand",
    columns=(
        ("dataset", "VARCHAR"),
        ("begin_date", "VARCHAR"),
        ("begin_date_utc", "TIMESTAMP"),
        ("utc_offset_minutes", "INTEGER"),
        ("location_id", "VARCHAR"),
        ("location_name", "VARCHAR"),
        ("load_mw", "DOUBLE"),
        ("native_load_mw", "DOUBLE"),
        ("ard_demand_mw", "DOUBLE"),
    ),
    signature=_root("HourlySystemLoads", "HourlyRtDemands"),
    dbt=DbtSource("landing_iso_load", ("stg_iso_load__isone_hourly",)),
    decode=_isone_decoder(
        {
            "HourlySystemLoads": ("HourlySystemLoad", "hourlysysload"),
            "HourlyRtDemands": ("HourlyRtDemand", "realtimehourlydemand"),
        },
        _hourly_load_values,
    ),
)

ISONE_WS_LOAD_FORECAST = SourceFormat(
    name="isone_ws_load_forecast",
    name_hint=r"hourlyloadforecast",
    iso="ISONE",
    description="ISO-NE web services hourly load forecast, every vintage (CreationDate)",
    columns=(
        ("begin_date", "VARCHAR"),
        ("begin_date_utc", "TIMESTAMP"),
        ("utc_offset_minutes", "INTEGER"),
        ("creation_date", "VARCHAR"),
        ("creation_date_utc", "TIMESTAMP"),
        ("load_mw", "DOUBLE"),
        ("net_load_mw", "DOUBLE"),
    ),
    signature=_root("HourlyLoadForecasts"),
    dbt=DbtSource("landing_iso_load", ("stg_iso_load__isone_forecast",)),
    decode=_isone_decoder(
        {"HourlyLoadForecasts": ("HourlyLoadForecast", "hourlyloadforecast")}, _forecast_values
    ),
)

ISONE_WS_LOCATIONS = SourceFormat(
    name="isone_ws_locations",
    name_hint=r"locations",
    iso="ISONE",
    description="ISO-NE web services /locations: hub, load zones and external nodes",
    columns=(
        ("location_id", "VARCHAR"),
        ("location_type", "VARCHAR"),
        ("location_name", "VARCHAR"),
        ("area_type", "VARCHAR"),
    ),
    signature=_root("Locations"),
    dbt=DbtSource("landing_iso_load", ("stg_iso_load__isone_locations",)),
    decode=_isone_decoder({"Locations": ("Location", "locations")}, _location_values),
)

LOAD_FORMATS = (ISONE_WS_HOURLY_LOAD, ISONE_WS_LOAD_FORECAST, ISONE_WS_LOCATIONS)
