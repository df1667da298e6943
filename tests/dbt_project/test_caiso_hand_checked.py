"""CAISO intervals in market.fct_lmp checked against rows read by hand from the raw file.

The raw file is the CSV inside sample_data/caiso/oasis_PRC_LMP_DAM_20200101_subset_A.zip
(`20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1.csv`; `unzip -p` it to read the
lines). OASIS publishes one line per LMP_TYPE, so each interval is four lines.
"""

from __future__ import annotations

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration

QUERY = """
    select interval_start_utc, interval_end_utc, interval_seconds, lmp, energy, congestion, loss
    from market.fct_lmp
    where iso_code = 'CAISO' and market = ? and location_id = ? and interval_start_utc = ?
"""


def test_day_ahead_np15_hub_opr_hour_12(demo_warehouse):
    # inner CSV lines 4329, 4338, 4356, 4376 (GMT 2020-01-02T19:00 -> 20:00, OPR_DT
    # 2020-01-02, OPR_HR 12, TH_NP15_GEN-APND, DAM):
    #   LMP 28.57089, MCC 0, MCE 27.90399, MCL 0.66691
    row = demo_warehouse.execute(
        QUERY, ["day_ahead_hourly", "TH_NP15_GEN-APND", datetime(2020, 1, 2, 19)]
    ).fetchone()
    assert row == (
        datetime(2020, 1, 2, 19),
        datetime(2020, 1, 2, 20),
        3600,
        28.57089,
        27.90399,
        0.0,
        0.66691,
    )


def test_day_ahead_zp26_hub_negative_loss(demo_warehouse):
    # inner CSV lines 4460, 4477, 4487, 4513 (GMT 2020-01-02T11:00 -> 12:00, OPR_HR 4,
    # TH_ZP26_GEN-APND, DAM): LMP 28.44163, MCC 0, MCE 29.5436, MCL -1.10198
    row = demo_warehouse.execute(
        QUERY, ["day_ahead_hourly", "TH_ZP26_GEN-APND", datetime(2020, 1, 2, 11)]
    ).fetchone()
    assert row == (
        datetime(2020, 1, 2, 11),
        datetime(2020, 1, 2, 12),
        3600,
        28.44163,
        29.5436,
        0.0,
        -1.10198,
    )


def test_day_ahead_first_line_spans_two_operating_days(demo_warehouse):
    # inner CSV line 2: GMT 2020-01-02T05:00 -> 06:00 is OPR_DT 2020-01-01 OPR_HR 22
    # (21:00-22:00 PST the previous day), AFPR_1_TOT_GEN-APND, LMP 34.04259
    row = demo_warehouse.execute(
        QUERY, ["day_ahead_hourly", "AFPR_1_TOT_GEN-APND", datetime(2020, 1, 2, 5)]
    ).fetchone()
    assert row[:4] == (datetime(2020, 1, 2, 5), datetime(2020, 1, 2, 6), 3600, 34.04259)
