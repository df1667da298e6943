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
