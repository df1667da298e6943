"""Content detection: every real file is claimed by exactly its format, under any name;
documentation and unknown files are claimed by none; two claimants are ambiguous unless
the file name breaks the tie."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from aurum.sources import FORMATS, Ambiguous, Unclaimed, claimants, detect, format_named

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_data"
FIXTURES = ROOT / "tests" / "fixtures"
ISONE_LMP = FIXTURES / "isone" / "isone_ws_v1.1_hourlylmp_da_final_day_20241103.json"
ISONE_LOAD = SAMPLES / "isone" / "isone_ws_v1.1_hourlysysload_day_20240309.json"
PJM_DA = SAMPLES / "pjm" / "da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"

EXPECTED = {
    "caiso/oasis_PRC_LMP_DAM_20200101_subset_A.zip": "caiso_oasis_prc_lmp",
    "pjm/da_hrl_lmps_hubs_2025-05-01_to_05-10.csv": "pjm_dataminer_lmp",
    "pjm/rt_hrl_lmps_hubs_2025-05-01_to_05-10.csv": "pjm_dataminer_lmp",
    "pjm/rt_fivemin_hrl_lmps_PJM-RTO_2025-09-01_first6h.csv": "pjm_dataminer_lmp",
    "pjm/hrl_load_metered_RTO_2025-01_to_02.csv": "pjm_hrl_load_metered",
    "miso/20110716_da_lmp.csv": "miso_report_lmp",
    "miso/20260926_rt_lmp_final.csv": "miso_report_lmp",
    "miso/GetRealTimeFiveMinExPost_Current_subset.json": "miso_api_fivemin_lmp",
    "ercot/np4-190-cd_DAMSPNP4190_2026-09-29_sample.csv": "ercot_dam_spp",
    "ercot/np6-905-cd_SPPHLZNP6905_2026-09-29_HE12_int1_sample.csv": "ercot_rt_spp",
    "ercot/np6-788-cd_LMPSROSNODENP6788_2026-09-29T112517_sample.csv": "ercot_sced_lmp",
    "ercot/api_np6-905-cd_spp_node_zone_hub_2026-09-28_sample.json": "ercot_api_rt_spp",
    "ercot/api_np4-190-cd_dam_stlmnt_pnt_prices_2026-09-28_sample.json": "ercot_api_dam_spp",
    "nyiso/20220718damlbmp_zone.csv": "nyiso_mis_zonal_lbmp",
    "nyiso/20220718realtime_zone.csv": "nyiso_mis_zonal_lbmp",
    "nyiso/20171122pal.csv": "nyiso_pal",
    "nyiso/OASIS_Day-Ahead_Market_Zonal_LBMP_NYC_2024-06.csv": "nyiso_oasis_dam_zonal_lbmp",
    "nyiso/OASIS_Real_Time_Commitment_Zonal_LBMP_NYC_2024-06-01_07.csv": (
        "nyiso_oasis_rtc_zonal_lbmp"
    ),
    "spp/DA-LMP-SL-202606010100_subset.csv": "spp_lmp_by_settlement_location",
    "spp/RTBM-LMP-DAILY-SL-20250701_subset.csv": "spp_lmp_by_settlement_location",
    "isone/isone_ws_v1.1_locations.json": "isone_ws_locations",
    "isone/isone_ws_v1.1_hourlysysload_current.json": "isone_ws_hourly_load",
    "isone/isone_ws_v1.1_hourlysysload_day_20240309.json": "isone_ws_hourly_load",
    "isone/isone_ws_v1.1_realtimehourlydemand_day_20241102_location_4001.json": (
        "isone_ws_hourly_load"
    ),
    "isone/isone_ws_v1.1_realtimehourlydemand_day_20241102_location_4002.json": (
        "isone_ws_hourly_load"
    ),
    "isone/isone_ws_v1.1_hourlyloadforecast_all_day_20241102.json": "isone_ws_load_forecast",
    "ecb/eurofxref-hist_head300.csv": "ecb_eurofxref",
    "ecb/eurofxref-daily_2025-05-09.xml": "ecb_eurofxref",
    "fred/CPIAUCSL.csv": "fred_series_observations",
    "eia/RNGWHHDd.xls": "eia_hist_xls",
    "eia/RNGWHHDw.xls": "eia_hist_xls",
    "eia/RNGWHHDm.xls": "eia_hist_xls",
    "eia/RNGWHHDa.xls": "eia_hist_xls",
    "eia/eia_v2_coal_market-sales-price_annual_AK_OM_2001.json": "eia_api_v2_series",
    "eia/eia_v2_natural-gas_pri_fut_weekly_RNGC4_1993-12-24.json": "eia_api_v2_series",
    "carbon/carbon-auction-results.csv": "carbon_auction_results",
    "noaa_ghcnd/ghcnd-stations_excerpt.txt": "noaa_ghcnd_stations",
}

# Fixtures (tests/fixtures/MANIFEST.md): real files found in public repositories, and the
# constructed ISO-NE/FRED shapes.
FIXTURE_EXPECTED = {
    "nyiso/pyiso_lmp_20160218.csv": "nyiso_mis_zonal_lbmp",
    "miso/20261001_rt_lmp_prelim.csv": "miso_report_lmp",
    "miso/GetRealTimeFiveMinExPost_Previous_20261001_0000-0200.json": "miso_api_fivemin_lmp",
    "ecb/eurofxref_2018-08-17.zip": "ecb_eurofxref",
    "ecb/eurofxref_2026-02-06.csv": "ecb_eurofxref",
    "isone/isone_ws_v1.1_hourlylmp_da_final_day_20240310.json": "isone_ws_lmp",
    "isone/isone_ws_v1.1_hourlylmp_da_final_day_20241103.json": "isone_ws_lmp",
    "fred/fred_series_observations_CPIAUCSL.json": "fred_series_observations",
}


def test_every_sample_is_listed():
    files = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*") if p.is_file()}
    assert files - {"MANIFEST.md"} == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_each_sample_is_claimed_by_exactly_its_format_under_any_name(relative):
    data = (SAMPLES / relative).read_bytes()
    expected = format_named(EXPECTED[relative])
    assert [f.name for f in claimants(data)] == [expected.name]
    assert detect(data, relative) is expected
    assert detect(data, secrets.token_hex(6)) is expected  # a random name, no extension


def test_every_fixture_is_listed():
    files = {str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*") if p.is_file()}
    assert {f for f in files if not f.endswith(".md")} == set(FIXTURE_EXPECTED)


@pytest.mark.parametrize("relative", sorted(FIXTURE_EXPECTED))
def test_each_fixture_is_claimed_by_exactly_its_format_under_any_name(relative):
    data = (FIXTURES / relative).read_bytes()
    expected = format_named(FIXTURE_EXPECTED[relative])
    assert [f.name for f in claimants(data)] == [expected.name]
    assert detect(data, secrets.token_hex(6)) is expected


def test_documentation_and_empty_files_are_claimed_by_none():
    for path in (SAMPLES / "MANIFEST.md", *FIXTURES.rglob("README.md")):
        with pytest.raises(Unclaimed, match="no source format claims it"):
            detect(path.read_bytes(), path.name)
    for data, described in ((b"", "an empty file"), (b"\n\r\n  \n", "only blank lines")):
        with pytest.raises(Unclaimed, match=described):
            detect(data, "20220718damlbmp_zone.csv")  # a name does not make a file


def test_a_file_two_formats_claim_is_ambiguous_unless_the_name_decides():
    lmp = json.loads(ISONE_LMP.read_text())
    load = json.loads(ISONE_LOAD.read_text())
    both = json.dumps({**lmp, **load}).encode()
    with pytest.raises(Ambiguous) as raised:
        detect(both, "merged.json")
    assert set(raised.value.claimants) == {"isone_ws_lmp", "isone_ws_hourly_load"}
    assert detect(both, ISONE_LMP.name).name == "isone_ws_lmp"


def test_the_expected_format_of_a_source_is_checked():
    pjm = PJM_DA.read_bytes()
    with pytest.raises(Unclaimed, match="claimed by pjm_dataminer_lmp, not by nyiso_pal"):
        detect(pjm, "x.csv", expected=format_named("nyiso_pal"))
    renamed_column = pjm.replace(b"total_lmp_da", b"lmp_total", 1)
    with pytest.raises(Unclaimed, match="pjm_dataminer_lmp expects a CSV header"):
        detect(renamed_column, "x.csv", expected=format_named("pjm_dataminer_lmp"))


def test_every_format_has_a_signature_and_a_name_hint_for_ties():
    for source_format in FORMATS:
        assert source_format.signature.describe(), source_format.name
        assert source_format.name_hint, source_format.name
