"""great-expectations suites for what dbt tests express poorly, run by one checkpoint.

Runs in the reports environment (envs/reports/, `python -m aurum.quality.expectations`);
imports nothing from aurum that needs the project's own environment.

Why pandas batches: great-expectations' SQL datasource over duckdb-engine loses its
results once the connection closes, and every expectation then fails with IndexError
in resolve_metric_bundle (upstream issues 10738 and 11579). So DuckDB computes each
dataset (plain SQL, read-only connection), writes it to Parquet in the work folder, and
great-expectations validates those files through its pandas filesystem datasource: the
engine that computes is DuckDB, the engine that checks is pandas, and one checkpoint
validates everything and updates Data Docs.

Datasets and what they check (docs/data-quality.md):
  fct_lmp            per-ISO price bounds (the market_price_limits seed); the identity
                     lmp = energy + congestion + loss where all three are published;
                     interval_seconds per market
  lmp_market_days    one row per ISO, market, location and local market day: the
                     intervals tile the day (no gap, no overlap, every second covered)
  lmp_completeness   one row per ISO, market and market day: every registered location
                     the market priced the day before is priced again (days inside
                     the batch: its first and last day may be cut by the fetch window)
  landing.<table>    the LMP landing tables keep the columns their dbt sources declare

Each row carries `row_key`, so a failed expectation names the offending rows.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

SUITE_PREFIX = "aurum"
ROW_KEY = "row_key"
# The interval lengths each market publishes (seconds). ERCOT's SCED runs are event-driven
# and their length varies, so that market is checked for a plausible range instead.
MARKET_INTERVAL_SECONDS = {
    "day_ahead_hourly": 3600,
    "real_time_hourly": 3600,
    "real_time_15min": 900,
    "real_time_5min": 300,
    "real_time_commitment_15min": 900,
}
# NYISO's real-time dispatch publishes some intervals shorter than 5 minutes (a run that
# comes early); the distribution must still be dominated by the nominal length.
NOMINAL_SHARE = 0.9
SCED_INTERVAL_RANGE = (1, 3600)
IDENTITY_TOLERANCE = 0.011  # the fct_lmp dbt test's: published components are rounded to cents


@dataclass
class Dataset:
    name: str
    sql: str
    expectations: list = field(default_factory=list)


# Each ISO's market clock: a market day runs from local midnight to local midnight there
# (MISO trades in EST all year; the others follow daylight saving time).
MARKET_TIMEZONES = {
    "CAISO": "America/Los_Angeles",
    "ERCOT": "America/Chicago",
    "ISONE": "America/New_York",
    "MISO": "Etc/GMT+5",
    "NYISO": "America/New_York",
    "PJM": "America/New_York",
    "SPP": "America/Chicago",
}


def _market_day_sql() -> str:
    """One row per ISO, market, location and market day, with how the intervals cover it.

    A batch's first and last market day of an ISO-market may be cut by the window it was
    fetched for, so only days between them (`interior`) must be covered whole.
    """
    clocks = " union all ".join(
        f"select '{iso}' as iso_code, '{tz}' as market_tz" for iso, tz in MARKET_TIMEZONES.items()
    )
    return f"""
