"""Every sample file is claimed by exactly one format; reference patterns claim no LMP file."""

from __future__ import annotations

from pathlib import Path

from aurum.ingest.decoders import FORMATS as ALL_FORMATS
from aurum.ingest.decoders.reference import FORMATS

SAMPLES = Path(__file__).parents[3] / "sample_data"
EXPECTED = {
    "ecb/eurofxref-hist_head300.csv": "ecb_eurofxref",
    "ecb/eurofxref-daily_2025-05-09.xml": "ecb_eurofxref",
    "fred/CPIAUCSL.csv": "fred_series_observations",
    "eia/RNGWHHDd.xls": "eia_hist_xls",
    "eia/eia_v2_coal_market-sales-price_annual_AK_OM_2001.json": "eia_api_v2_series",
    "eia/eia_v2_natural-gas_pri_fut_weekly_RNGC4_1993-12-24.json": "eia_api_v2_series",
    "carbon/carbon-auction-results.csv": "carbon_auction_results",
    "noaa_ghcnd/ghcnd-stations_excerpt.txt": "noaa_ghcnd_stations",
    "pjm/hrl_load_metered_RTO_2025-01_to_02.csv": "pjm_hrl_load_metered",
    "nyiso/20171122pal.csv": "nyiso_pal",
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
}


def _claims(name: str) -> list[str]:
    return [f.name for f in ALL_FORMATS if f.matches(name)]


def test_the_package_is_collected_with_the_lmp_formats():
    assert set(FORMATS) <= set(ALL_FORMATS)


def test_names_follow_source_dataset():
    names = [f.name for f in FORMATS]
    assert len(set(names)) == len(names)
    prefixes = ("ecb_", "fred_", "eia_", "carbon_", "noaa_", "pjm_", "nyiso_", "isone_")
    assert all(n.startswith(prefixes) for n in names)


def test_each_reference_sample_is_claimed_by_exactly_its_format():
    for relative, expected in EXPECTED.items():
        assert _claims(relative.rsplit("/", 1)[-1]) == [expected], relative


def test_reference_patterns_claim_no_lmp_sample_or_other_file():
    reference_files = {p.rsplit("/", 1)[-1] for p in EXPECTED}
    for path in SAMPLES.rglob("*"):
        if path.is_file() and path.name not in reference_files:
            assert not [f.name for f in FORMATS if f.matches(path.name)], path.name


def test_case_sensitive_parts_of_patterns():
    fred_csv = next(f for f in FORMATS if f.name == "fred_series_observations")
    assert fred_csv.matches("DEXUSEU.csv")
    assert fred_csv.matches("fredgraph.csv")
    assert not fred_csv.matches("miso.csv")  # lower case: not a FRED series id
    assert not fred_csv.matches("20171122pal.csv")
    eia_xls = next(f for f in FORMATS if f.name == "eia_hist_xls")
    assert eia_xls.matches("RNGWHHDm.xls")
    assert not eia_xls.matches("report.xls")
