"""EIA decoders against sample_data/eia: the Henry Hub XLS and two API v2 responses."""

from __future__ import annotations

import json
from datetime import date

import pytest
from reference_helpers import SAMPLES, split

from aurum.sources.eia import formats as eia

XLS = SAMPLES / "eia" / "RNGWHHDd.xls"
FUTURES = SAMPLES / "eia" / "eia_v2_natural-gas_pri_fut_weekly_RNGC4_1993-12-24.json"
COAL = SAMPLES / "eia" / "eia_v2_coal_market-sales-price_annual_AK_OM_2001.json"


def test_henry_hub_xls():
    records, rejections = split(eia.decode_xls(XLS.read_bytes(), XLS.name))
    assert rejections == []
    assert len(records) == 6916
    first, last = records[0], records[-1]
    # sheet 'Data 1' row 4: serial 35437 = 1997-01-07, 3.82
    assert (first["period_date"], first["value"], first["value_status"]) == (
        date(1997, 1, 7),
        3.82,
        "ok",
    )
    assert last["period_date"] == date(2024, 7, 9)
    assert {r["series_id"] for r in records} == {"RNGWHHD"}
    assert "Dollars per Million Btu" in first["series_description"]
    empty = [r for r in records if r["value_status"] != "ok"]
    # sheet row 5288: serial 43105 = 2018-01-05 with an empty price cell
    assert [(r["period_date"], r["value"], r["value_status"]) for r in empty] == [
        (date(2018, 1, 5), None, "null")
    ]


@pytest.mark.parametrize(
    ("name", "frequency", "rows", "first", "last"),
    [
        # The frequency is the workbook's own (Contents: Daily/Weekly/Monthly/Annual); all
        # four share the Sourcekey RNGWHHD, so a file's frequency cannot be assumed.
        ("RNGWHHDd.xls", "daily", 6916, (date(1997, 1, 7), 3.82), (date(2024, 7, 9), 2.42)),
        ("RNGWHHDw.xls", "weekly", 1434, (date(1997, 1, 10), 3.79), (date(2024, 7, 5), 2.08)),
        ("RNGWHHDm.xls", "monthly", 293, (date(1997, 1, 15), 3.45), (date(2021, 5, 15), 2.91)),
        ("RNGWHHDa.xls", "annual", 17, (date(1997, 6, 30), 2.49), (date(2013, 6, 30), 3.73)),
    ],
)
def test_every_frequency_comes_from_the_workbook(name, frequency, rows, first, last):
    data = (SAMPLES / "eia" / name).read_bytes()
    records, rejections = split(eia.decode_xls(data, "henry_hub_daily.xls"))  # a name that lies
    assert rejections == [] and len(records) == rows
    assert {r["frequency"] for r in records} == {frequency}
    assert {r["series_id"] for r in records} == {"RNGWHHD"}
    assert (records[0]["period_date"], records[0]["value"]) == first
    assert (records[-1]["period_date"], records[-1]["value"]) == last


def test_a_workbook_that_states_no_frequency_is_refused():
    import xlrd

    book = xlrd.open_workbook(file_contents=XLS.read_bytes())
    with pytest.raises(Exception, match="cannot tell the frequency"):
        eia._xls_frequency(_without_contents(book), "Henry Hub Natural Gas Spot Price")
    assert eia._xls_frequency(_without_contents(book), "Weekly Henry Hub …") == "weekly"


class _without_contents:
    """A workbook view without its Contents sheet (as a re-saved copy may lack it)."""

    def __init__(self, book):
        self.book = book

    def sheet_names(self):
        return [n for n in self.book.sheet_names() if n != "Contents"]


def test_xls_bad_files():
    for data in (b"", b"not a workbook at all", XLS.read_bytes()[:5000]):
        records, rejections = split(eia.decode_xls(data, XLS.name))
        assert records == [] and len(rejections) == 1 and rejections[0].row_number is None


def test_futures_api_value_and_units():
    records, rejections = split(eia.decode_api_v2(FUTURES.read_bytes(), FUTURES.name))
    assert rejections == []
    assert len(records) == 1
    row = records[0]
    assert (row["route"], row["frequency"], row["period"], row["series_id"]) == (
        "/v2/natural-gas/pri/fut/data/",
        "weekly",
        "1993-12-24",
        "RNGC4",
    )
    assert (row["value"], row["value_status"], row["units"]) == (1.869, "ok", "$/MMBTU")
    assert json.loads(row["facets"])["process"] == "PE4"


def test_coal_api_withheld_values_land_with_status():
    records, rejections = split(eia.decode_api_v2(COAL.read_bytes(), COAL.name))
    assert rejections == []
    assert [(r["data_column"], r["value"], r["value_status"], r["units"]) for r in records] == [
        ("price", None, "withheld", "dollars per short ton"),
        ("sales", None, "withheld", "short tons"),
    ]
    assert json.loads(records[0]["facets"]) == {
        "marketTypeDescription": "Open Market",
        "marketTypeId": "OM",
        "stateRegionDescription": "Alaska",
        "stateRegionId": "AK",
    }


def test_api_null_bad_number_and_bad_period():
    document = json.loads(FUTURES.read_text())
    template = document["response"]["data"][0]
    document["response"]["data"] = [
        {**template, "value": None},
        {**template, "period": "1993-12-31", "value": "abc"},
        {**template, "period": "1993-W52"},
        {**template, "period": "1994-01-07", "value": "2.01"},
    ]
    records, rejections = split(eia.decode_api_v2(json.dumps(document).encode(), FUTURES.name))
    assert [(r["period"], r["value"], r["value_status"]) for r in records] == [
        ("1993-12-24", None, "null"),
        ("1994-01-07", 2.01, "ok"),
    ]
    assert [r.row_number for r in rejections] == [2, 3]
    assert "abc" in rejections[0].reason and "dateFormat" in rejections[1].reason


def test_api_bad_files():
    for data in (b"", b"{", b'{"error": "invalid api key"}', b'{"response": {"data": []}}'):
        records, rejections = split(eia.decode_api_v2(data, FUTURES.name))
        assert records == [] and len(rejections) == 1 and rejections[0].row_number is None
