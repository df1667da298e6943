"""ERCOT settlement point prices and SCED LMPs: MIS archive CSVs and the public API.

MIS documents are served as `*_csv.zip` holding one CSV; both the zip and the bare
CSV are accepted, and either is recognised by the CSV's header. Times are Central Prevailing Time as published; `DSTFlag` /
`RepeatedHourFlag` (`Y`/`N`) marks the repeated fall-back hour and is landed as a
boolean. Prices are kept as published (the DAM price has a leading space, SCED
LMPs are right-justified). Time zones are left to dbt.

The public API (`/api/public-reports/np6-905-cd/spp_node_zone_hub` for the real-time
prices, `/np4-190-cd/dam_stlmnt_pnt_prices` for the day-ahead ones) returns `data` as
arrays whose column order is given by `fields`; positions are read from there, and the
fields tell the two reports apart (`hourEnding` vs `deliveryHour`/`deliveryInterval`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from aurum.sources.core.archives import is_zip, single_member
from aurum.sources.core.documents import load_json
from aurum.sources.core.formats import DbtSource, SourceFormat, lmp_aliases
from aurum.sources.core.records import (
    PREVIEW_CHARS,
    Decoded,
    Record,
    Rejection,
    RowError,
    decode_csv_rows,
    decode_text,
    parse_date,
    parse_datetime,
    parse_int,
    parse_number,
)
from aurum.sources.core.signatures import AnyOf, CsvHeader, JsonShape, ZipOf

DATE_FORMATS = ("%m/%d/%Y",)
API_DATE_FORMATS = ("%Y-%m-%d",)
SCED_TIME_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")
FLAGS = {"Y": True, "N": False}

DAM_HEADER = ["DeliveryDate", "HourEnding", "SettlementPoint", "SettlementPointPrice", "DSTFlag"]
RT_HEADER = [
    "DeliveryDate",
    "DeliveryHour",
    "DeliveryInterval",
    "SettlementPointName",
    "SettlementPointType",
    "SettlementPointPrice",
    "DSTFlag",
]
SCED_HEADER = ["SCEDTimestamp", "RepeatedHourFlag", "SettlementPoint", "LMP"]
API_DAM_FIELDS = (
    "deliveryDate",
    "hourEnding",
    "settlementPoint",
    "settlementPointPrice",
    "DSTFlag",
)
API_FIELDS = (
    "deliveryDate",
    "deliveryHour",
    "deliveryInterval",
    "settlementPoint",
    "settlementPointType",
    "settlementPointPrice",
    "DSTFlag",
)


def _flag(text: str, column: str) -> bool:
    try:
        return FLAGS[text.strip().upper()]
    except KeyError:
        raise RowError(f"non-Y/N value {text!r} in column {column!r}") from None


def _required(text: str, column: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise RowError(f"missing value in column {column!r}")
    return cleaned


def _bounded(value: int, low: int, high: int, column: str) -> int:
    if not low <= value <= high:
        raise RowError(f"value {value} out of range {low}..{high} in column {column!r}")
    return value


def _hour_ending(text: str) -> int:
    """`01:00`..`24:00` -> 1..24."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or minutes != "00":
        raise RowError(f"unparseable hour ending {text!r} in column 'HourEnding'")
    return _bounded(parse_int(hours, "HourEnding"), 1, 24, "HourEnding")


def _unwrap(data: bytes) -> bytes:
    """The one CSV inside an ERCOT `*_csv.zip`, or the bytes themselves for a bare CSV."""
    if not is_zip(data):
        return data
    return single_member(data, ".csv")[1]


def _csv_decoder(header: list[str], row_to_values: Callable[[list[str]], dict]):
    def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
        try:
            inner = _unwrap(data)
        except RowError as exc:
            yield Rejection(None, str(exc), "")
            return
        yield from decode_csv_rows(inner, header, row_to_values)

    return decode


def _dam_values(fields: list[str]) -> dict:
    return {
        "delivery_date": parse_date(fields[0], DATE_FORMATS, "DeliveryDate"),
        "hour_ending": _hour_ending(fields[1]),
        "settlement_point": _required(fields[2], "SettlementPoint"),
        "settlement_point_price": parse_number(fields[3], "SettlementPointPrice"),
        "dst_flag": _flag(fields[4], "DSTFlag"),
    }


def _rt_values(fields: list[str]) -> dict:
    return {
        "delivery_date": parse_date(fields[0], DATE_FORMATS, "DeliveryDate"),
        "delivery_hour": _bounded(parse_int(fields[1], "DeliveryHour"), 1, 24, "DeliveryHour"),
        "delivery_interval": _bounded(
            parse_int(fields[2], "DeliveryInterval"), 1, 4, "DeliveryInterval"
        ),
        "settlement_point_name": _required(fields[3], "SettlementPointName"),
        "settlement_point_type": _required(fields[4], "SettlementPointType"),
        "settlement_point_price": parse_number(fields[5], "SettlementPointPrice"),
        "dst_flag": _flag(fields[6], "DSTFlag"),
    }


