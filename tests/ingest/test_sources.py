"""The source catalog: entries are data (endpoint, cadence, frequency, format); names the
catalog gives files carry their format's tie-breaking hint; URLs are sane."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import pytest

from aurum.settings import Settings
from aurum.sources import FORMATS, LMP_SOURCES, PUBLISHERS, SOURCES, format_named
from aurum.sources.core.catalog import DATA_FREQUENCIES, Source, archive_documents
from aurum.sources.core.vocabulary import CADENCES

DAYS = [date(2024, 3, 10), date(2024, 11, 3), date(2025, 1, 31)]
FORMAT_NAMES = {f.name for f in FORMATS}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_source_file_carries_its_formats_name_hint(name):
    source = SOURCES[name]
    assert source.format_name in FORMAT_NAMES
    for day in DAYS:
        source_file = source.source_file(day, doc_id="1280076656")
        assert format_named(source.format_name).name_matches(source_file), source_file


def test_the_catalog_is_plain_data_one_entry_per_source():
    assert all(isinstance(s, Source) for s in SOURCES.values())
    assert sum(len(p.endpoints) for p in PUBLISHERS) == len(SOURCES)
    for source in SOURCES.values():
        assert source.cadence in CADENCES and source.frequency in DATA_FREQUENCIES
        assert source.publisher == format_named(source.format_name).publisher
        assert source.base_url.startswith(("http://", "https://"))
    current_only = {name for name, s in SOURCES.items() if not s.history}
    assert "miso_api_rt_fivemin_expost" in current_only


def test_an_unknown_key_in_endpoints_toml_is_refused(tmp_path):
    from aurum.sources.core.catalog import load_endpoints

    path = tmp_path / "endpoints.toml"
    path.write_text('[[source]]\nname = "x"\nformat_name = "y"\nurl = "z"\n')
    with pytest.raises(ValueError, match="unknown key"):
        load_endpoints(path, "p", reference_formats=())


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_urls_are_well_formed_and_day_specific(name):
    source = SOURCES[name]
    for day in DAYS:
        url = source.url(day)
        parts = urlsplit(url)
        assert parts.scheme in {"http", "https"}
        assert parts.netloc == urlsplit(source.base_url).netloc
        assert parts.path.startswith("/")
        assert "{" not in url and "}" not in url
        assert " " not in url
    if "{" in source.path_template:  # templated: the URL follows the day (annual: the year)
        assert len({source.url(day) for day in DAYS}) > 1


def test_reference_sources_are_marked():
    reference = {name for name, source in SOURCES.items() if source.reference}
    assert reference == set(SOURCES) - set(LMP_SOURCES)
    assert {
        "ecb_eurofxref_daily",
        "fred_cpiaucsl_csv",
        "eia_henry_hub_daily_xls",
        "noaa_ghcnd_stations",
        "pjm_hrl_load_metered",
        "nyiso_pal",
        "isone_hourlysysload",
    } <= reference


def test_caiso_window_is_the_pacific_operating_day():
    source = SOURCES["caiso_prc_lmp_dam"]
    winter = source.url(date(2020, 1, 1))
    assert "startdatetime=20200101T08:00-0000&enddatetime=20200102T08:00-0000" in winter
    summer = source.url(date(2024, 7, 1))
    assert "startdatetime=20240701T07:00-0000&enddatetime=20240702T07:00-0000" in summer
    fall_back = source.url(date(2024, 11, 3))  # 25-hour day
    assert "startdatetime=20241103T07:00-0000&enddatetime=20241104T08:00-0000" in fall_back


def test_pjm_query_selects_one_ept_day_as_csv():
    url = SOURCES["pjm_da_hrl_lmps"].url(date(2025, 5, 1))
    assert url.startswith("https://api.pjm.com/api/v1/da_hrl_lmps?")
    assert "format=csv" in url
    assert "datetime_beginning_ept=5/1/2025%2000:00to5/1/2025%2023:59" in url


def test_base_override_replaces_every_base(monkeypatch):
    monkeypatch.setenv("AURUM_SOURCE_BASE_URL", "http://127.0.0.1:8080/")
    base_url = Settings().sources.base_url
    source = SOURCES["nyiso_damlbmp_zone"]
    url = source.url(date(2022, 7, 18), base_url=base_url)
    assert url == "http://127.0.0.1:8080/public/csv/damlbmp/20220718damlbmp_zone.csv"


def test_base_override_unset_or_invalid(monkeypatch):
    monkeypatch.delenv("AURUM_SOURCE_BASE_URL", raising=False)
    assert Settings().sources.base_url is None
    monkeypatch.setenv("AURUM_SOURCE_BASE_URL", "  ")
    assert Settings().sources.base_url is None
    monkeypatch.setenv("AURUM_SOURCE_BASE_URL", "ftp://example.org")
    with pytest.raises(ValueError, match="is not an http"):
        Settings()


def test_api_key_comes_from_settings(monkeypatch):
    source = SOURCES["eia_v2_natural_gas_fut_weekly"]
    monkeypatch.delenv("AURUM_EIA_API_KEY", raising=False)
    key = Settings().sources.api_key(source.api_key)
    assert key is None
    assert "api_key" not in source.url(date(1993, 12, 24), api_key=key)
    monkeypatch.setenv("AURUM_EIA_API_KEY", "k123")
    key = Settings().sources.api_key(source.api_key)
    assert source.url(date(1993, 12, 24), api_key=key).endswith("&api_key=k123")
    # A source that declares no key never sends one.
    plain = SOURCES["nyiso_damlbmp_zone"]
    assert "api_key" not in plain.url(date(2022, 7, 18), api_key="k123")


def test_archive_listing_is_followed_and_rebased():
    source = SOURCES["ercot_np4_190_dam_spp"]
    listing = (
        b'{"archives": [{"docId": 42, "_links": {"endpoint": {"href": '
        b'"https://api.ercot.com/api/public-reports/archive/np4-190-cd?download=42"}}},'
        b' {"docId": 43}]}'
    )
    docs = archive_documents(source, date(2026, 9, 28), listing, "http://127.0.0.1:9")
    assert [d.url for d in docs] == [
        "http://127.0.0.1:9/api/public-reports/archive/np4-190-cd?download=42",
        "http://127.0.0.1:9/api/public-reports/archive/np4-190-cd?download=43",
    ]
    assert docs[0].source_file == "np4-190-cd_DAMSPNP4190_20260928_42_csv.zip"
    assert format_named("ercot_dam_spp").name_matches(docs[1].source_file)


def test_every_source_is_listed_in_the_ingestion_doc():
    from aurum.dbt_runner import PROJECT_DIR

    doc = (PROJECT_DIR / "docs" / "ingestion.md").read_text()
    for name, source in SOURCES.items():
        assert f"| `{name}` | `{source.format_name}` |" in doc, name
