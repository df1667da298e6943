"""The catalog of public endpoints: one `Source` per (ISO or agency, dataset).

A Source knows where a day's data lives (`url(day)`) and what to call the bytes when
they are handed to the decoder (`source_file(day)`, which the Source's format must
claim). Templates are `str.format` strings; the placeholders are

    {day}        the operating/delivery day (a `date`; `{day:%Y%m%d}`, `{day.month}` work)
    {next_day}   day + 1
    {start_utc}  local midnight of `day` in the Source's time zone, as a UTC datetime
    {end_utc}    local midnight of `next_day`, as a UTC datetime
    {doc_id}     (archive sources, file_template only) the archive document id

`AURUM_SOURCE_BASE_URL` replaces every Source's base URL with one URL (the local replay
server in tests, a caching proxy elsewhere); see `base_url_overrides`.

Archive sources (`archive=True`, ERCOT's public-reports archive) are two-step: `url(day)`
is the listing of documents posted that day, and `documents()` follows the listing to
one download URL per document. Every other source is one GET per day.

Endpoint notes, with where each URL shape was checked, are in docs/ingestion.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from aurum.ingest.http import HttpFetcher

BASE_URL_ENV = "AURUM_SOURCE_BASE_URL"


@dataclass(frozen=True)
class Source:
    name: str
    format_name: str
    base_url: str
    path_template: str
    file_template: str
    conditional: bool
    timezone: str = "UTC"  # the zone whose midnight {start_utc}/{end_utc} mark
    archive: bool = False  # url(day) is a document listing (ERCOT archive API)
    api_key_env: str | None = None  # env var whose value is appended as api_key=...
    reference: bool = False  # a reference feed (FX, CPI, fuel, weather/load), not LMP
    description: str = ""

    def _fields(self, day: date, **extra: object) -> dict[str, object]:
        zone = ZoneInfo(self.timezone)
        next_day = day + timedelta(days=1)
        return {
            "day": day,
            "next_day": next_day,
            "start_utc": datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC),
            "end_utc": datetime.combine(next_day, time(0), tzinfo=zone).astimezone(UTC),
            **extra,
        }

    def url(self, day: date, base_url: str | None = None) -> str:
        base = (base_url or self.base_url).rstrip("/")
        url = base + self.path_template.format(**self._fields(day))
        key = os.environ.get(self.api_key_env) if self.api_key_env else None
        if key:
            url += ("&" if "?" in url else "?") + "api_key=" + key
        return url

    def source_file(self, day: date, **extra: object) -> str:
        return self.file_template.format(**self._fields(day, **extra))


@dataclass(frozen=True)
class Document:
    """One thing to fetch and decode: a URL and the name the decoder sees."""

    url: str
    source_file: str


def rebase(url: str, base_url: str | None) -> str:
    """`url` with its scheme and host replaced by those of `base_url` (path kept)."""
    if not base_url:
        return url
    base = urlsplit(base_url)
    parts = urlsplit(url)
    prefix = base.path.rstrip("/")
    return urlunsplit((base.scheme, base.netloc, prefix + parts.path, parts.query, ""))


def archive_documents(
    source: Source, day: date, listing: bytes, base_url: str | None = None
) -> list[Document]:
    """Documents named in an ERCOT public-reports archive listing (`archives[]`)."""
    payload = json.loads(listing)
    documents = []
    for entry in payload.get("archives") or []:
        doc_id = entry["docId"]
        href = entry.get("_links", {}).get("endpoint", {}).get("href")
        if not href:
            href = source.base_url.rstrip("/") + urlsplit(source.url(day)).path
            href += f"?download={doc_id}"
        documents.append(Document(rebase(href, base_url), source.source_file(day, doc_id=doc_id)))
    return documents


def documents(
    source: Source, day: date, fetcher: HttpFetcher, base_url: str | None = None
) -> list[Document]:
    """What to fetch for `day`: one document, or every document an archive lists."""
    if not source.archive:
        return [Document(source.url(day, base_url), source.source_file(day))]
    listing = fetcher.fetch(source.url(day, base_url))
    return archive_documents(source, day, listing.content or b"{}", base_url)


def base_url_overrides(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """{source name: base URL} from `AURUM_SOURCE_BASE_URL` (one URL for every source).

    Empty when the variable is unset or blank. Used by tests to point every source at
    the replay server; `url(day, base_url=overrides.get(name))` applies it.
    """
    environ = os.environ if environ is None else environ
    base = environ.get(BASE_URL_ENV, "").strip()
    if not base:
        return {}
    parsed = urlsplit(base)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ValueError(f"{BASE_URL_ENV}={base!r} is not an http(s) URL")
    return dict.fromkeys(SOURCES, base.rstrip("/"))


# ---------------------------------------------------------------------------------
# The catalog. Base URLs and paths are the public ones (docs/ingestion.md lists them).

PJM_API = "https://api.pjm.com"
# Data Miner 2: one EPT day, CSV download. The API also wants the public subscription
# key header (Ocp-Apim-Subscription-Key) — a deployment concern, not part of the URL.
PJM_DAY = (
    "?rowCount=50000&startRow=1&format=csv&download=true"
    "&datetime_beginning_ept={day.month}/{day.day}/{day.year}%2000:00"
    "to{day.month}/{day.day}/{day.year}%2023:59"
)
ERCOT_API = "https://api.ercot.com"
ERCOT_LISTING = "?postDatetimeFrom={day:%Y-%m-%d}T00:00:00&postDatetimeTo={day:%Y-%m-%d}T23:59:59"
NYISO_MIS = "http://mis.nyiso.com"
MISO_DOCS = "https://docs.misoenergy.org"
SPP_MARKETPLACE = "https://marketplace.spp.org"
ISONE_WS = "https://webservices.iso-ne.com"
EIA_API = "https://api.eia.gov"

_LMP_SOURCES = (
    Source(
        name="caiso_prc_lmp_dam",
        format_name="caiso_oasis_prc_lmp",
        base_url="http://oasis.caiso.com",
        path_template=(
            "/oasisapi/SingleZip?queryname=PRC_LMP&market_run_id=DAM&grp_type=ALL_APNODES"
            "&resultformat=6&version=12"
            "&startdatetime={start_utc:%Y%m%dT%H:%M}-0000&enddatetime={end_utc:%Y%m%dT%H:%M}-0000"
        ),
        file_template="oasis_PRC_LMP_DAM_{day:%Y%m%d}.zip",
        conditional=False,
        timezone="America/Los_Angeles",
        description="CAISO OASIS PRC_LMP, DAM, all APNodes, one Pacific operating day (zip)",
    ),
    Source(
        name="pjm_da_hrl_lmps",
        format_name="pjm_dataminer_lmp",
        base_url=PJM_API,
        path_template="/api/v1/da_hrl_lmps" + PJM_DAY,
        file_template="da_hrl_lmps_{day:%Y-%m-%d}.csv",
        conditional=False,
        description="PJM Data Miner 2 da_hrl_lmps (day-ahead hourly LMPs)",
    ),
    Source(
        name="pjm_rt_hrl_lmps",
        format_name="pjm_dataminer_lmp",
        base_url=PJM_API,
        path_template="/api/v1/rt_hrl_lmps" + PJM_DAY,
        file_template="rt_hrl_lmps_{day:%Y-%m-%d}.csv",
        conditional=False,
        description="PJM Data Miner 2 rt_hrl_lmps (real-time hourly LMPs)",
    ),
    Source(
        name="pjm_rt_fivemin_hrl_lmps",
        format_name="pjm_dataminer_lmp",
        base_url=PJM_API,
        path_template="/api/v1/rt_fivemin_hrl_lmps" + PJM_DAY,
        file_template="rt_fivemin_hrl_lmps_{day:%Y-%m-%d}.csv",
        conditional=False,
        description="PJM Data Miner 2 rt_fivemin_hrl_lmps (real-time 5-minute LMPs)",
    ),
    Source(
        name="miso_da_expost_lmp",
        format_name="miso_report_lmp",
        base_url=MISO_DOCS,
        path_template="/marketreports/{day:%Y%m%d}_da_expost_lmp.csv",
        file_template="{day:%Y%m%d}_da_expost_lmp.csv",
        conditional=True,
        description="MISO market report: day-ahead ex-post LMPs (current naming)",
    ),
    Source(
        name="miso_da_lmp",
        format_name="miso_report_lmp",
        base_url=MISO_DOCS,
        path_template="/marketreports/{day:%Y%m%d}_da_lmp.csv",
        file_template="{day:%Y%m%d}_da_lmp.csv",
        conditional=True,
        description="MISO market report: day-ahead LMPs under the older `_da_lmp` name",
    ),
    Source(
        name="miso_rt_lmp_final",
        format_name="miso_report_lmp",
        base_url=MISO_DOCS,
        path_template="/marketreports/{day:%Y%m%d}_rt_lmp_final.csv",
        file_template="{day:%Y%m%d}_rt_lmp_final.csv",
        conditional=True,
        description="MISO market report: real-time final LMPs",
    ),
    Source(
        name="miso_api_rt_fivemin_expost",
        format_name="miso_api_fivemin_lmp",
        base_url="https://public-api.misoenergy.org",
        # The public API serves the current interval only; `day` names the file.
        path_template="/api/MarketPricing/GetRealTimeFiveMinExPost/Current",
        file_template="GetRealTimeFiveMinExPost_{day:%Y-%m-%d}.json",
        conditional=False,
        timezone="America/Chicago",
        description="MISO public API: current real-time 5-minute ex-post LMPs (no history)",
    ),
    Source(
        name="ercot_np4_190_dam_spp",
        format_name="ercot_dam_spp",
        base_url=ERCOT_API,
        path_template="/api/public-reports/archive/np4-190-cd" + ERCOT_LISTING,
        file_template="np4-190-cd_DAMSPNP4190_{day:%Y%m%d}_{doc_id}_csv.zip",
        conditional=False,
        timezone="America/Chicago",
        archive=True,
        description="ERCOT NP4-190-CD DAM settlement point prices, archive documents posted on day",
    ),
    Source(
        name="ercot_np6_905_rt_spp",
        format_name="ercot_rt_spp",
        base_url=ERCOT_API,
        path_template="/api/public-reports/archive/np6-905-cd" + ERCOT_LISTING,
        file_template="np6-905-cd_SPPHLZNP6905_{day:%Y%m%d}_{doc_id}_csv.zip",
        conditional=False,
        timezone="America/Chicago",
        archive=True,
        description="ERCOT NP6-905-CD RT 15-minute SPPs, archive documents posted on day",
    ),
    Source(
        name="ercot_np6_788_sced_lmp",
        format_name="ercot_sced_lmp",
        base_url=ERCOT_API,
        path_template="/api/public-reports/archive/np6-788-cd" + ERCOT_LISTING,
        file_template="np6-788-cd_LMPSROSNODENP6788_{day:%Y%m%d}_{doc_id}_csv.zip",
        conditional=False,
        timezone="America/Chicago",
        archive=True,
        description="ERCOT NP6-788-CD SCED LMPs, archive documents posted on day",
    ),
    Source(
        name="ercot_api_np6_905_spp",
        format_name="ercot_api_rt_spp",
        base_url=ERCOT_API,
        path_template=(
            "/api/public-reports/np6-905-cd/spp_node_zone_hub"
            "?deliveryDateFrom={day:%Y-%m-%d}&deliveryDateTo={day:%Y-%m-%d}"
        ),
        file_template="spp_node_zone_hub_{day:%Y-%m-%d}.json",
        conditional=False,
        timezone="America/Chicago",
        description="ERCOT public API np6-905-cd/spp_node_zone_hub for one delivery day",
    ),
    Source(
        name="nyiso_damlbmp_zone",
        format_name="nyiso_mis_zonal_lbmp",
        base_url=NYISO_MIS,
        path_template="/public/csv/damlbmp/{day:%Y%m%d}damlbmp_zone.csv",
        file_template="{day:%Y%m%d}damlbmp_zone.csv",
        conditional=True,
        timezone="America/New_York",
        description="NYISO MIS P-2A day-ahead zonal LBMP",
    ),
    Source(
        name="nyiso_realtime_zone",
        format_name="nyiso_mis_zonal_lbmp",
        base_url=NYISO_MIS,
        path_template="/public/csv/realtime/{day:%Y%m%d}realtime_zone.csv",
        file_template="{day:%Y%m%d}realtime_zone.csv",
        conditional=True,
        timezone="America/New_York",
        description="NYISO MIS P-24A real-time zonal LBMP",
    ),
    Source(
        name="spp_da_lmp_sl",
        format_name="spp_lmp_by_settlement_location",
        base_url=SPP_MARKETPLACE,
        path_template=(
            "/file-browser-api/download/da-lmp-by-location"
            "?path=/{day:%Y}/{day:%m}/By_Day/DA-LMP-SL-{day:%Y%m%d}0100.csv"
        ),
        file_template="DA-LMP-SL-{day:%Y%m%d}0100.csv",
        conditional=False,
        timezone="America/Chicago",
        description="SPP file browser: DA LMP by settlement location, daily file",
    ),
    Source(
        name="spp_rtbm_lmp_daily_sl",
        format_name="spp_lmp_by_settlement_location",
        base_url=SPP_MARKETPLACE,
        path_template=(
            "/file-browser-api/download/rtbm-lmp-by-location"
            "?path=/{day:%Y}/{day:%m}/By_Day/RTBM-LMP-DAILY-SL-{day:%Y%m%d}.csv"
        ),
        file_template="RTBM-LMP-DAILY-SL-{day:%Y%m%d}.csv",
        conditional=False,
        timezone="America/Chicago",
        description="SPP file browser: RTBM 5-minute LMP by settlement location, daily roll-up",
    ),
    Source(
        name="isone_hourlylmp_da_final",
        format_name="isone_ws_lmp",
        base_url=ISONE_WS,
        path_template="/api/v1.1/hourlylmp/da/final/day/{day:%Y%m%d}",
        file_template="isone_ws_v1.1_hourlylmp_da_final_day_{day:%Y%m%d}.json",
        conditional=False,
        timezone="America/New_York",
        description="ISO-NE web services v1.1 hourly day-ahead final LMPs (JSON)",
    ),
    Source(
        name="isone_hourlylmp_rt_final",
        format_name="isone_ws_lmp",
        base_url=ISONE_WS,
        path_template="/api/v1.1/hourlylmp/rt/final/day/{day:%Y%m%d}",
        file_template="isone_ws_v1.1_hourlylmp_rt_final_day_{day:%Y%m%d}.json",
        conditional=False,
        timezone="America/New_York",
        description="ISO-NE web services v1.1 hourly real-time final LMPs (JSON)",
    ),
)

# Reference feeds (decoders in aurum.ingest.decoders.reference).
_REFERENCE_SOURCES = (
    Source(
        name="ecb_eurofxref_daily",
        format_name="ecb_eurofxref",
        base_url="https://www.ecb.europa.eu",
        path_template="/stats/eurofxref/eurofxref-daily.xml",
        file_template="eurofxref-daily_{day:%Y-%m-%d}.xml",
        conditional=True,
        reference=True,
        description="ECB euro reference rates, today's file (XML, nested Cube)",
    ),
    Source(
        name="ecb_eurofxref_hist",
        format_name="ecb_eurofxref",
        base_url="https://www.ecb.europa.eu",
        path_template="/stats/eurofxref/eurofxref-hist.zip",
        file_template="eurofxref-hist_{day:%Y-%m-%d}.zip",
        conditional=True,
        reference=True,
        description="ECB euro reference rates, full history (zip holding eurofxref-hist.csv)",
    ),
    Source(
        name="fred_cpiaucsl_csv",
        format_name="fred_series_observations",
        base_url="https://fred.stlouisfed.org",
        path_template="/graph/fredgraph.csv?id=CPIAUCSL",
        file_template="CPIAUCSL.csv",  # the whole series, re-fetched
        conditional=False,
        reference=True,
        description="FRED CPIAUCSL, fredgraph CSV download (whole series)",
    ),
    Source(
        name="fred_cpiaucsl_api",
        format_name="fred_series_observations",
        base_url="https://api.stlouisfed.org",
        path_template="/fred/series/observations?series_id=CPIAUCSL&file_type=json",
        file_template="fred_series_observations_CPIAUCSL_{day:%Y-%m-%d}.json",
        conditional=False,
        api_key_env="AURUM_FRED_API_KEY",
        reference=True,
        description="FRED API series/observations for CPIAUCSL (JSON; needs an API key)",
    ),
    Source(
        name="eia_henry_hub_daily_xls",
        format_name="eia_hist_xls",
        base_url="https://www.eia.gov",
        path_template="/dnav/ng/hist_xls/RNGWHHDd.xls",
        file_template="RNGWHHDd.xls",  # the whole series, re-fetched
        conditional=True,
        reference=True,
        description="EIA Henry Hub natural gas spot price, daily history (XLS)",
    ),
    Source(
        name="eia_v2_natural_gas_fut_weekly",
        format_name="eia_api_v2_series",
        base_url=EIA_API,
        path_template=(
            "/v2/natural-gas/pri/fut/data/?frequency=weekly&data[0]=value"
            "&facets[series][]=RNGC4&start={day:%Y-%m-%d}&end={day:%Y-%m-%d}"
        ),
        file_template="eia_v2_natural-gas_pri_fut_weekly_RNGC4_{day:%Y-%m-%d}.json",
        conditional=False,
        api_key_env="AURUM_EIA_API_KEY",
        reference=True,
        description="EIA API v2 natural-gas/pri/fut, NYMEX contract 4 (RNGC4), weekly",
    ),
    Source(
        name="eia_v2_coal_market_sales_price",
        format_name="eia_api_v2_series",
        base_url=EIA_API,
        path_template=(
            "/v2/coal/market-sales-price/data/?frequency=annual&data[0]=price"
            "&facets[stateRegionId][]=AK&start={day:%Y}&end={day:%Y}"
        ),
        file_template="eia_v2_coal_market-sales-price_annual_AK_{day:%Y}.json",
        conditional=False,
        api_key_env="AURUM_EIA_API_KEY",
        reference=True,
        description="EIA API v2 coal/market-sales-price, annual, Alaska (values may be 'w')",
    ),
    Source(
        name="noaa_ghcnd_stations",
        format_name="noaa_ghcnd_stations",
        base_url="https://www.ncei.noaa.gov",
        path_template="/pub/data/ghcn/daily/ghcnd-stations.txt",
        file_template="ghcnd-stations_{day:%Y-%m-%d}.txt",
        conditional=True,
        reference=True,
        description="NOAA GHCN-Daily station list (fixed width)",
    ),
    Source(
        name="pjm_hrl_load_metered",
        format_name="pjm_hrl_load_metered",
        base_url=PJM_API,
        path_template="/api/v1/hrl_load_metered" + PJM_DAY,
        file_template="hrl_load_metered_{day:%Y-%m-%d}.csv",
        conditional=False,
        reference=True,
        description="PJM Data Miner 2 hrl_load_metered (hourly metered load)",
    ),
    Source(
        name="nyiso_pal",
        format_name="nyiso_pal",
        base_url=NYISO_MIS,
        path_template="/public/csv/pal/{day:%Y%m%d}pal.csv",
        file_template="{day:%Y%m%d}pal.csv",
        conditional=True,
        timezone="America/New_York",
        reference=True,
        description="NYISO MIS P-58B real-time actual load",
    ),
    Source(
        name="isone_hourlysysload",
        format_name="isone_ws_hourly_load",
        base_url=ISONE_WS,
        path_template="/api/v1.1/hourlysysload/day/{day:%Y%m%d}",
        file_template="isone_ws_v1.1_hourlysysload_day_{day:%Y%m%d}.json",
        conditional=False,
        timezone="America/New_York",
        reference=True,
        description="ISO-NE web services v1.1 hourly system load for one day (JSON)",
    ),
)

SOURCES: dict[str, Source] = {s.name: s for s in (*_LMP_SOURCES, *_REFERENCE_SOURCES)}
LMP_SOURCES: dict[str, Source] = {s.name: s for s in _LMP_SOURCES}