def _sced_values(fields: list[str]) -> dict:
    return {
        "sced_timestamp": parse_datetime(fields[0], SCED_TIME_FORMATS, "SCEDTimestamp"),
        "repeated_hour_flag": _flag(fields[1], "RepeatedHourFlag"),
        "settlement_point": _required(fields[2], "SettlementPoint"),
        "lmp": parse_number(fields[3], "LMP"),
    }


def _json_number(value, column: str) -> float:
    if isinstance(value, bool) or value is None:
        raise RowError(f"non-numeric value {value!r} in column {column!r}")
    if isinstance(value, int | float):
        return float(value)
    return parse_number(str(value), column)


def _json_int(value, column: str) -> int:
    if isinstance(value, bool):
        raise RowError(f"non-integer value {value!r} in column {column!r}")
    if isinstance(value, int):
        return value
    return parse_int(str(value), column)


def _json_flag(value, column: str) -> bool:
    if isinstance(value, bool):
        return value
    return _flag(str(value), column)


def _api_values(row: list, position: dict[str, int]) -> dict:
    def get(name: str):
        return row[position[name]]

    return {
        "delivery_date": parse_date(str(get("deliveryDate")), API_DATE_FORMATS, "deliveryDate"),
        "delivery_hour": _bounded(
            _json_int(get("deliveryHour"), "deliveryHour"), 1, 24, "deliveryHour"
        ),
        "delivery_interval": _bounded(
            _json_int(get("deliveryInterval"), "deliveryInterval"), 1, 4, "deliveryInterval"
        ),
        "settlement_point": _required(str(get("settlementPoint") or ""), "settlementPoint"),
        "settlement_point_type": _required(
            str(get("settlementPointType") or ""), "settlementPointType"
        ),
        "settlement_point_price": _json_number(get("settlementPointPrice"), "settlementPointPrice"),
        "dst_flag": _json_flag(get("DSTFlag"), "DSTFlag"),
    }


def _api_decoder(api_fields: tuple[str, ...], to_values: Callable[[list, dict[str, int]], dict]):
    """A public-API report: `data` rows whose column order is given by `fields`."""

    def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
        try:
            document = load_json(data)
        except RowError as exc:
            yield Rejection(None, f"not a JSON document: {exc}", decode_text(data[:PREVIEW_CHARS]))
            return
        if not isinstance(document, dict) or not isinstance(document.get("data"), list):
            yield Rejection(None, "expected an object with a 'data' array", str(document)[:2000])
            return
        fields = document.get("fields")
        names = (
            [f.get("name") if isinstance(f, dict) else None for f in fields]
            if isinstance(fields, list)
            else []
        )
        missing = [name for name in api_fields if name not in names]
        if missing:
            yield Rejection(None, f"'fields' lacks {missing!r}; got {names!r}", json.dumps(fields))
            return
        position = {name: names.index(name) for name in api_fields}
        for number, row in enumerate(document["data"], start=1):
            payload = json.dumps(row)
            if not isinstance(row, list) or len(row) != len(names):
                yield Rejection(number, f"expected a list of {len(names)} values", payload)
                continue
            try:
                yield Record(number, to_values(row, position))
            except RowError as exc:
                yield Rejection(number, str(exc), payload)

    return decode


decode_api_rt_spp = _api_decoder(API_FIELDS, _api_values)


def _api_dam_values(row: list, position: dict[str, int]) -> dict:
    def get(name: str):
        return row[position[name]]

    return {
        "delivery_date": parse_date(str(get("deliveryDate")), API_DATE_FORMATS, "deliveryDate"),
        "hour_ending": _hour_ending(str(get("hourEnding"))),
        "settlement_point": _required(str(get("settlementPoint") or ""), "settlementPoint"),
        "settlement_point_price": _json_number(get("settlementPointPrice"), "settlementPointPrice"),
        "dst_flag": _json_flag(get("DSTFlag"), "DSTFlag"),
    }


decode_api_dam_spp = _api_decoder(API_DAM_FIELDS, _api_dam_values)


def _csv_or_zip(header: list[str]) -> AnyOf:
    return AnyOf(CsvHeader(header), ZipOf(CsvHeader(header)))


