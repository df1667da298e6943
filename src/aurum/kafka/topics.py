"""Topic names, in one place."""

from __future__ import annotations

from aurum.sources.core.formats import SourceFormat
from aurum.sources.core.vocabulary import ISO_CODES

DLQ_TOPIC = "aurum.ingest.error.v1"
SCENARIO_REQUEST_TOPIC = "scenario.request.v1"

# Reference feeds publish by dataset, not by ISO (roadmap: aurum.ref.fx.daily.v1 …).
# Formats sharing a topic are told apart by the `aurum.format` header.
REFERENCE_TOPICS: dict[str, str] = {
    "ecb_eurofxref": "aurum.ref.fx.daily.v1",
    "fred_series_observations": "aurum.ref.cpi.monthly.v1",
    "eia_hist_xls": "aurum.ref.fuel.eia.v1",
    "eia_api_v2_series": "aurum.ref.fuel.eia.v1",
    "carbon_auction_results": "aurum.ref.carbon.allowance.v1",
    "noaa_ghcnd_stations": "aurum.ref.weather.stations.v1",
    "pjm_hrl_load_metered": "aurum.ref.load.hourly.v1",
    "nyiso_pal": "aurum.ref.load.hourly.v1",
    "isone_ws_hourly_load": "aurum.ref.load.hourly.v1",
    "isone_ws_load_forecast": "aurum.ref.load.forecast.v1",
    "isone_ws_locations": "aurum.ref.iso.locations.v1",
}

LMP_ISOS = ISO_CODES


def lmp_topic(iso_code: str) -> str:
    return f"aurum.iso.{iso_code.lower()}.lmp.v1"


def topic_for(source_format: SourceFormat) -> str:
    if source_format.name in REFERENCE_TOPICS:
        return REFERENCE_TOPICS[source_format.name]
    if source_format.aliases:  # LMP formats carry the standard aliases
        return lmp_topic(source_format.iso)
    raise LookupError(f"no topic for source format {source_format.name!r}")


def landing_topics() -> list[str]:
    """Every topic the Kafka → DuckDB lander reads: one per LMP ISO and reference dataset,
    and the dead letters."""
    from aurum.sources import FORMATS

    return sorted({topic_for(f) for f in FORMATS} | {DLQ_TOPIC})
