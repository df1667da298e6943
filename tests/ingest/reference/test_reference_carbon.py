"""Carbon allowance auction results against sample_data/carbon (a real compilation, see MANIFEST)."""

from __future__ import annotations

from datetime import date

from reference_helpers import SAMPLES, split

from aurum.sources.carbon import formats as carbon

CSV = SAMPLES / "carbon" / "carbon-auction-results.csv"


def test_sample_rows_and_units():
    records, rejections = split(carbon.decode(CSV.read_bytes(), CSV.name))
    assert rejections == []
    assert len(records) == 54
    by_program = {}
    for r in records:
        by_program.setdefault(r["program"], []).append(r)
    assert len(by_program["CARB"]) == 22 and len(by_program["RGGI"]) == 32
    assert {r["price_unit"] for r in by_program["RGGI"]} == {"usd_per_short_ton"}
    assert {r["price_unit"] for r in by_program["CARB"]} == {"usd_per_tonne"}
    # line 42: RGGI,2022,3,2022-09-07,57.0,13.45,usd_per_short_ton,22404023.0,22404023.0,...
    rggi_57 = next(r for r in records if r["program"] == "RGGI" and r["auction_number"] == 57)
    assert (rggi_57["auction_date"], rggi_57["clearing_price"], rggi_57["allowances_sold"]) == (
        date(2022, 9, 7),
        13.45,
        22404023,
    )
    # line 19: CARB,2024,2,,,37.02,... -- no date, no auction number
    carb = next(
        r
        for r in records
        if (r["program"], r["auction_year"], r["auction_quarter"]) == ("CARB", 2024, 2)
    )
    assert (carb["auction_date"], carb["auction_number"], carb["clearing_price"]) == (
        None,
        None,
        37.02,
    )


def test_unknown_unit_and_fractional_count_reject_the_row():
    header, *lines = CSV.read_text().splitlines()
    bad_unit = lines[22].replace("usd_per_short_ton", "usd_per_ton")
    fractional = lines[23].replace("13771025.0", "13771025.5", 1)
    data = "\n".join([header, bad_unit, fractional, lines[24]]).encode()
    records, rejections = split(carbon.decode(data, CSV.name))
    assert len(records) == 1
    assert [r.row_number for r in rejections] == [1, 2]
    assert "price_unit" in rejections[0].reason and "allowances_sold" in rejections[1].reason


def test_wrong_header_is_one_rejection():
    records, rejections = split(carbon.decode(b"auction,price\n1,2\n", CSV.name))
    assert records == [] and rejections[0].row_number is None