def _field_names(document: object) -> list:
    fields = document.get("fields") if isinstance(document, dict) else None
    return (
        [f.get("name") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    )


def _api_fields(names: tuple[str, ...]) -> JsonShape:
    """A public-API report whose `fields` include `names` (each report has its own)."""
    return JsonShape(
        lambda d: isinstance(d.get("data"), list) and set(names) <= set(_field_names(d)),
        f"a JSON object with 'data' and 'fields' named {list(names)!r}",
    )


DAM_SPP = SourceFormat(
    name="ercot_dam_spp",
    name_hint=r"DAMSPNP4190",
    iso="ERCOT",
    description="ERCOT NP4-190-CD DAM Settlement Point Prices (hourly), CSV or *_csv.zip",
    columns=(
        ("delivery_date", "DATE"),
        ("hour_ending", "INTEGER", "HourEnding 01:00..24:00 as 1..24 (Central Prevailing Time)."),
        ("settlement_point", "VARCHAR"),
        ("settlement_point_price", "DOUBLE"),
        (
            "dst_flag",
            "BOOLEAN",
            "DSTFlag = Y, the repeated (second, standard-time) hour of the fall-back day.",
        ),
    ),
    signature=_csv_or_zip(DAM_HEADER),
    decode=_csv_decoder(DAM_HEADER, _dam_values),
    dbt=DbtSource("landing_ercot", ("stg_ercot__dam_spp",)),
    aliases=lmp_aliases(
        "ERCOT",
        location_id="settlement_point",
        location_name="settlement_point",
        market="=NP4-190-CD",
        interval_seconds=3600,
    ),
)

RT_SPP = SourceFormat(
    name="ercot_rt_spp",
    name_hint=r"SPPHLZNP6905",
    iso="ERCOT",
    description="ERCOT NP6-905-CD RT Settlement Point Prices (15-minute), CSV or *_csv.zip",
    columns=(
        ("delivery_date", "DATE"),
        ("delivery_hour", "INTEGER", "Hour ending 1..24, Central Prevailing Time."),
        ("delivery_interval", "INTEGER", "15-minute interval 1..4 within the hour."),
        ("settlement_point_name", "VARCHAR"),
        (
            "settlement_point_type",
            "VARCHAR",
            "RN, PCCRN, LCCRN, PUN, LZ, LZEW, LZ_DC, HU, SH, AH ...",
        ),
        ("settlement_point_price", "DOUBLE"),
        ("dst_flag", "BOOLEAN"),
    ),
    signature=_csv_or_zip(RT_HEADER),
    decode=_csv_decoder(RT_HEADER, _rt_values),
    dbt=DbtSource("landing_ercot", ("stg_ercot__rt_spp",)),
    aliases=lmp_aliases(
        "ERCOT",
        location_id="settlement_point_name",
        location_name="settlement_point_name",
        location_type="settlement_point_type",
        market="=NP6-905-CD",
        interval_seconds=900,
    ),
)

SCED_LMP = SourceFormat(
    name="ercot_sced_lmp",
    name_hint=r"LMPSROSNODENP6788",
    iso="ERCOT",
    description="ERCOT NP6-788-CD LMPs by Resource Nodes, Load Zones and Trading Hubs (SCED)",
    columns=(
        ("sced_timestamp", "TIMESTAMP", "SCED run time, Central Prevailing Time."),
        ("repeated_hour_flag", "BOOLEAN"),
        ("settlement_point", "VARCHAR"),
        ("lmp", "DOUBLE"),
    ),
    signature=_csv_or_zip(SCED_HEADER),
    decode=_csv_decoder(SCED_HEADER, _sced_values),
    dbt=DbtSource("landing_ercot", ("stg_ercot__sced_lmp",)),
    aliases=lmp_aliases(
        "ERCOT",
        location_id="settlement_point",
        location_name="settlement_point",
        market="=NP6-788-CD",
        interval_seconds=300,
    ),
)

API_RT_SPP = SourceFormat(
    name="ercot_api_rt_spp",
    name_hint=r"spp_node_zone_hub",
    iso="ERCOT",
    description="ERCOT public API np6-905-cd/spp_node_zone_hub JSON (15-minute RT SPPs)",
    columns=(
        ("delivery_date", "DATE"),
        ("delivery_hour", "INTEGER"),
        ("delivery_interval", "INTEGER"),
        ("settlement_point", "VARCHAR"),
        ("settlement_point_type", "VARCHAR"),
        ("settlement_point_price", "DOUBLE"),
        ("dst_flag", "BOOLEAN"),
    ),
    signature=_api_fields(API_FIELDS),
    decode=decode_api_rt_spp,
    dbt=DbtSource("landing_ercot", ("stg_ercot__api_rt_spp",)),
    aliases=lmp_aliases(
        "ERCOT",
        location_id="settlement_point",
        location_name="settlement_point",
        location_type="settlement_point_type",
        market="=NP6-905-CD",
        interval_seconds=900,
    ),
)

API_DAM_SPP = SourceFormat(
    name="ercot_api_dam_spp",
    name_hint=r"dam_stlmnt_pnt_prices",
    iso="ERCOT",
    description="ERCOT public API np4-190-cd/dam_stlmnt_pnt_prices JSON (hourly DAM SPPs)",
    columns=(
        ("delivery_date", "DATE"),
        ("hour_ending", "INTEGER", "`hourEnding` 01:00..24:00 as 1..24 (hour ending, CPT)."),
        ("settlement_point", "VARCHAR"),
        ("settlement_point_price", "DOUBLE"),
        ("dst_flag", "BOOLEAN", "`DSTFlag`: true for the repeated fall-back hour."),
    ),
    signature=_api_fields(API_DAM_FIELDS),
    decode=decode_api_dam_spp,
    dbt=DbtSource("landing_ercot", ("stg_ercot__api_dam_spp",)),
    aliases=lmp_aliases(
        "ERCOT",
        location_id="settlement_point",
        location_name="settlement_point",
        market="=NP4-190-CD",
        interval_seconds=3600,
    ),
)

FORMATS = (DAM_SPP, RT_SPP, SCED_LMP, API_RT_SPP, API_DAM_SPP)
