"""PJM Data Miner 2 LMP exports (`da_hrl_lmps`, `rt_hrl_lmps`, `rt_fivemin_hrl_lmps`).

All three feeds share one CSV layout; only the price columns carry a `_da` or
`_rt` suffix, which is dropped here so the landing table has one shape. The feed is
read from the content: `_da` columns are the day-ahead feed; `_rt` columns are the
5-minute feed when a stamp falls off the hour or two stamps of a pnode are less than
an hour apart, the hourly feed when they are an hour apart. Only a real-time file with
one on-the-hour stamp per pnode cannot tell; then the file name decides
(`rt_fivemin_hrl_lmps` / `rt_hrl_lmps`), or the file is refused. Timestamps are
interval-beginning in both UTC and EPT, `M/D/YYYY h:mm:ss AM`; both are kept as
published.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aurum.sources.core.cadence import sub_hourly
from aurum.sources.core.formats import DbtSource, SourceFormat, lmp_aliases
from aurum.sources.core.records import (
    Decoded,
    Record,
    Rejection,
    RowError,
    decode_csv_with_layout,
    parse_datetime,
    parse_int,
    parse_number,
)
from aurum.sources.core.signatures import CsvHeader
from aurum.sources.pjm.load import PJM_HRL_LOAD_METERED

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


def _values(fields: list[str]) -> dict:
    return {
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


def _suffix(header: list[str]) -> str:
    names = [h.strip() for h in header]
    for suffix in ("da", "rt"):
        if names == _header(suffix):
            return suffix
    raise RowError(f"unexpected header {names!r}; expected {_header('da')!r} or the _rt columns")


def _rt_feed(records: list[Record], source_name: str) -> str:
    """rt_fivemin_hrl_lmps or rt_hrl_lmps from the stamps, else from the name."""
    stamps = [(r.values["pnode_id"], r.values["datetime_beginning_utc"]) for r in records]
    fivemin = sub_hourly(stamps)
    if fivemin is None:
        hinted = re.search(FEED_PATTERN, source_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
        if hinted is None or hinted.group(1).lower() == "da_hrl_lmps":
            raise RowError(
                "cannot tell the 5-minute from the hourly real-time feed: every pnode has one "
                "stamp on the hour; name the file rt_fivemin_hrl_lmps… or rt_hrl_lmps…"
            )
        return hinted.group(1).lower()
    return "rt_fivemin_hrl_lmps" if fivemin else "rt_hrl_lmps"


def decode(data: bytes, source_name: str) -> Iterator[Decoded]:
    layout: dict[str, str] = {}

    def parse_header(header: list[str]) -> None:
        layout["suffix"] = _suffix(header)

    items = list(decode_csv_with_layout(data, parse_header, lambda fields, _: _values(fields)))
    records = [i for i in items if isinstance(i, Record)]
    try:
        if not records:
            feed = None
        elif layout["suffix"] == "da":
            feed = "da_hrl_lmps"
        else:
            feed = _rt_feed(records, source_name)
    except RowError as exc:
        yield Rejection(None, str(exc), "")
        return
    for item in items:
        if isinstance(item, Record):
            item.values["feed"] = feed
        yield item


PJM_HEADERS = CsvHeader(_header("da"), _header("rt"))


DATAMINER_LMP = SourceFormat(
    name="pjm_dataminer_lmp",
    name_hint=r"(da_hrl_lmps|rt_fivemin_hrl_lmps|rt_hrl_lmps)",
    iso="PJM",
    description="PJM Data Miner 2 LMP CSV: DA hourly, RT hourly and RT 5-minute feeds",
    columns=(
        (
            "feed",
            "VARCHAR",
            "da_hrl_lmps, rt_hrl_lmps or rt_fivemin_hrl_lmps, from the file/API name.",
        ),
        ("datetime_beginning_utc", "TIMESTAMP", "Interval beginning, UTC."),
        (
            "datetime_beginning_ept",
            "TIMESTAMP",
            "Interval beginning, Eastern Prevailing Time; repeats in the fall-back hour.",
        ),
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
    signature=PJM_HEADERS,
    decode=decode,
    dbt=DbtSource("landing_pjm", ("stg_pjm__lmp",)),
    aliases=lmp_aliases(
        "PJM",
        location_id="pnode_id",
        location_name="pnode_name",
        location_type="type",
        market="feed",
    ),
)

FORMATS = (DATAMINER_LMP, PJM_HRL_LOAD_METERED)
