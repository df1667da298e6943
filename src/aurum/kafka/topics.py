"""Topic names, in one place."""

from __future__ import annotations

from aurum.ingest.formats import SourceFormat

DLQ_TOPIC = "aurum.ingest.error.v1"
SCENARIO_REQUEST_TOPIC = "scenario.request.v1"

# Reference feeds publish by dataset, not by ISO (roadmap: aurum.ref.fx.daily.v1 …).
REFERENCE_TOPICS: dict[str, str] = {}

LMP_ISOS = ("CAISO", "PJM", "MISO", "ERCOT", "NYISO", "SPP", "ISONE")


def lmp_topic(iso_code: str) -> str:
    return f"aurum.iso.{iso_code.lower()}.lmp.v1"


def topic_for(source_format: SourceFormat) -> str:
    if source_format.name in REFERENCE_TOPICS:
        return REFERENCE_TOPICS[source_format.name]
    if source_format.iso in LMP_ISOS:
        return lmp_topic(source_format.iso)
    raise LookupError(f"no topic for source format {source_format.name!r}")
