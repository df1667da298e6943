"""Load and forecast rows carry the standard interval fields of an LMP row (class 6 of
issue 11), so they join prices by interval: on the demo warehouse, built from the real
samples, every load model has `interval_start_utc`/`interval_end_utc`/`interval_seconds`,
each interval is positive and the intervals of a location tile its span."""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

LOAD_MODELS = {
    # model: the columns that name one series
    "stg_iso_load__pjm_metered": ("source_file", "location_id"),
    "stg_iso_load__nyiso_actual": ("source_file", "location_id"),
    "stg_iso_load__isone_hourly": ("source_file", "dataset", "location_id"),
    "stg_iso_load__isone_forecast": ("source_file", "forecast_created_utc"),
}


@pytest.mark.parametrize("model", sorted(LOAD_MODELS))
def test_load_rows_have_positive_tiling_intervals(demo_warehouse, model):
    series = ", ".join(LOAD_MODELS[model])
    rows, bad, gaps = demo_warehouse.execute(
        f"""
        with ordered as (
            select
                *,
                lead(interval_start_utc) over (
                    partition by {series} order by interval_start_utc
                ) as next_start
            from staging.{model}
        )
        select
            count(*),
            count(*) filter (
                where interval_seconds is null or interval_seconds <= 0
                or interval_end_utc <> interval_start_utc + to_seconds(interval_seconds)
            ),
            count(*) filter (where next_start is not null and next_start < interval_end_utc)
        from ordered
        """
    ).fetchone()
    assert rows > 0
    assert bad == 0, f"{bad} rows without a positive interval"
    assert gaps == 0, f"{gaps} overlapping intervals"


def test_nyiso_pal_off_grid_readings_split_the_grid(demo_warehouse):
    # sample_data/nyiso/20171122pal.csv: CAPITL at 00:05:00, 00:07:34, 00:09:40, 00:10:00 EST
    rows = demo_warehouse.execute(
        """
        select interval_start_utc, interval_end_utc, interval_seconds, load_mw
        from staging.stg_iso_load__nyiso_actual
        where location_id = 'CAPITL' and interval_start_utc between '2017-11-22 05:05:00'
            and '2017-11-22 05:10:00'
        order by interval_start_utc
        """
    ).fetchall()
    stamps = [datetime(2017, 11, 22, 5, 5), datetime(2017, 11, 22, 5, 7, 34)]
    stamps += [datetime(2017, 11, 22, 5, 9, 40), datetime(2017, 11, 22, 5, 10)]
    assert [r[0] for r in rows] == stamps
    assert [r[2] for r in rows] == [154, 126, 20, 300]
    assert [r[1] for r in rows[:3]] == stamps[1:]
    # the whole file covers the local day: 288 five-minute slots' worth of seconds
    total = demo_warehouse.execute(
        """
        select sum(interval_seconds) from staging.stg_iso_load__nyiso_actual
        where location_id = 'CAPITL' and time_stamp_local::date = '2017-11-22'
        """
    ).fetchone()[0]
    assert total == 86_400


def test_load_and_price_rows_share_the_interval_fields(demo_warehouse):
    # The same interval fields on both sides: an hourly load row and an hourly price row
    # describe the same hour when (interval_start_utc, interval_end_utc) agree.
    columns = {
        model: {
            r[0]
            for r in demo_warehouse.execute(
                "select column_name from information_schema.columns where table_name = ?",
                [model],
            ).fetchall()
        }
        for model in (*LOAD_MODELS, "fct_lmp")
    }
    standard = {"iso_code", "interval_start_utc", "interval_end_utc", "interval_seconds"}
    for model, names in columns.items():
        assert standard <= names, (model, standard - names)
