"""What `make demo` promises: every sample ISO normalised, enriched, nothing lost."""

from __future__ import annotations

import pytest

from aurum.warehouse_summary import summarise

pytestmark = pytest.mark.integration

DEMO_ISOS = {"CAISO", "PJM", "MISO", "ERCOT", "NYISO", "SPP"}


def test_fct_lmp_has_rows_for_every_iso_with_real_samples(demo_warehouse):
    rows = demo_warehouse.execute("select distinct iso_code from market.fct_lmp").fetchall()
    isos = {r[0] for r in rows}
    assert isos >= DEMO_ISOS


def test_every_landed_row_reaches_the_mart_or_is_a_revision(demo_warehouse):
    # Staging rows in, deduplicated rows out: the difference is exactly the revisions.
    unioned, revisions, facts = demo_warehouse.execute(
        """
        select
            (select count(*) from intermediate.int_lmp__unioned),
            (select coalesce(sum(revision_count - 1), 0) from market.fct_lmp),
            (select count(*) from market.fct_lmp)
        """
    ).fetchone()
    assert unioned == facts + revisions


def test_every_sample_location_is_in_the_registry(demo_warehouse):
    unregistered = demo_warehouse.execute(
        "select iso_code, location_id from ops.ops_unregistered_locations"
    ).fetchall()
    assert unregistered == []
    assert demo_warehouse.execute(
        "select count(*) from market.fct_lmp where not is_registered or timezone is null"
    ).fetchone() == (0,)


def test_real_samples_decode_without_rejections(demo_warehouse):
    assert demo_warehouse.execute("select count(*) from ops.ops_ingest_rejections").fetchone() == (
        0,
    )


def test_summary_reports_markets_range_and_unmatched_locations(demo_warehouse):
    text = summarise(demo_warehouse)
    assert "CAISO  day_ahead_hourly" in text
    assert "NYISO  real_time_commitment_15min" in text
    assert "Unmatched locations (ops.ops_unregistered_locations): 0" in text
    assert "Rejected source rows (ops.ops_ingest_rejections): 0" in text
