"""CO2 allowance auction results (RGGI quarterly auctions, California-Québec joint auctions).

The sample is a compilation CSV committed in a public repository (see
sample_data/MANIFEST.md), one row per auction with per-row provenance:

    program,year,quarter,auction_date,auction_number,clearing_price,price_unit,
    allowances_sold,allowances_offered,source_doc,source_page

`price_unit` carries the unit explicitly: `usd_per_short_ton` (RGGI allowances are
short tons of CO2) or `usd_per_tonne` (WCI allowances are metric tons of CO2e). The
decoder keeps the unit as published and only checks it is one of those two, because
a price without a known unit is unusable; dbt converts (1 short ton = 0.90718474 t).
`auction_date` and `auction_number` are blank on some rows; integers are written
as `22.0` and land as integers when they are whole.
"""

from __future__ import annotations

from collections.abc import Iterator

from aurum.sources.core.formats import DbtSource, SourceFormat
from aurum.sources.core.records import (
    Decoded,
    RowError,
    decode_csv_rows,
    parse_date,
    parse_int,
    parse_number,
)
from aurum.sources.core.signatures import CsvHeader

HEADER = (
    "program",
    "year",
    "quarter",
    "auction_date",
    "auction_number",
    "clearing_price",
    "price_unit",
    "allowances_sold",
    "allowances_offered",
    "source_doc",
    "source_page",
)
PRICE_UNITS = frozenset({"usd_per_short_ton", "usd_per_tonne"})
PROGRAMS = frozenset({"RGGI", "CARB", "WCI"})


def _whole(text: str, column: str) -> int | None:
    value = parse_number(text, column, allow_missing=True)
    if value is None:
        return None
    if not value.is_integer():
        raise RowError(f"non-integer value {text!r} in column {column!r}")
    return int(value)


def _values(fields: list[str]) -> dict:
    program = fields[0].strip().upper()
    if program not in PROGRAMS:
        raise RowError(f"unknown program {fields[0]!r}; expected one of {sorted(PROGRAMS)}")
    quarter = parse_int(fields[2], "quarter")
    if not 1 <= quarter <= 4:
        raise RowError(f"quarter {fields[2]!r} is not 1-4")
    unit = fields[6].strip()
    if unit not in PRICE_UNITS:
        raise RowError(f"unknown price_unit {unit!r}; expected one of {sorted(PRICE_UNITS)}")
    date_text = fields[3].strip()
    return {
        "program": program,
        "auction_year": parse_int(fields[1], "year"),
        "auction_quarter": quarter,
        "auction_date": parse_date(date_text, ("%Y-%m-%d",), "auction_date") if date_text else None,
        "auction_number": _whole(fields[4], "auction_number"),
        "clearing_price": parse_number(fields[5], "clearing_price"),
        "price_unit": unit,
        "allowances_sold": _whole(fields[7], "allowances_sold"),
        "allowances_offered": _whole(fields[8], "allowances_offered"),
        "source_doc": fields[9].strip() or None,
        "source_page": fields[10].strip() or None,
    }


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    yield from decode_csv_rows(data, HEADER, _values)


AUCTION_RESULTS = SourceFormat(
    name="carbon_auction_results",
    name_hint=r"carbon-auction-results",
    iso="CARBON",
    description="CO2 allowance auction clearing prices (RGGI $/short ton, CA-QC $/tonne)",
    columns=(
        ("program", "VARCHAR"),
        ("auction_year", "INTEGER"),
        ("auction_quarter", "INTEGER"),
        ("auction_date", "DATE"),
        ("auction_number", "INTEGER"),
        ("clearing_price", "DOUBLE"),
        ("price_unit", "VARCHAR"),
        ("allowances_sold", "BIGINT"),
        ("allowances_offered", "BIGINT"),
        ("source_doc", "VARCHAR"),
        ("source_page", "VARCHAR"),
    ),
    signature=CsvHeader(HEADER),
    decode=decode,
    dbt=DbtSource("landing_carbon", ("stg_carbon__auction_results",)),
    accepted={"price_unit": "carbon_price_unit"},
)

FORMATS = (AUCTION_RESULTS,)
