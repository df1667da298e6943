"""`aurum-land` on hostile and unrecognised files: every file succeeds or fails on its own,
with a reason; the exit status summarises the batch; nothing landed is ever erased by a
later empty or rejected file; ZIPs and stored reasons are bounded (issue 10, item 9)."""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path

import duckdb
import pytest

from aurum.ingest.land import main as land_main
from aurum.ingest.landing import PAYLOAD_CHARS, REASON_CHARS

ROOT = Path(__file__).resolve().parents[2]
PJM_DA = ROOT / "sample_data" / "pjm" / "da_hrl_lmps_hubs_2025-05-01_to_05-10.csv"
NYISO_DAM = ROOT / "sample_data" / "nyiso" / "20220718damlbmp_zone.csv"
ERCOT_DAM = ROOT / "sample_data" / "ercot" / "np4-190-cd_DAMSPNP4190_2026-09-29_sample.csv"
ISONE_LMP = (
    ROOT / "tests" / "fixtures" / "isone" / "isone_ws_v1.1_hourlylmp_da_final_day_20241103.json"
)
ISONE_LOAD = ROOT / "sample_data" / "isone" / "isone_ws_v1.1_hourlysysload_day_20240309.json"


def _land(database: Path, *paths: Path, extra: tuple[str, ...] = ()) -> int:
    return land_main(["--database", str(database), *extra, *map(str, paths)])


def _one(database: Path, sql: str, *params):
    with duckdb.connect(str(database)) as conn:
        return conn.execute(sql, list(params)).fetchone()


def _pjm_lines() -> list[str]:
    return PJM_DA.read_text().splitlines()


def test_one_bad_file_never_stops_the_batch(tmp_path, capsys):
    batch = tmp_path / "batch"
    batch.mkdir()
    # 200,000 levels of nesting: used to end the run in RecursionError.
    (batch / "a_hourlylmp_da_final.json").write_text("[" * 200_000 + "]" * 200_000)
    # A field over the csv module's 131,072-character limit: used to raise _csv.Error.
    lines = _pjm_lines()
    fields = lines[5].split(",")
    fields[3] = "X" * 140_000  # pnode_name
    lines[5] = ",".join(fields)
    (batch / "b_da_hrl_lmps.csv").write_text("\n".join(lines) + "\n")
    # Bare CR line endings (classic Mac OS): used to raise "new-line character seen".
    (batch / "c_rt.csv").write_bytes(NYISO_DAM.read_bytes().replace(b"\n", b"\r"))
    (batch / "d.csv").write_bytes(ERCOT_DAM.read_bytes())
    database = tmp_path / "w.duckdb"

    assert _land(database, batch) == 1  # the nested JSON was not landed
    out, err = capsys.readouterr()
    assert "not landed: " in err and "a_hourlylmp_da_final.json" in err
    assert "nested too deeply" in err
    assert _one(database, "select count(*) from landing.pjm_dataminer_lmp") == (2879,)
    assert _one(database, "select count(*) from landing.nyiso_mis_zonal_lbmp") == (360,)
    assert _one(database, "select count(*) from landing.ercot_dam_spp") == (40,)
    reason, row = _one(database, "select reason, source_row from landing.rejected_rows")
    assert "field larger than field limit (131072)" in reason and row == 5
    assert "3 of 4 files landed" in out


def test_an_empty_or_rejected_file_of_the_same_name_never_erases_good_rows(tmp_path, capsys):
    good, empty, broken = tmp_path / "good", tmp_path / "empty", tmp_path / "broken"
    for folder in (good, empty, broken):
        folder.mkdir()
    (good / PJM_DA.name).write_bytes(PJM_DA.read_bytes())
    (empty / PJM_DA.name).write_bytes(b"")
    wrong = PJM_DA.read_text().replace("total_lmp_da", "lmp_total", 1)
    (broken / PJM_DA.name).write_text(wrong)
    database = tmp_path / "w.duckdb"
    assert _land(database, good) == 0
    assert _land(database, empty) == 1
    assert _land(database, broken) == 1
    # the same good file again, from anywhere, is recognised by its content: unchanged
    copy = tmp_path / "renamed_copy.csv"
    copy.write_bytes(PJM_DA.read_bytes())
    assert _land(database, copy) == 0
    assert _one(database, "select count(*) from landing.pjm_dataminer_lmp") == (2880,)
    out, err = capsys.readouterr()
    assert "unchanged" in out and "empty file" in err and "not landed" in err

    # Overwritten in place with a file whose rows all fail: the earlier rows stay too.
    bad_rows = "\n".join(
        [line if i == 0 else line.replace("True", "maybe") for i, line in enumerate(_pjm_lines())]
    )
    (good / PJM_DA.name).write_text(bad_rows)
    assert _land(database, good) == 1
    assert _one(database, "select count(*) from landing.pjm_dataminer_lmp") == (2880,)
    status = _one(
        database,
        "select status, reason from landing.landed_files order by landed_at desc limit 1",
    )
    assert status == ("rejected", "every row was rejected")


