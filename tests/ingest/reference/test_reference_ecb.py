"""ECB decoders against sample_data/ecb (line numbers are lines of the real files)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from reference_helpers import SAMPLES, split

from aurum.sources.ecb import formats as ecb

HIST = SAMPLES / "ecb" / "eurofxref-hist_head300.csv"
DAILY = SAMPLES / "ecb" / "eurofxref-daily_2025-05-09.xml"


def test_history_is_depivoted_and_na_cells_skipped():
    records, rejections = split(ecb.decode(HIST.read_bytes(), HIST.name))
    assert rejections == []
    # 300 data lines x 30 quoted currencies; the 11 withdrawn currencies are N/A every day
    assert len(records) == 9000
    assert {r["file_kind"] for r in records} == {"hist_csv"}
    assert not [r for r in records if r["currency"] in {"CYP", "TRL", "EEK", "HRK", "RUB"}]
    by_key = {(r["rate_date"], r["currency"]): r["rate_per_eur"] for r in records}
    # line 2: 2025-05-09,1.1252,163.36,... TRY (column 26) = 43.5999
    assert by_key[(date(2025, 5, 9), "USD")] == 1.1252
    assert by_key[(date(2025, 5, 9), "TRY")] == 43.5999
    # line 301 (last): 2024-03-05,1.0849,...
    assert by_key[(date(2024, 3, 5), "USD")] == 1.0849
    assert min(r["rate_date"] for r in records) == date(2024, 3, 5)


def test_daily_xml_cubes():
    records, rejections = split(ecb.decode(DAILY.read_bytes(), DAILY.name))
    assert rejections == []
    assert len(records) == 30
    rates = {r["currency"]: r["rate_per_eur"] for r in records}
    assert rates["USD"] == 1.1252  # line 9
    assert rates["GBP"] == 0.8477  # line 14, published as 0.84770
    assert rates["ZAR"] == 20.4835  # line 38
    assert {r["rate_date"] for r in records} == {date(2025, 5, 9)}
    assert {r["file_kind"] for r in records} == {"daily_xml"}


def test_history_and_daily_agree_on_the_shared_day():
    hist, _ = split(ecb.decode(HIST.read_bytes(), HIST.name))
    daily, _ = split(ecb.decode(DAILY.read_bytes(), DAILY.name))
    hist_day = {
        r["currency"]: r["rate_per_eur"] for r in hist if r["rate_date"] == date(2025, 5, 9)
    }
    assert hist_day == {r["currency"]: r["rate_per_eur"] for r in daily}


def test_zipped_history_decodes_like_the_csv():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", HIST.read_bytes())
    records, rejections = split(ecb.decode(buffer.getvalue(), "eurofxref-hist.zip"))
    assert rejections == [] and len(records) == 9000


def test_bad_cell_rejects_its_row_only():
    lines = HIST.read_text().splitlines()
    lines[1] = lines[1].replace("1.1252", "1.12x", 1)
    records, rejections = split(ecb.decode("\n".join(lines).encode(), HIST.name))
    assert len(records) == 9000 - 30
    assert [(r.row_number, "USD" in r.reason) for r in rejections] == [(1, True)]
    assert rejections[0].payload.startswith("2025-05-09,")


def test_bad_files_are_one_rejection():
    cases = {
        b"": "empty",
        b"Datum,USD,\n2025-05-09,1.1,\n": "header",
        b"PK\x03\x04garbage": "zip",
    }
    for data, word in cases.items():
        records, rejections = split(ecb.decode(data, HIST.name))
        assert records == [] and len(rejections) == 1 and rejections[0].row_number is None
        assert word in rejections[0].reason.lower()
    records, rejections = split(ecb.decode(b"<Envelope><Cube>", DAILY.name))
    assert records == [] and rejections[0].row_number is None
    truncated = DAILY.read_bytes()[:400]
    records, rejections = split(ecb.decode(truncated, DAILY.name))
    assert records == [] and "XML" in rejections[0].reason


def test_bad_xml_rate_rejects_that_rate():
    data = DAILY.read_bytes().replace(b"rate='163.36'", b"rate='n/a-ish'")
    records, rejections = split(ecb.decode(data, DAILY.name))
    assert len(records) == 29
    assert rejections[0].row_number == 2 and "JPY" in rejections[0].payload


# The daily CSV, real files (tests/fixtures/MANIFEST.md): ", " separators, the date
# spelled out, a trailing ", " on every line.
FIXTURES = SAMPLES.parent / "tests" / "fixtures" / "ecb"
DAILY_ZIP_2018 = FIXTURES / "eurofxref_2018-08-17.zip"
DAILY_CSV_2026 = FIXTURES / "eurofxref_2026-02-06.csv"


def test_daily_csv_zip_of_2018():
    records, rejections = split(ecb.decode(DAILY_ZIP_2018.read_bytes(), "a"))
    assert rejections == []
    assert len(records) == 32  # still quoting HRK and RUB in 2018
    assert {r["file_kind"] for r in records} == {"daily_csv"}
    assert {r["rate_date"] for r in records} == {date(2018, 8, 17)}
    rates = {r["currency"]: r["rate_per_eur"] for r in records}
    assert rates["USD"] == 1.1391 and rates["JPY"] == 125.75 and rates["BGN"] == 1.9558
    assert {"HRK", "RUB"} <= set(rates) and "" not in rates


def test_daily_csv_of_2026_has_no_bgn():
    records, rejections = split(ecb.decode(DAILY_CSV_2026.read_bytes(), "b"))
    assert rejections == []
    rates = {r["currency"]: r["rate_per_eur"] for r in records}
    assert len(rates) == 29 and "BGN" not in rates
    assert rates["USD"] == 1.1794 and rates["ZAR"] == 19.017  # first and last cells
    assert {r["rate_date"] for r in records} == {date(2026, 2, 6)}


def test_daily_csv_month_names_do_not_depend_on_the_locale():
    text = DAILY_CSV_2026.read_text().replace("06 February 2026", "6 FEBRUARY 2026")
    records, _ = split(ecb.decode(text.encode(), "b"))
    assert {r["rate_date"] for r in records} == {date(2026, 2, 6)}
    bad = DAILY_CSV_2026.read_text().replace("06 February 2026", "31 February 2026")
    records, rejections = split(ecb.decode(bad.encode(), "b"))
    assert records == [] and "31 February 2026" in rejections[0].reason
