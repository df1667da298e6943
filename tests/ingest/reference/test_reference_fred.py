"""FRED decoders: the real fredgraph CSV and a CONSTRUCTED API JSON fixture (see its README)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from reference_helpers import SAMPLES, split

from aurum.sources.fred import formats as fred

CSV = SAMPLES / "fred" / "CPIAUCSL.csv"
FIXTURES = Path(__file__).parents[2] / "fixtures" / "fred"
JSON = FIXTURES / "fred_series_observations_CPIAUCSL.json"


def test_csv_observations():
    records, rejections = split(fred.decode(CSV.read_bytes(), CSV.name))
    assert rejections == []
    assert len(records) == 548
    by_date = {r["observation_date"]: r for r in records}
    assert by_date[date(1980, 1, 1)]["value"] == 78.0  # line 2
    assert by_date[date(2024, 1, 1)]["value"] == 309.794  # line 530
    assert by_date[date(2025, 8, 1)]["value"] == 323.364  # line 549
    assert {r["series_id"] for r in records} == {"CPIAUCSL"}
    assert not any(r["value_is_missing"] for r in records)


def test_old_date_header_and_missing_values_kept_as_null():
    data = b"DATE,CPIAUCSL\n2025-09-01,324.368\n2025-10-01,.\n2025-11-01,\n"
    records, rejections = split(fred.decode(data, "CPIAUCSL.csv"))
    assert rejections == []
    assert [(r["value"], r["value_is_missing"]) for r in records] == [
        (324.368, False),
        (None, True),
        (None, True),
    ]


def test_json_fixture_matches_the_csv_values():
    records, rejections = split(fred.decode(JSON.read_bytes(), JSON.name))
    assert rejections == []
    csv_values = {
        r["observation_date"]: r["value"] for r in split(fred.decode(CSV.read_bytes(), CSV.name))[0]
    }
    assert len(records) == len(json.loads(JSON.read_text())["observations"])
    for record in records:
        assert record["series_id"] == "CPIAUCSL"
        assert record["file_kind"] == "api_json"
        if not record["value_is_missing"]:
            assert record["value"] == csv_values[record["observation_date"]]
    assert [r for r in records if r["value_is_missing"]]  # the fixture has one "." value
    assert records[0]["realtime_start"] == date(2025, 9, 12)


def test_bad_inputs():
    records, rejections = split(fred.decode(b"observation_date,cpi aucsl\n", CSV.name))
    assert records == [] and rejections[0].row_number is None
    records, rejections = split(fred.decode(b"observation_date,CPIAUCSL\n2024-13-01,1\n", CSV.name))
    assert records == [] and rejections[0].row_number == 1
    records, rejections = split(fred.decode(b'{"observations": []}', "observations.json"))
    assert rejections and "series" in rejections[0].reason
    records, rejections = split(fred.decode(b'{"seriess": []}', JSON.name))
    assert rejections and rejections[0].row_number is None
    bad = {
        "observations": [
            {"date": "2024-01-01", "value": "abc"},
            {"date": "2024-02-01", "value": "1.5"},
        ]
    }
    records, rejections = split(fred.decode(json.dumps(bad).encode(), JSON.name))
    assert [r["value"] for r in records] == [1.5]
    assert rejections[0].row_number == 1 and "abc" in rejections[0].reason
