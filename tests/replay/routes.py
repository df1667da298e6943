"""Which sample file the replay server answers at which real URL path.

Each `Sample` ties a file in `sample_data/` (or a constructed fixture in `tests/fixtures/`)
to the Source and day whose `Source.url(day)` it answers, so that

    fetcher.fetch(SOURCES[s.source].url(s.day, base_url=server.base_url)).content

is the sample's bytes. Route keys are `path?query`, where the query holds the keys
that select the file (a request matches when it carries all of them; extra keys such
as `api_key` are ignored).

Multi-day samples (PJM's ten-day exports, the FRED and ECB history files) are served at
their first day's URL only, so fetching each sample once lands each row once.

Constructed responses (not published data, clearly marked inside):
- ERCOT archive listings: the archive API's `archives[]` shape naming the sample
  document(s) posted that day; the documents themselves are the real samples.
- ECB history: the real `eurofxref-hist` sample wrapped in a zip, as the ECB serves it.
Samples with no Source are served at their real path (ISO-NE location/demand/forecast
responses) or, for NYISO OASIS exports (interactive downloads with no stable URL), under
`/replay/nyiso/oasis/`.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from aurum.dbt_runner import PROJECT_DIR
from aurum.sources import SOURCES

SAMPLE_DATA = PROJECT_DIR / "sample_data"
FIXTURES = PROJECT_DIR / "tests" / "fixtures"
PLACEHOLDER_BASE = "http://replay.invalid"


@dataclass(frozen=True)
class Sample:
    file: Path
    source: str | None = None  # SOURCES key whose url(day) serves it
    day: date | None = None
    doc_id: str | None = None  # ERCOT archive document id
    path: str | None = None  # route for samples without a Source
    zipped_as: str | None = None  # served inside a zip under this member name

    def route(self) -> str:
        if self.path:
            return self.path
        assert self.source and self.day
        source = SOURCES[self.source]
        if source.archive:
            listing = urlsplit(source.url(self.day, PLACEHOLDER_BASE))
            return f"{listing.path}?download={self.doc_id}"
        return _path_and_query(source.url(self.day, PLACEHOLDER_BASE))


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _s(relative: str, **kwargs) -> Sample:
    root = FIXTURES if relative.startswith("fixtures/") else SAMPLE_DATA
    return Sample(file=root / relative.removeprefix("fixtures/"), **kwargs)


D = date
SAMPLES: tuple[Sample, ...] = (
    _s(
        "caiso/oasis_PRC_LMP_DAM_20200101_subset_A.zip",
        source="caiso_prc_lmp_dam",
        day=D(2020, 1, 1),
    ),
    _s("pjm/da_hrl_lmps_hubs_2025-05-01_to_05-10.csv", source="pjm_da_hrl_lmps", day=D(2025, 5, 1)),
    _s("pjm/rt_hrl_lmps_hubs_2025-05-01_to_05-10.csv", source="pjm_rt_hrl_lmps", day=D(2025, 5, 1)),
    _s(
        "pjm/rt_fivemin_hrl_lmps_PJM-RTO_2025-09-01_first6h.csv",
        source="pjm_rt_fivemin_hrl_lmps",
        day=D(2025, 9, 1),
    ),
    _s(
        "pjm/hrl_load_metered_RTO_2025-01_to_02.csv",
        source="pjm_hrl_load_metered",
        day=D(2025, 1, 1),
    ),
    _s("miso/20110716_da_lmp.csv", source="miso_da_lmp", day=D(2011, 7, 16)),
    _s("miso/20260926_rt_lmp_final.csv", source="miso_rt_lmp_final", day=D(2026, 9, 26)),
    _s(
        "miso/GetRealTimeFiveMinExPost_Current_subset.json",
        source="miso_api_rt_fivemin_expost",
        day=D(2026, 10, 2),
    ),
    # ERCOT archive documents are listed by posting day: the DAM for 09-29 posts on 09-28.
    _s(
        "ercot/np4-190-cd_DAMSPNP4190_2026-09-29_sample.csv",
        source="ercot_np4_190_dam_spp",
        day=D(2026, 9, 28),
        doc_id="1280076656",
    ),
    _s(
        "ercot/np6-905-cd_SPPHLZNP6905_2026-09-29_HE12_int1_sample.csv",
        source="ercot_np6_905_rt_spp",
        day=D(2026, 9, 29),
        doc_id="1280437734",
    ),
    # MANIFEST.md records no document id for this posting; 1 is the replay's stand-in.
    _s(
        "ercot/np6-788-cd_LMPSROSNODENP6788_2026-09-29T112517_sample.csv",
        source="ercot_np6_788_sced_lmp",
        day=D(2026, 9, 29),
        doc_id="1",
    ),
    _s(
        "ercot/api_np6-905-cd_spp_node_zone_hub_2026-09-28_sample.json",
        source="ercot_api_np6_905_spp",
        day=D(2026, 9, 28),
    ),
    _s(
        "ercot/api_np4-190-cd_dam_stlmnt_pnt_prices_2026-09-28_sample.json",
        source="ercot_api_np4_190_dam_spp",
        day=D(2026, 9, 28),
    ),
    _s("nyiso/20220718damlbmp_zone.csv", source="nyiso_damlbmp_zone", day=D(2022, 7, 18)),
    _s("nyiso/20220718realtime_zone.csv", source="nyiso_realtime_zone", day=D(2022, 7, 18)),
    _s("nyiso/20171122pal.csv", source="nyiso_pal", day=D(2017, 11, 22)),
    _s(
        "nyiso/OASIS_Day-Ahead_Market_Zonal_LBMP_NYC_2024-06.csv",
        path="/replay/nyiso/oasis/OASIS_Day-Ahead_Market_Zonal_LBMP_NYC_2024-06.csv",
    ),
    _s(
        "nyiso/OASIS_Real_Time_Commitment_Zonal_LBMP_NYC_2024-06-01_07.csv",
        path="/replay/nyiso/oasis/OASIS_Real_Time_Commitment_Zonal_LBMP_NYC_2024-06-01_07.csv",
    ),
    _s("spp/DA-LMP-SL-202606010100_subset.csv", source="spp_da_lmp_sl", day=D(2026, 6, 1)),
    _s(
        "spp/RTBM-LMP-DAILY-SL-20250701_subset.csv",
        source="spp_rtbm_lmp_daily_sl",
        day=D(2025, 7, 1),
    ),
    _s(
        "fixtures/isone/isone_ws_v1.1_hourlylmp_da_final_day_20240310.json",
        source="isone_hourlylmp_da_final",
        day=D(2024, 3, 10),
    ),
    _s(
        "fixtures/isone/isone_ws_v1.1_hourlylmp_da_final_day_20241103.json",
        source="isone_hourlylmp_da_final",
        day=D(2024, 11, 3),
    ),
    _s(
        "isone/isone_ws_v1.1_hourlysysload_day_20240309.json",
        source="isone_hourlysysload",
        day=D(2024, 3, 9),
    ),
    _s("isone/isone_ws_v1.1_hourlysysload_current.json", path="/api/v1.1/hourlysysload/current"),
    _s("isone/isone_ws_v1.1_locations.json", path="/api/v1.1/locations"),
    _s(
        "isone/isone_ws_v1.1_realtimehourlydemand_day_20241102_location_4001.json",
        path="/api/v1.1/realtimehourlydemand/day/20241102/location/4001",
    ),
    _s(
        "isone/isone_ws_v1.1_realtimehourlydemand_day_20241102_location_4002.json",
        path="/api/v1.1/realtimehourlydemand/day/20241102/location/4002",
    ),
    _s(
        "isone/isone_ws_v1.1_hourlyloadforecast_all_day_20241102.json",
        path="/api/v1.1/hourlyloadforecast/all/day/20241102",
    ),
    _s("ecb/eurofxref-daily_2025-05-09.xml", source="ecb_eurofxref_daily", day=D(2025, 5, 9)),
    _s(
        "ecb/eurofxref-hist_head300.csv",
        source="ecb_eurofxref_hist",
        day=D(2025, 5, 9),
        zipped_as="eurofxref-hist.csv",
    ),
    _s(
        "fixtures/ecb/eurofxref_2018-08-17.zip",
        source="ecb_eurofxref_daily_csv",
        day=D(2018, 8, 17),
    ),
    # A compilation of RGGI/CARB auction results (MANIFEST.md): no agency URL serves it.
    _s("carbon/carbon-auction-results.csv", path="/replay/carbon/carbon-auction-results.csv"),
    _s("fred/CPIAUCSL.csv", source="fred_cpiaucsl_csv", day=D(2025, 8, 1)),
    _s("eia/RNGWHHDd.xls", source="eia_henry_hub_daily_xls", day=D(2024, 7, 9)),
    _s("eia/RNGWHHDw.xls", source="eia_henry_hub_weekly_xls", day=D(2024, 7, 5)),
    _s("eia/RNGWHHDm.xls", source="eia_henry_hub_monthly_xls", day=D(2021, 5, 15)),
    _s("eia/RNGWHHDa.xls", source="eia_henry_hub_annual_xls", day=D(2013, 6, 30)),
    _s(
        "eia/eia_v2_natural-gas_pri_fut_weekly_RNGC4_1993-12-24.json",
        source="eia_v2_natural_gas_fut_weekly",
        day=D(1993, 12, 24),
    ),
    _s(
        "eia/eia_v2_coal_market-sales-price_annual_AK_OM_2001.json",
        source="eia_v2_coal_market_sales_price",
        day=D(2001, 1, 1),
    ),
    _s("noaa_ghcnd/ghcnd-stations_excerpt.txt", source="noaa_ghcnd_stations", day=D(2025, 1, 1)),
)


def default_routes() -> dict[str, Path]:
    """`path?query` -> sample file, for every sample served as-is."""
    return {s.route(): s.file for s in SAMPLES if not s.zipped_as}


def _zip(member: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # A fixed timestamp keeps the bytes (and the ETag) stable between runs.
        info = zipfile.ZipInfo(member, date_time=(2025, 5, 9, 16, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)
    return buffer.getvalue()


def _ercot_listing(source_name: str, day: date, samples: list[Sample]) -> bytes:
    source = SOURCES[source_name]
    archive_path = urlsplit(source.url(day, PLACEHOLDER_BASE)).path
    product = archive_path.rsplit("/", 1)[-1]
    archives = [
        {
            "docId": int(s.doc_id or 0),
            "friendlyName": s.file.stem,
            "postDatetime": f"{day:%Y-%m-%d}T00:00:00",
            "_links": {
                "endpoint": {
                    "href": f"{source.base_url}{archive_path}?download={s.doc_id}",
                }
            },
        }
        for s in samples
    ]
    body = {
        "_replay": "constructed by tests/replay/routes.py in the ERCOT archive listing shape",
        "_meta": {"totalRecords": len(archives), "pageSize": 1000, "totalPages": 1},
        "product": {"emilId": product.upper()},
        "archives": archives,
    }
    return json.dumps(body, indent=1).encode()


def generated_bodies() -> dict[str, bytes]:
    """Routes whose body is built from samples: ERCOT listings, zipped ECB history."""
    bodies: dict[str, bytes] = {}
    listings: dict[tuple[str, date], list[Sample]] = {}
    for sample in SAMPLES:
        if sample.zipped_as:
            bodies[sample.route()] = _zip(sample.zipped_as, sample.file.read_bytes())
        if sample.source and SOURCES[sample.source].archive:
            listings.setdefault((sample.source, sample.day), []).append(sample)
    for (source_name, day), samples in listings.items():
        listing_url = SOURCES[source_name].url(day, PLACEHOLDER_BASE)
        bodies[_path_and_query(listing_url)] = _ercot_listing(source_name, day, samples)
    return bodies
