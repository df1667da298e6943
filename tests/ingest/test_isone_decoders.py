"""ISO-NE web-services LMP decoder against CONSTRUCTED fixtures (see tests/fixtures/isone).

No real ISO-NE LMP response exists in sample_data; the fixtures follow the documented
response shape and the serialisation of the real ISO-NE samples.
"""

from __future__ import annotations

import json
from datetime import datetime
from itertools import pairwise
from pathlib import Path

import duckdb

from aurum.ingest.landing import ensure_landing_tables, land_decoded
from aurum.sources import detect
from aurum.sources.core.records import Record, Rejection
from aurum.sources.isone import formats as isone

FIXTURES = Path(__file__).parents[1] / "fixtures" / "isone"
FALL_BACK = FIXTURES / "isone_ws_v1.1_hourlylmp_da_final_day_20241103.json"
SPRING_FORWARD = FIXTURES / "isone_ws_v1.1_hourlylmp_da_final_day_20240310.json"
REAL_SAMPLES = Path(__file__).parents[2] / "sample_data" / "isone"


def _decode(data: bytes, name: str):
    items = list(isone.decode(data, name))
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, Rejection)],
    )


def test_content_claims_lmp_responses_and_not_the_real_load_samples():
    assert detect(FALL_BACK.read_bytes(), "response.json") is isone.WS_LMP
    for path in REAL_SAMPLES.iterdir():
        assert detect(path.read_bytes(), path.name) is not isone.WS_LMP, path.name


def test_a_name_that_does_not_say_da_or_rt_is_refused_with_the_reason():
    records, rejections = _decode(FALL_BACK.read_bytes(), "response.json")
    assert records == [] and "cannot tell DA from RT" in rejections[0].reason


def test_fall_back_day_has_25_hours_and_distinct_utc():
    records, rejections = _decode(FALL_BACK.read_bytes(), FALL_BACK.name)
    assert rejections == []
    assert len(records) == 50
    hub = [r.values for r in records if r.values["location_id"] == "4000"]
    assert len(hub) == 25
    assert len({v["begin_date_utc"] for v in hub}) == 25
    # elements 3 and 5: 01:00-04:00 then 01:00-05:00 -> 05:00 and 06:00 UTC
    assert (hub[1]["begin_date"], hub[1]["begin_date_utc"], hub[1]["utc_offset_minutes"]) == (
        "2024-11-03T01:00:00.000-04:00",
        datetime(2024, 11, 3, 5),
        -240,
    )
    assert (hub[2]["begin_date"], hub[2]["begin_date_utc"], hub[2]["utc_offset_minutes"]) == (
        "2024-11-03T01:00:00.000-05:00",
        datetime(2024, 11, 3, 6),
        -300,
    )
    assert hub[0]["market_hint"] == "da_hourly"
    assert hub[0]["report_status"] == "final"
    assert (hub[0]["location_type"], hub[0]["location_name"]) == ("HUB", ".H.INTERNAL_HUB")


def test_spring_forward_day_has_23_hours_contiguous_in_utc():
    records, rejections = _decode(SPRING_FORWARD.read_bytes(), SPRING_FORWARD.name)
    assert rejections == []
    maine = [r.values for r in records if r.values["location_id"] == "4001"]
    assert len(maine) == 23
    starts = [v["begin_date_utc"] for v in maine]
    assert starts[0] == datetime(2024, 3, 10, 5)
    assert all((b - a).total_seconds() == 3600 for a, b in pairwise(starts))
    # the third hour is 03:00-04:00 local = 07:00 UTC, and it is a negative price
    third = maine[2]
    assert third["begin_date"] == "2024-03-10T03:00:00.000-04:00"
    assert third["begin_date_utc"] == datetime(2024, 3, 10, 7)
    assert third["lmp_total"] == -16.15
    assert (third["energy_component"], third["congestion_component"], third["loss_component"]) == (
        -12.5,
        -3.25,
        -0.4,
    )


def test_single_result_is_an_object_not_a_list():
    document = json.loads(FALL_BACK.read_text())
    one = document["HourlyLmps"]["HourlyLmp"][0]
    data = json.dumps({"HourlyLmps": {"HourlyLmp": one}}).encode()
    name = "isone_ws_v1.1_hourlylmp_rt_prelim_day_20241103_location_4000.json"
    records, rejections = _decode(data, name)
    assert rejections == []
    (record,) = records
    assert record.values["market_hint"] == "rt_hourly"
    assert record.values["report_status"] == "prelim"
    assert record.values["lmp_total"] == 30.21


def test_five_minute_root_and_no_data_response():
    element = json.loads(FALL_BACK.read_text())["HourlyLmps"]["HourlyLmp"][0]
    element = {**element, "BeginDate": "2024-11-03T00:05:00.000-04:00"}
    data = json.dumps({"FiveMinLmps": {"FiveMinLmp": [element]}}).encode()
    records, _ = _decode(data, "isone_ws_v1.1_fiveminutelmp_current_all.json")
    assert records[0].values["market_hint"] == "rt_fivemin"
    assert records[0].values["begin_date_utc"] == datetime(2024, 11, 3, 4, 5)
    records, rejections = _decode(b'{"HourlyLmps":""}', FALL_BACK.name)
    assert records == [] and rejections == []


def test_file_level_problems():
    for data, reason in (
        (b"", "empty file"),
        (b"{not json", "not valid JSON"),
        (b'{"HourlySystemLoads":{}}', "at the root"),
    ):
        records, rejections = _decode(data, FALL_BACK.name)
        assert records == []
        assert [r.row_number for r in rejections] == [None]
        assert reason in rejections[0].reason
    _, rejections = _decode(FALL_BACK.read_bytes(), "isone_ws_v1.1_hourlylmp_day_20241103.json")
    assert [r.row_number for r in rejections] == [None]
    assert "DA from RT" in rejections[0].reason


def test_bad_elements_are_rejected_and_the_rest_decode():
    document = json.loads(FALL_BACK.read_text())
    elements = document["HourlyLmps"]["HourlyLmp"]
    elements[0]["LmpTotal"] = "n/a"
    elements[1]["BeginDate"] = "2024-11-03T00:00:00"  # no offset
    del elements[2]["Location"]
    records, rejections = _decode(json.dumps(document).encode(), FALL_BACK.name)
    assert len(records) == 47
    assert [r.row_number for r in rejections] == [1, 2, 3]
    assert "'n/a'" in rejections[0].reason and "LmpTotal" in rejections[0].reason
    assert "no UTC offset" in rejections[1].reason
    assert "Location" in rejections[2].reason


def test_lands_into_duckdb():
    conn = duckdb.connect()
    ensure_landing_tables(conn, isone.FORMATS)
    for path in (FALL_BACK, SPRING_FORWARD):
        result = land_decoded(
            conn, isone.WS_LMP, path.name, isone.decode(path.read_bytes(), path.name)
        )
        assert result.rejected == 0
    assert conn.execute("select count(*) from landing.isone_ws_lmp").fetchone() == (96,)
