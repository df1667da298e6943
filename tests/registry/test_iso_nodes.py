"""Fast checks of seeds/iso_nodes.csv with csv + zoneinfo (no dbt)."""

from __future__ import annotations

import csv
import importlib.util
import zoneinfo
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "seeds" / "iso_nodes.csv"
COLUMNS = ["iso_code", "location_id", "location_name", "location_type", "zone", "hub", "timezone"]
ISO_CODES = {"CAISO", "PJM", "MISO", "ERCOT", "NYISO", "SPP", "ISONE"}
LOCATION_TYPES = {"HUB", "ZONE", "NODE", "INTERFACE", "AGGREGATE"}
# NYISO has no trading hub: it prices zones, and its zones (A, G, J) are what trades.
ISOS_WITHOUT_HUBS = {"NYISO"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with SEED.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _load_script():
    path = REPO / "scripts" / "registry" / "nodes_from_samples.py"
    spec = importlib.util.spec_from_file_location("nodes_from_samples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_keys_are_unique_and_present(rows):
    keys = Counter((r["iso_code"], r["location_id"]) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    assert all(r["location_id"] and r["location_id"] == r["location_id"].strip() for r in rows)


def test_allowed_values(rows):
    assert {r["iso_code"] for r in rows} == ISO_CODES
    assert {r["location_type"] for r in rows} <= LOCATION_TYPES


def test_timezones_are_iana_zones(rows):
    available = zoneinfo.available_timezones()
    for zone in {r["timezone"] for r in rows}:
        assert zone in available, zone
        zoneinfo.ZoneInfo(zone)


def test_every_hub_reference_names_a_hub_of_the_same_iso(rows):
    hubs = {(r["iso_code"], r["location_id"]) for r in rows if r["location_type"] == "HUB"}
    orphans = [r for r in rows if r["hub"] and (r["iso_code"], r["hub"]) not in hubs]
    assert orphans == []
    assert all(r["hub"] == r["location_id"] for r in rows if r["location_type"] == "HUB")


def test_every_iso_has_hubs_and_zones(rows):
    types = {(r["iso_code"], r["location_type"]) for r in rows}
    for iso in ISO_CODES:
        assert (iso, "ZONE") in types, iso
        if iso not in ISOS_WITHOUT_HUBS:
            assert (iso, "HUB") in types, iso


def test_sorted_by_iso_type_id(rows):
    keys = [(r["iso_code"], r["location_type"], r["location_id"]) for r in rows]
    assert keys == sorted(keys)


def test_zone_rows_name_themselves(rows):
    assert [
        r for r in rows if r["location_type"] == "ZONE" and r["zone"] != r["location_name"]
    ] == []


def by_key(rows):
    return {(r["iso_code"], r["location_id"]): r for r in rows}


def test_core_hubs_and_zones_with_their_real_ids(rows):
    index = by_key(rows)
    expected = {
        ("PJM", "51288"): ("WESTERN HUB", "HUB"),
        ("PJM", "1"): ("PJM-RTO", "ZONE"),
        ("PJM", "34964545"): ("DOM", "ZONE"),
        ("PJM", "33092371"): ("COMED", "ZONE"),
        ("PJM", "1709725933"): ("OVEC", "ZONE"),
        ("CAISO", "TH_NP15_GEN-APND"): ("TH_NP15_GEN-APND", "HUB"),
        ("CAISO", "DLAP_VEA-APND"): ("DLAP_VEA-APND", "ZONE"),
        ("MISO", "INDIANA.HUB"): ("INDIANA.HUB", "HUB"),
        ("MISO", "AMIL.RICHLAND"): ("AMIL.RICHLAND", "NODE"),
        ("ERCOT", "HB_HUBAVG"): ("HB_HUBAVG", "HUB"),
        ("ERCOT", "LZ_AEN"): ("LZ_AEN", "ZONE"),
        ("ERCOT", "LZ_AEN_LZEW"): ("LZ_AEN", "ZONE"),
        ("NYISO", "61761"): ("N.Y.C.", "ZONE"),
        ("NYISO", "61844"): ("H Q", "INTERFACE"),
        ("SPP", "SPPNORTH_HUB"): ("SPPNORTH_HUB", "HUB"),
        ("ISONE", "4000"): (".H.INTERNAL_HUB", "HUB"),
        ("ISONE", "4008"): (".Z.NEMASSBOST", "ZONE"),
    }
    for key, (name, kind) in expected.items():
        assert (index[key]["location_name"], index[key]["location_type"]) == (name, kind), key
    assert sum(1 for r in rows if r["iso_code"] == "PJM" and r["location_type"] == "HUB") == 12
    assert sum(1 for r in rows if r["iso_code"] == "ERCOT" and r["location_type"] == "ZONE") == 16
    assert sum(1 for r in rows if r["iso_code"] == "NYISO") == 15
    isone_zones = {r["location_id"] for r in rows if r["iso_code"] == "ISONE" and r["zone"]}
    assert isone_zones == {str(i) for i in range(4001, 4009)}


def test_timezones_follow_the_location_not_the_market(rows):
    index = by_key(rows)
    assert index[("MISO", "MICHIGAN.HUB")]["timezone"] == "America/Detroit"
    assert index[("MISO", "INDIANA.HUB")]["timezone"] == "America/Indiana/Indianapolis"
    assert index[("MISO", "ARKANSAS.HUB")]["timezone"] == "America/Chicago"
    assert index[("PJM", "33092371")]["timezone"] == "America/Chicago"  # COMED
    assert index[("SPP", "CISO")]["timezone"] == "America/Los_Angeles"
    assert index[("SPP", "PSCO")]["timezone"] == "America/Denver"
    assert index[("CAISO", "AZPS_PINT_PACE_E_EIMBASE-APND")]["timezone"] == "America/Phoenix"


def test_every_sample_location_is_registered():
    script = _load_script()
    assert script.missing_locations(SEED, REPO / "sample_data") == []
