"""GHCND station list against sample_data/noaa_ghcnd (fixed width)."""

from __future__ import annotations

from reference_helpers import SAMPLES, split

from aurum.sources.noaa import formats as noaa

STATIONS = SAMPLES / "noaa_ghcnd" / "ghcnd-stations_excerpt.txt"


def test_stations():
    records, rejections = split(noaa.decode(STATIONS.read_bytes(), STATIONS.name))
    assert rejections == []
    assert len(records) == 57
    by_id = {r["station_id"]: r for r in records}
    # line 36: USP00CA0003  38.5069 -121.4950    4.6 CA SACRAMENTO AP ASOS   GSN     72483
    assert by_id["USP00CA0003"] == {
        "station_id": "USP00CA0003",
        "country_code": "US",
        "latitude": 38.5069,
        "longitude": -121.495,
        "elevation_m": 4.6,
        "state": "CA",
        "name": "SACRAMENTO AP ASOS",
        "gsn_flag": "GSN",
        "hcn_crn_flag": None,
        "wmo_id": "72483",
    }
    # line 1: a non-US station has no state; trailing blanks were dropped from the line
    assert (by_id["ACW00011604"]["state"], by_id["ACW00011604"]["name"]) == (
        None,
        "ST JOHNS COOLIDGE FLD",
    )
    # line 29: elevation 1414.3, a name with digits in it
    assert by_id["USC00519387"]["elevation_m"] == 1414.3
    assert by_id["USC00519387"]["name"] == "WAIKII 100.00"
    assert sum(1 for r in records if r["country_code"] == "US") == 32


def test_negative_and_missing_elevation():
    # constructed lines in the documented layout: below sea level, and -999.9 = missing
    def line(station, lat, lon, elev, state, name, gsn="", hcn="", wmo=""):
        return f"{station:11} {lat:8.4f} {lon:9.4f} {elev:6.1f} {state:2} {name:30} {gsn:3} {hcn:3} {wmo:5}"

    lines = [
        line("USC00042319", 36.4622, -116.8669, -59.1, "CA", "DEATH VALLEY", hcn="HCN"),
        line("USC00000001", 40.0, -100.0, -999.9, "NE", "NO ELEVATION").rstrip(),
    ]
    records, rejections = split(noaa.decode("\n".join(lines).encode(), STATIONS.name))
    assert rejections == []
    assert [r["elevation_m"] for r in records] == [-59.1, None]
    assert records[0]["hcn_crn_flag"] == "HCN"


def test_misaligned_lines_are_rejected():
    good = STATIONS.read_text().splitlines()[35]
    shifted = " " + good
    non_numeric = good[:12] + "  N/A.xx" + good[20:]
    data = "\n".join([good, shifted, non_numeric, "X" * 90]).encode()
    records, rejections = split(noaa.decode(data, STATIONS.name))
    assert len(records) == 1
    assert [r.row_number for r in rejections] == [2, 3, 4]


def test_empty_file():
    records, rejections = split(noaa.decode(b"\n\n", STATIONS.name))
    assert records == [] and rejections[0].row_number is None
