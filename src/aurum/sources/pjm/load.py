"""PJM Data Miner 2 `hrl_load_metered`: hourly metered load per load area.

Interval-beginning hours in UTC and EPT (`M/D/YYYY h:mm:ss AM`), one row per load area,
`mw`, `is_verified` True/False. Recognised by its header.
"""

from __future__ import annotations

from collections.abc import Iterator

from aurum.sources.core.formats import DbtSource, SourceFormat
from aurum.sources.core.records import (
    Decoded,
    RowError,
    decode_csv_rows,
    parse_datetime,
    parse_number,
)
from aurum.sources.core.signatures import CsvHeader

PJM_HEADER = (
    "datetime_beginning_utc",
    "datetime_beginning_ept",
    "nerc_region",
    "mkt_region",
    "zone",
    "load_area",
    "mw",
    "is_verified",
)
PJM_TIME = ("%m/%d/%Y %I:%M:%S %p",)
BOOLEANS = {"true": True, "false": False}


def _boolean(text: str, column: str) -> bool:
    try:
        return BOOLEANS[text.strip().lower()]
    except KeyError:
        raise RowError(f"non-boolean value {text!r} in column {column!r}") from None


def _pjm_values(fields: list[str]) -> dict:
    return {
        "datetime_beginning_utc": parse_datetime(fields[0], PJM_TIME, "datetime_beginning_utc"),
        "datetime_beginning_ept": parse_datetime(fields[1], PJM_TIME, "datetime_beginning_ept"),
        "nerc_region": fields[2].strip() or None,
        "mkt_region": fields[3].strip() or None,
        "zone": fields[4].strip() or None,
        "load_area": fields[5].strip(),
        "mw": parse_number(fields[6], "mw"),
        "is_verified": _boolean(fields[7], "is_verified"),
    }


def decode_pjm(data: bytes, source_name: str) -> Iterator[Decoded]:
    yield from decode_csv_rows(data, PJM_HEADER, _pjm_values)


PJM_HRL_LOAD_METERED = SourceFormat(
    name="pjm_hrl_load_metered",
    name_hint=r"hrl_load_metered",
    iso="PJM",
    description="PJM Data Miner hrl_load_metered: hourly metered load per load area",
    columns=(
        ("datetime_beginning_utc", "TIMESTAMP"),
        ("datetime_beginning_ept", "TIMESTAMP"),
        ("nerc_region", "VARCHAR"),
        ("mkt_region", "VARCHAR"),
        ("zone", "VARCHAR"),
        ("load_area", "VARCHAR"),
        ("mw", "DOUBLE"),
        ("is_verified", "BOOLEAN"),
    ),
    signature=CsvHeader(PJM_HEADER),
    decode=decode_pjm,
    dbt=DbtSource("landing_iso_load", ("stg_iso_load__pjm_metered",)),
)