def test_a_newer_file_under_the_same_name_replaces_the_earlier_rows(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    target = folder / "prices.csv"
    target.write_bytes(PJM_DA.read_bytes())
    database = tmp_path / "w.duckdb"
    assert _land(database, target) == 0
    target.write_text("\n".join(_pjm_lines()[:13]) + "\n")  # a corrected, shorter file
    assert _land(database, target) == 0
    assert _one(database, "select count(*) from landing.pjm_dataminer_lmp") == (12,)
    assert _one(database, "select count(*) from landing.landed_files") == (2,)


def test_unclaimed_and_ambiguous_files_fail_the_run_naming_them(tmp_path, capsys):
    unknown = tmp_path / "notes.csv"
    unknown.write_text("month,notes\n2025-01,quiet\n")
    both = tmp_path / "merged.json"
    merged = {**json.loads(ISONE_LMP.read_text()), **json.loads(ISONE_LOAD.read_text())}
    both.write_text(json.dumps(merged))
    database = tmp_path / "w.duckdb"
    assert _land(database, unknown) == 1
    assert _land(database, both) == 1
    err = capsys.readouterr().err
    assert f"{unknown.as_posix()}: unrecognised: no source format claims it" in err
    assert f"{both.as_posix()}: ambiguous: claimed by 2 source formats" in err
    # continuing past them is an explicit choice, and they are still listed
    assert _land(database, unknown, both, extra=("--allow-unrecognised",)) == 0
    assert "not landed" in capsys.readouterr().err


def test_documentation_is_skipped_by_default_and_listed(tmp_path, capsys):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "README.md").write_text("# notes\n")
    (folder / ".hidden.csv").write_text("x\n")
    (folder / "prices.csv").write_bytes(NYISO_DAM.read_bytes())
    assert _land(tmp_path / "w.duckdb", folder) == 0
    out = capsys.readouterr().out
    assert "README.md (excluded)" in out and ".hidden.csv (hidden)" in out


def test_zip_members_are_capped_and_streamed(tmp_path):
    bomb = tmp_path / "np4-190-cd_DAMSPNP4190_csv.zip"
    header = ERCOT_DAM.read_bytes().split(b"\n", 1)[0] + b"\n"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("DAMSPNP4190.csv", "w") as member,
    ):
        member.write(header)
        for _ in range(96):  # 96 MiB of blank lines in a zip of about 100 KB
            member.write(b"\n" * (1 << 20))
    assert bomb.stat().st_size < 200_000
    database = tmp_path / "w.duckdb"
    tracemalloc.start()
    try:
        assert _land(database, bomb) == 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 << 20, f"peak {peak:,} bytes: the member was inflated"
    reason = _one(database, "select reason from landing.rejected_rows")[0]
    assert "AURUM_ZIP_MAX_RATIO" in reason


def test_stored_reasons_and_payloads_are_bounded_with_a_pointer(tmp_path):
    lines = _pjm_lines()
    lines[3] = lines[3].replace("30.98,", "9" * 10 + "x" * 100_000 + ",", 1)  # one huge bad value
    source = tmp_path / "huge.csv"
    source.write_text("\n".join(lines) + "\n")
    database = tmp_path / "w.duckdb"
    assert _land(database, source) == 0
    reason, payload, row = _one(
        database, "select reason, payload, source_row from landing.rejected_rows"
    )
    assert len(reason) < REASON_CHARS + 200 and len(payload) < PAYLOAD_CHARS + 200
    assert f"the full text is in {source.as_posix()} at row 3" in reason
    assert row == 3


@pytest.mark.parametrize("shape", ["bom", "crlf", "leading_blank", "trailing_blanks"])
def test_text_shape_variants_land_like_the_original(tmp_path, shape):
    data = NYISO_DAM.read_bytes()
    variant = {
        "bom": b"\xef\xbb\xbf" + data,
        "crlf": data.replace(b"\n", b"\r\n"),
        "leading_blank": b"\n\n" + data,
        "trailing_blanks": data + b"\n\n   \n",
    }[shape]
    source = tmp_path / "prices.csv"
    source.write_bytes(variant)
    database = tmp_path / "w.duckdb"
    assert _land(database, source) == 0
    assert _one(database, "select count(*), sum(lbmp) from landing.nyiso_mis_zonal_lbmp") == (
        360,
        pytest.approx(sum(float(x.split(",")[3]) for x in NYISO_DAM.read_text().splitlines()[1:])),
    )