with clocks as ({clocks}),
intervals as (
    select
        f.iso_code, f.market, f.location_id, f.interval_start_utc, f.interval_end_utc,
        f.interval_seconds, c.market_tz,
        cast(timezone(c.market_tz, f.interval_start_utc at time zone 'UTC') as date) as market_day
    from market.fct_lmp as f
    join clocks as c using (iso_code)
),
ordered as (
    select
        *,
        lag(interval_end_utc) over (
            partition by iso_code, market, location_id, market_day order by interval_start_utc
        ) as previous_end
    from intervals
),
days as (
    select
        iso_code, market, location_id, market_day, any_value(market_tz) as market_tz,
        count(*) as intervals,
        sum(interval_seconds) as covered_seconds,
        count(*) filter (where interval_start_utc < previous_end) as overlap_count,
        count(*) filter (where interval_start_utc > previous_end) as gap_count,
        min(interval_start_utc) as first_start,
        max(interval_end_utc) as last_end
    from ordered
    group by all
)
select
    iso_code || '/' || market || '/' || location_id || '/' || market_day as row_key,
    iso_code, market, location_id, market_day, intervals, covered_seconds, overlap_count,
    gap_count,
    market_day > min(market_day) over (partition by iso_code, market)
        and market_day < max(market_day) over (partition by iso_code, market) as interior,
    cast(epoch(timezone(market_tz, (market_day + 1)::timestamp))
         - epoch(timezone(market_tz, market_day::timestamp)) as bigint) as day_seconds,
    first_start = timezone(market_tz, market_day::timestamp) at time zone 'UTC'
        as starts_at_midnight,
    last_end = timezone(market_tz, (market_day + 1)::timestamp) at time zone 'UTC'
        as ends_at_midnight
