"""Landing steps shared by the incremental-equality tests on DuckDB and Trino.

The samples arrive in three loads, the way a warehouse sees them over days:

1. every sample except PJM's hourly hub files and the large MISO day-ahead report (129 k
   rows that only add time);
2. PJM's hourly hub files (new intervals) and a re-load of the MISO real-time file
   (the same file again: its rows get a new load time and replace themselves);
3. a PJM "final" revision of 3 May UTC (version 2, prices moved by +1.25 $/MWh in the
   energy component) — months of history older than the newest intervals, so only a
   rebuild by load time (not by interval age) picks it up.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from aurum.dbt_runner import PROJECT_DIR

SAMPLES = PROJECT_DIR / "sample_data"
ISONE_FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "isone"
PJM_HOURLY = sorted((SAMPLES / "pjm").glob("*_hrl_lmps_hubs_*.csv"))
MISO_RT = SAMPLES / "miso" / "20260926_rt_lmp_final.csv"
MISO_DA = SAMPLES / "miso" / "20110716_da_lmp.csv"
REVISED_DAY = "5/3/2025"
REVISED_NAME = "rt_hrl_lmps_hubs_2025-05-03_final.csv"


def first_load() -> list[Path]:
    files = [
        p
        for p in sorted(SAMPLES.rglob("*"))
        if p.is_file() and p not in PJM_HOURLY and p != MISO_DA
    ]
    return [*files, *sorted(p for p in ISONE_FIXTURES.rglob("*") if p.is_file())]


def second_load() -> list[Path]:
    return [*PJM_HOURLY, MISO_RT]


def revision(directory: Path) -> Path:
    """PJM real-time hourly hub prices of one day, republished as version 2."""
    source = SAMPLES / "pjm" / "rt_hrl_lmps_hubs_2025-05-01_to_05-10.csv"
    reader = csv.DictReader(io.StringIO(source.read_text()))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    rows = 0
    for row in reader:
        if not row["datetime_beginning_utc"].startswith(REVISED_DAY + " "):
            continue
        for column in ("system_energy_price_rt", "total_lmp_rt"):
            row[column] = f"{float(row[column]) + 1.25:.6f}"
        row["version_nbr"] = "2"
        writer.writerow(row)
        rows += 1
    assert rows > 0, "the revised day is not in the sample"
    path = directory / REVISED_NAME
    path.write_text(out.getvalue())
    return path


# Reference revisions, landed with the PJM revision (third load): each publisher corrects
# one value of history. FX is not key-local (a rate fills forward over the weekend after
# it, and the USD rate enters every currency's cross rate), so its revision of Friday
# 7 March 2025 must change the filled Saturday and Sunday and every currency's USD cross.
FX_REVISED_DATE = "2025-03-07"
FX_REVISED_USD = "1.0957"  # published 1.0857
CARBON_REVISED_PRICE = "17.97"  # CARB 2020 Q1, published 17.87
FUEL_REVISED_PRICE = "1.901"  # EIA RNGC4 week of 1993-12-24, published 1.869


def reference_revisions(directory: Path) -> list[Path]:
    ecb = (SAMPLES / "ecb" / "eurofxref-hist_head300.csv").read_text().splitlines()
    day = next(line for line in ecb if line.startswith(FX_REVISED_DATE + ","))
    fields = day.split(",")
    fields[ecb[0].split(",").index("USD")] = FX_REVISED_USD
    fx = directory / "eurofxref-hist_revised.csv"
    fx.write_text(f"{ecb[0]}\n{','.join(fields)}\n")

    carbon_rows = (SAMPLES / "carbon" / "carbon-auction-results.csv").read_text().splitlines()
    header, first = carbon_rows[0], carbon_rows[1]
    assert first.startswith("CARB,2020,1,") and ",17.87," in first
    carbon = directory / "carbon-auction-results_revised.csv"
    carbon.write_text(
        f"{header}\n{first.replace(',17.87,', ',' + CARBON_REVISED_PRICE + ',', 1)}\n"
    )

    source = SAMPLES / "eia" / "eia_v2_natural-gas_pri_fut_weekly_RNGC4_1993-12-24.json"
    text = source.read_text()
    assert '"value":"1.869"' in text
    fuel = directory / "eia_v2_natural-gas_pri_fut_weekly_RNGC4_1993-12-24_revised.json"
    fuel.write_text(text.replace('"value":"1.869"', f'"value":"{FUEL_REVISED_PRICE}"'))
    return [fx, carbon, fuel]
