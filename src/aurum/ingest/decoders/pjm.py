"""PJM Data Miner 2 LMP exports (`da_hrl_lmps`, `rt_hrl_lmps`, `rt_fivemin_hrl_lmps`).

All three feeds share one CSV layout; only the price columns carry a `_da` or
`_rt` suffix, which is dropped here so the landing table has one shape. The feed
is named by the file (as it is by the API path). Timestamps are interval-beginning
in both UTC and EPT, `M/D/YYYY h:mm:ss AM`; both are kept as published.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aurum.ingest.formats import SourceFormat, lmp_aliases
from aurum.ingest.records import (
    Decoded,
    Rejection,
    RowError,
    decode_csv_rows,
    parse_datetime,
    parse_int,
    parse_number,
)

FEED_PATTERN = r"(da_hrl_lmps|rt_fivemin_hrl_lmps|rt_hrl_lmps)"
TIME_FORMATS = ("%m/%d/%Y %I:%M:%S %p",)
BOOLEANS = {"true": True, "false": False}


def _header(suffix: str) -> list[str]:
    return [
        "datetime_beginning_utc",
        "datetime_beginning_ept",
        "pnode_id",
        "pnode_name",
        "voltage",
        "equipment",
        "type",
        "zone",
        f"system_energy_price_{suffix}",
        f"total_lmp_{suffix}",
        f"congestion_price_{suffix}",
        f"marginal_loss_price_{suffix}",
        "row_is_current",
        "version_nbr",
    ]


def _boolean(text: str, column: str) -> bool:
    try:
        return BOOLEANS[text.strip().lower()]
    except KeyError:
        raise RowError(f"non-boolean value {text!r} in column {column!r}") from None


def _values(feed: str, fields: list[str]) -> dict:
    return {
        "feed": feed,
        "datetime_beginning_utc": parse_datetime(fields[0], TIME_FORMATS, "datetime_beginning_utc"),
        "datetime_beginning_ept": parse_datetime(fields[1], TIME_FORMATS, "datetime_beginning_ept"),
        "pnode_id": parse_int(fields[2], "pnode_id"),
        "pnode_name": fields[3].strip(),
        "voltage": fields[4].strip() or None,
        "equipment": fields[5].strip() or None,
        "type": fields[6].strip(),
        "zone": fields[7].strip() or None,
        "system_energy_price": parse_number(fields[8], "system_energy_price"),
        "total_lmp": parse_number(fields[9], "total_lmp"),
        "congestion_price": parse_number(fields[10], "congestion_price"),
        "marginal_loss_price": parse_number(fields[11], "marginal_loss_price"),
        "row_is_current": _boolean(fields[12], "row_is_current"),
        "version_nbr": parse_int(fields[13], "version_nbr"),
    }


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    match = re.search(FEED_PATTERN, source_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    if match is None:
        yield Rejection(None, f"cannot tell the PJM feed from the name {source_name!r}", "")
        return
    feed = match.group(1).lower()
    suffix = "da" if feed.startswith("da_") else "rt"
    yield from decode_csv_rows(data, _header(suffix), lambda fields: _values(feed, fields))


DATAMINER_LMP = SourceFormat(
    name="pjm_dataminer_lmp",
    iso="PJM",
    description="PJM Data Miner 2 LMP CSV: DA hourly, RT hourly and RT 5-minute feeds",
    columns=(
        ("feed", "VARCHAR"),
        ("datetime_beginning_utc", "TIMESTAMP"),
        ("datetime_beginning_ept", "TIMESTAMP"),
        ("pnode_id", "BIGINT"),
        ("pnode_name", "VARCHAR"),
        ("voltage", "VARCHAR"),
        ("equipment", "VARCHAR"),
        ("type", "VARCHAR"),
        ("zone", "VARCHAR"),
        ("system_energy_price", "DOUBLE"),
        ("total_lmp", "DOUBLE"),
        ("congestion_price", "DOUBLE"),
        ("marginal_loss_price", "DOUBLE"),
        ("row_is_current", "BOOLEAN"),
        ("version_nbr", "INTEGER"),
    ),
    filename=FEED_PATTERN + r".*\.csv$",
    decode=decode,
    aliases=lmp_aliases(
        "PJM",
        location_id="pnode_id",
        location_name="pnode_name",
        location_type="type",
        market="feed",
    ),
)

FORMATS = (DATAMINER_LMP,)