from days
"""


def datasets(conn: duckdb.DuckDBPyConnection, landing_columns: dict[str, list[str]]) -> list:
    """The datasets and their expectations; price bounds come from the seed in the warehouse."""
    import great_expectations.expectations as gxe

    limits = conn.execute(
        "select iso_code, floor_usd_per_mwh, cap_usd_per_mwh from reference.market_price_limits "
        "where market is null order by iso_code"
    ).fetchall()
    isos = [
        iso for (iso,) in conn.execute("select distinct iso_code from market.fct_lmp").fetchall()
    ]
    bounded = {iso for iso, _, _ in limits}
    missing = sorted(set(isos) - bounded)
    if missing:
        raise SystemExit(f"market_price_limits has no bounds for {missing}")

    fct_lmp = Dataset(
        "fct_lmp",
        f"""
        select
            iso_code || '/' || market || '/' || location_id || '/' || strftime(interval_start_utc, '%Y-%m-%dT%H:%M')
                as {ROW_KEY},
            iso_code, market, location_id, interval_start_utc, interval_seconds,
            lmp, energy, congestion, loss,
            lmp - (energy + congestion + loss) as identity_residual
        from market.fct_lmp
        """,
    )
    for iso, floor, cap in limits:
        fct_lmp.expectations.append(
            gxe.ExpectColumnValuesToBeBetween(
                column="lmp",
                min_value=float(floor),
                max_value=float(cap),
                row_condition=f'iso_code=="{iso}"',
                condition_parser="pandas",
                meta={
                    "notes": f"{iso}: prices stay within the market's offer floor and cap "
                    "(seed market_price_limits)"
                },
            )
        )
    fct_lmp.expectations.append(
        gxe.ExpectColumnValuesToBeBetween(
            column="identity_residual",
            min_value=-IDENTITY_TOLERANCE,
            max_value=IDENTITY_TOLERANCE,
            meta={
                "notes": "lmp = energy + congestion + loss wherever all three are published "
                "(rows missing a component have no residual and are not counted)"
            },
        )
    )
    for market, nominal in MARKET_INTERVAL_SECONDS.items():
        only = {"row_condition": f'market=="{market}"', "condition_parser": "pandas"}
        fct_lmp.expectations += [
            gxe.ExpectColumnMostCommonValueToBeInSet(
                column="interval_seconds",
                value_set=[nominal],
                **only,
                meta={"notes": f"{market}: the usual interval lasts {nominal} s"},
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="interval_seconds",
                min_value=1,
                max_value=nominal,
                **only,
                meta={"notes": f"{market}: no interval is longer than {nominal} s"},
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="interval_seconds",
                value_set=[nominal],
                mostly=NOMINAL_SHARE,
                **only,
                meta={
                    "notes": f"{market}: at least {NOMINAL_SHARE:.0%} of intervals last "
                    f"{nominal} s (real-time dispatch runs early or late)"
                },
            ),
        ]
    fct_lmp.expectations.append(
        gxe.ExpectColumnValuesToBeBetween(
            column="interval_seconds",
            min_value=SCED_INTERVAL_RANGE[0],
            max_value=SCED_INTERVAL_RANGE[1],
            row_condition='market=="real_time_sced"',
            condition_parser="pandas",
            meta={"notes": "real_time_sced: SCED runs are event-driven, between 1 s and an hour"},
        )
    )

    market_days = Dataset("lmp_market_days", _market_day_sql())
    interior = {"row_condition": "interior==True", "condition_parser": "pandas"}
    market_days.expectations += [
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="covered_seconds",
            column_B="day_seconds",
            **interior,
            meta={
                "notes": "inside the batch, the intervals of each ISO-market-day add up to "
                "the market's local day (23, 24 or 25 hours)"
            },
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="starts_at_midnight",
            value_set=[True],
            **interior,
            meta={"notes": "inside the batch, each market day starts at local midnight"},
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="ends_at_midnight",
            value_set=[True],
            **interior,
            meta={"notes": "inside the batch, each market day ends at the next local midnight"},
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="overlap_count",
            value_set=[0],
            meta={"notes": "no interval starts before the previous one ends"},
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="gap_count",
            value_set=[0],
            meta={"notes": "no hole between two consecutive intervals of a day"},
        ),
    ]

    completeness = Dataset(
        "lmp_completeness",
        f"""
        with days as ({_market_day_sql()}),
        registered as (
            select d.iso_code, d.market, d.market_day, d.location_id
            from days as d
            join market.dim_location as l using (iso_code, location_id)
        ),
        expected as (  -- what the registry's locations priced the day before
            select iso_code, market, market_day + 1 as market_day, location_id from registered
        ),
        market_days as (
            select iso_code, market, market_day, bool_or(interior) as interior
            from days group by all
        )
        select
            m.iso_code || '/' || m.market || '/' || m.market_day as {ROW_KEY},
            m.iso_code, m.market, m.market_day, m.interior,
            count(e.location_id) as expected_locations,
            count(e.location_id) filter (where r.location_id is null) as missing_locations
        from market_days as m
        left join expected as e using (iso_code, market, market_day)
        left join registered as r using (iso_code, market, market_day, location_id)
        group by all
        """,
        [
            gxe.ExpectColumnValuesToBeInSet(
                column="missing_locations",
                value_set=[0],
                row_condition="interior==True",
                condition_parser="pandas",
                meta={
                    "notes": "inside the batch, every registered location an ISO-market priced "
                    "one market day is priced the next day too"
                },
            )
        ],
    )

    result = [fct_lmp, market_days, completeness]
    for table, columns in sorted(landing_columns.items()):
        result.append(
            Dataset(
                f"landing.{table}",
                f'select * from landing."{table}" limit 0',
                [
                    gxe.ExpectTableColumnsToMatchOrderedList(
                        column_list=columns,
                        meta={
                            "notes": "the landing table has exactly the columns its dbt source declares"
                        },
                    )
                ],
            )
        )
    return result


def landing_columns_from_manifest(manifest_path: Path) -> dict[str, list[str]]:
    """{landing table: declared columns} for the LMP landing tables feeding fct_lmp."""
    manifest = json.loads(manifest_path.read_text())
    nodes = {**manifest["nodes"], **manifest["sources"]}
    start = next(
        k
        for k, n in manifest["nodes"].items()
        if n["resource_type"] == "model" and n["name"] == "fct_lmp"
    )
    seen, stack = set(), [start]
    while stack:
        for parent in nodes.get(stack.pop(), {}).get("depends_on", {}).get("nodes", []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return {
        manifest["sources"][s]["identifier"]: list(manifest["sources"][s]["columns"])
        for s in sorted(seen)
        if s.startswith("source.") and manifest["sources"][s]["schema"] == "landing"
    }


def _export(conn: duckdb.DuckDBPyConnection, dataset: Dataset, folder: Path) -> Path:
    path = folder / f"{dataset.name}.parquet"
    conn.execute(f"copy ({dataset.sql}) to '{path}' (format parquet)")
    return path


def run(database: Path, manifest: Path, work_dir: Path, docs_dir: Path) -> dict:
    """Validate every dataset with one checkpoint; Data Docs into docs_dir; a JSON summary."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    if work_dir.exists():
        shutil.rmtree(work_dir)
    batches = work_dir / "batches"
    batches.mkdir(parents=True)
    with duckdb.connect(str(database), read_only=True) as conn:
        sets = datasets(conn, landing_columns_from_manifest(manifest))
        for dataset in sets:
            _export(conn, dataset, batches)

    context = gx.get_context(mode="file", project_root_dir=str(work_dir))
    # Data Docs straight into the report folder (the default site lives under uncommitted/).
    for site in list(context.get_config().data_docs_sites or {}):
        context.delete_data_docs_site(site)
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    context.add_data_docs_site(
        "aurum",
        {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir.resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    source = context.data_sources.add_pandas_filesystem("duckdb_exports", base_directory=batches)
    definitions = []
    for dataset in sets:
        asset = source.add_parquet_asset(dataset.name)
        batch = asset.add_batch_definition_path(dataset.name, path=f"{dataset.name}.parquet")
        suite = context.suites.add(gx.ExpectationSuite(f"{SUITE_PREFIX}.{dataset.name}"))
        for expectation in dataset.expectations:
            suite.add_expectation(expectation)
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=dataset.name, data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="aurum_data_quality",
            validation_definitions=definitions,
            actions=[UpdateDataDocsAction(name="update_data_docs", site_names=["aurum"])],
            result_format={
                "result_format": "SUMMARY",
                "unexpected_index_column_names": [ROW_KEY],
                "partial_unexpected_count": 20,
            },
        )
    )
    result = checkpoint.run()
    return summarise(result)


