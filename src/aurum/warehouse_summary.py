"""`aurum-summary`: what the warehouse holds — rows per ISO and market, UTC range,
locations missing from the registry and rows the decoders rejected."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from aurum.settings import Settings


def _table(headers: list[str], rows: list[tuple]) -> str:
    cells = [headers, *[["" if v is None else str(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join("  " + line for line in lines)


def summarise(conn: duckdb.DuckDBPyConnection) -> str:
    per_market = conn.execute(
        """
        select iso_code, market, count(*) as rows, count(distinct location_id) as locations,
               min(interval_start_utc) as first_start_utc, max(interval_end_utc) as last_end_utc
        from market.fct_lmp group by all order by iso_code, market
        """
    ).fetchall()
    counts = conn.execute(
        "select count(*), count(*) filter (where is_registered) from market.fct_lmp"
    ).fetchone()
    assert counts is not None  # an aggregate always returns one row
    total, registered = counts
    unregistered = conn.execute(
        """
        select iso_code, location_id, location_name, interval_rows, markets
        from ops.ops_unregistered_locations order by iso_code, location_id
        """
    ).fetchall()
    rejected = conn.execute(
        """
        select source_format, count(*) as rejected, min(reason) as example_reason
        from ops.ops_ingest_rejections group by all order by source_format
        """
    ).fetchall()

    reference = conn.execute(
        """
        select 'FX daily (int_fx__daily_rates)', count(*), min(rate_date), max(rate_date),
               count(distinct currency) || ' currencies, '
               || count(*) filter (where is_filled) || ' filled days'
        from intermediate.int_fx__daily_rates
        union all
        select 'CPI monthly (int_cpi__monthly_index)', count(*), min(month_start),
               max(month_start), 'rebased to ' || min(base_month)
        from intermediate.int_cpi__monthly_index
        union all
        select 'Fuel daily (int_fuel__daily_prices)', count(*), min(price_date), max(price_date),
               string_agg(distinct series_id || ' ' || currency || '/' || unit, ', ')
        from intermediate.int_fuel__daily_prices
        union all
        select 'Carbon auctions (int_carbon__allowance_prices)', count(*), min(auction_date),
               max(auction_date), string_agg(distinct program, ', ')
        from intermediate.int_carbon__allowance_prices
        """
    ).fetchall()

    out = [
        "LMP rows per ISO and market (market.fct_lmp)",
        _table(
            ["iso", "market", "rows", "locations", "first start (UTC)", "last end (UTC)"],
            per_market,
        ),
        "",
        f"{total} rows in all; {registered} matched the location registry.",
        f"Unmatched locations (ops.ops_unregistered_locations): {len(unregistered)}",
    ]
    if unregistered:
        out.append(_table(["iso", "location_id", "name", "rows", "markets"], unregistered[:20]))
        if len(unregistered) > 20:
            out.append(f"  … and {len(unregistered) - 20} more")
    out.append(f"Rejected source rows (ops.ops_ingest_rejections): {sum(r[1] for r in rejected)}")
    out += ["", "Reference data", _table(["model", "rows", "from", "to", "notes"], reference)]
    if rejected:
        out.append(_table(["format", "rejected", "example reason"], rejected))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aurum-summary", description=__doc__)
    parser.add_argument("--database", type=Path, help="DuckDB file (default: AURUM_DUCKDB_PATH)")
    args = parser.parse_args(argv)
    database = args.database or Settings().duckdb_path
    with duckdb.connect(str(database), read_only=True) as conn:
        print(summarise(conn))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