def summarise(result: Any) -> dict[str, Any]:
    """{dataset: {expectation: {success, unexpected_count, rows}}} and totals."""
    out: dict[str, Any] = {"success": bool(result.success), "datasets": {}}
    for validation in result.run_results.values():
        name = validation.suite_name.removeprefix(f"{SUITE_PREFIX}.")
        checks = []
        for r in validation.results:
            config = r.expectation_config
            details = r.result or {}
            keys = [
                row.get(ROW_KEY)
                for row in details.get("partial_unexpected_index_list") or []
                if isinstance(row, dict)
            ]
            checks.append(
                {
                    "expectation": config.type,
                    "kwargs": {k: v for k, v in config.kwargs.items() if k != "batch_id"},
                    "notes": (config.meta or {}).get("notes"),
                    "success": bool(r.success),
                    "unexpected_count": details.get("unexpected_count"),
                    "observed_value": details.get("observed_value"),
                    "offending_rows": keys,
                    "exception": (r.exception_info or {}).get("exception_message"),
                }
            )
        out["datasets"][name] = {"success": bool(validation.success), "checks": checks}
    counts = [c["success"] for d in out["datasets"].values() for c in d["checks"]]
    out["evaluated"], out["passed"] = len(counts), sum(counts)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate the warehouse with great-expectations")
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, required=True, help="dbt's target/manifest.json")
    parser.add_argument("--work-dir", type=Path, required=True, help="GX project and batches")
    parser.add_argument("--docs-dir", type=Path, required=True, help="where Data Docs go")
    parser.add_argument("--summary", type=Path, required=True, help="JSON results written here")
    args = parser.parse_args(argv)
    summary = run(args.database, args.manifest, args.work_dir, args.docs_dir)
    args.summary.parent.mkdir(parents=True, exist_ok=True)
    args.summary.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    print(
        f"great-expectations: {summary['passed']} of {summary['evaluated']} expectations met",
        file=sys.stderr,
    )
    return 0  # failed expectations are results, not errors; the summary says which


if __name__ == "__main__":
    raise SystemExit(main())
