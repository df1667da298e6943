"""The columnar publish path gives exactly what the record-by-record path gives.

Three pieces, each checked against its row-wise reference on every sample and fixture
file: the Avro batch encoder against fastavro (byte for byte), the validation screen
against `validated` (never True when a rule fires), and MISO's Arrow report reader
against its row decoder (same records, or None so the row decoder decides).
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aurum.ingest.batches import records_table
from aurum.ingest.validate import all_valid, validated
from aurum.kafka.batch_codec import encode_landing_batch
from aurum.kafka.codec import encode_landing
from aurum.sources import DetectError, detect, format_named
from aurum.sources.core.records import Record, Rejection, number_items

ROOT = Path(__file__).resolve().parents[2]
REAL = Path("/work/shared/data/real")
FILES = sorted(
    p
    for folder in (ROOT / "sample_data", ROOT / "tests" / "fixtures")
    for p in folder.rglob("*")
    if p.is_file() and not p.name.endswith(".md")
)
MISO_REPORTS = [p for p in FILES if p.suffix == ".csv" and "_lmp" in p.name and "miso" in str(p)]
FETCHED_AT = datetime(2026, 12, 2, 6, 30, 15, 123456, tzinfo=UTC)


def decoded(source_format, data: bytes, name: str) -> tuple[list[Record], list[Rejection]]:
    records, rejections = [], []
    for item in number_items(source_format.decode(data, name)):
        (records if isinstance(item, Record) else rejections).append(item)
    return records, rejections


def batch_rows(table) -> list[tuple]:
    return [
        (row.pop("_row"), row.pop("_item"), row) for row in table.to_pylist()
    ]  # (row_number, item, values)


def record_rows(records: list[Record]) -> list[tuple]:
    return [(r.row_number, r.item, r.values) for r in records]


def test_every_sample_and_fixture_is_covered():
    assert len(FILES) >= 40 and len(MISO_REPORTS) >= 3


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_batch_encoding_is_fastavros_bytes_and_the_screen_agrees_with_validated(path):
    data = path.read_bytes()
    try:
        source_format = detect(data, path.name)
    except DetectError:
        pytest.skip("not a source file")
    records, _ = decoded(source_format, data, path.name)
    table = records_table(source_format, records)
    assert table is not None and table.num_rows == len(records)

    expected = [encode_landing(source_format, r, path.name, FETCHED_AT) for r in records]
    assert encode_landing_batch(source_format, table, path.name, FETCHED_AT) == expected

    problems = [p for _, p in validated(source_format, records) if p is not None]
    # Real files break no rule, and the screen must see that (else no file is fast).
    assert all_valid(source_format, table) == (not problems)


def miso_table(records: list[Record]):
    return records_table(format_named("miso_report_lmp"), records)


@pytest.fixture(scope="module")
def miso_records() -> list[Record]:
    path = ROOT / "sample_data" / "miso" / "20260926_rt_lmp_final.csv"
    records, _ = decoded(format_named("miso_report_lmp"), path.read_bytes(), path.name)
    return records


def changed(record: Record, row_number: int | None = None, **values) -> Record:
    return dataclasses.replace(
        record,
        row_number=record.row_number if row_number is None else row_number,
        values={**record.values, **values},
    )


@pytest.mark.parametrize(
    "rule, edit",
    [
        # An exact copy of an earlier row's record under a later row number.
        ("duplicate_row", lambda rs: [*rs, changed(rs[0], row_number=rs[-1].row_number + 1)]),
        # -0.0 == 0.0 in Python: still a duplicate.
        (
            "duplicate_row",
            lambda rs: (
                [
                    changed(rs[0], price=0.0),
                    *rs[1:],
                    changed(rs[0], row_number=rs[-1].row_number + 1, price=-0.0),
                ]
            ),
        ),
        ("missing_location", lambda rs: [changed(rs[0], node=None), *rs[1:]]),
        ("price_out_of_range", lambda rs: [*rs[:-1], changed(rs[-1], price=-100000.5)]),
    ],
)
def test_the_screen_refuses_any_table_a_rule_fires_on(miso_records, rule, edit):
    records = edit(list(miso_records))
    source_format = format_named("miso_report_lmp")
    assert [p.rule for _, p in validated(source_format, records) if p] == [rule]
    assert all_valid(source_format, miso_table(records)) is False


def test_the_screen_refuses_an_unknown_vocabulary_value_and_a_nan(miso_records):
    miso = format_named("miso_report_lmp")
    euro = dataclasses.replace(miso, aliases={**miso.aliases, "currency": "=EUR"})
    assert {p.rule for _, p in validated(euro, miso_records) if p} == {"unknown_vocabulary"}
    assert all_valid(euro, miso_table(miso_records)) is False
    # NaN compares unequal to itself; the screen does not guess, the row-wise path decides.
    with_nan = [changed(miso_records[0], price=math.nan), *miso_records[1:]]
    assert all_valid(miso, miso_table(with_nan)) is False


def test_values_that_do_not_fit_their_column_give_no_table(miso_records):
    assert miso_table([changed(miso_records[0], price="12.5"), *miso_records[1:]]) is None
    assert miso_table([changed(miso_records[0], hour_ending=1.5)]) is None


@pytest.mark.parametrize("path", MISO_REPORTS, ids=lambda p: p.name)
def test_miso_reader_gives_the_row_decoders_records(path):
    source_format = format_named("miso_report_lmp")
    data = path.read_bytes()
    records, rejections = decoded(source_format, data, path.name)
    table = source_format.decode_batch(data, path.name)
    assert table is not None and not rejections  # the published files are clean
    assert batch_rows(table) == record_rows(records)
    real = REAL / "miso" / path.name
    if real.exists():
        assert real.read_bytes() == data


def _variants(data: bytes) -> dict[str, bytes]:
    lines = data.split(b"\n")
    head, first, rest = (
        lines[:5],
        lines[5].split(b","),
        lines[6:],
    )  # title, date, blank, note, header

    def first_row(*fields: bytes, at: int = 3) -> bytes:
        """The file with its first data row's fields from `at` on replaced."""
        row = b",".join([*first[:at], *fields, *first[at + len(fields) :]])
        return b"\n".join([*head, row, *rest])

    def inserted(line: bytes) -> bytes:
        return b"\n".join([*head, lines[5], line, *rest])

    return {
        "crlf": data.replace(b"\n", b"\r\n"),
        "bom": b"\xef\xbb\xbf" + data,
        "blank lines before the title": b"\n\n" + data,
        "blank line in the data": inserted(b""),
        "no final newline": data.rstrip(b"\n"),
        "quoted fields": data.replace(first[0], b'"' + first[0] + b'"', 1),
        "dollar price": first_row(b"$" + first[3]),
        "spaces around a price": first_row(b" " + first[3] + b" "),
        "underscore price": first_row(b"1_000"),
        "plus price": first_row(b"+5.5"),
        "nan price": first_row(b"nan"),
        "huge price": first_row(b"1e400"),
        "missing prices": first_row(b"", b"N/A", b"."),
        "short row": inserted(b",".join(first[:10])),
        "blank-field row": inserted(b"," * 26),
        "unknown value kind": first_row(b"XYZ", at=2),
        "lower-case value kind": first_row(b" lmp ", at=2),
        "empty node type": first_row(b" ", at=1),
        "latin-1 node": first_row(b"N\xe9ud", at=0),
        "bad title": data.replace(b"Day Ahead Market LMPs", b"Something else", 1),
    }


# What the Arrow reader takes itself; everything else it leaves to the row decoder.
READ_BY_ARROW = {
    "blank lines before the title",
    "empty node type",
    "lower-case value kind",
    "missing prices",
    "no final newline",
    "spaces around a price",
}
DA_REPORT = ROOT / "sample_data" / "miso" / "20110716_da_lmp.csv"
VARIANTS = _variants(DA_REPORT.read_bytes()[:100_000].rsplit(b"\n", 1)[0] + b"\n")


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_miso_reader_reads_a_variant_as_the_row_decoder_or_leaves_it(variant):
    path = DA_REPORT
    data = VARIANTS[variant]
    source_format = format_named("miso_report_lmp")
    records, rejections = decoded(source_format, data, path.name)
    table = source_format.decode_batch(data, path.name)
    assert (table is not None) == (variant in READ_BY_ARROW)
    if table is not None:  # only when the row decoder has nothing to reject
        assert not rejections
        assert batch_rows(table) == record_rows(records)


def test_a_table_encoded_in_chunks_gives_the_same_bytes(monkeypatch):
    from aurum.kafka import batch_codec

    source_format = format_named("miso_report_lmp")
    data = (ROOT / "sample_data" / "miso" / "20260926_rt_lmp_final.csv").read_bytes()
    table = source_format.decode_batch(data, "x_rt_lmp_final.csv")
    whole = encode_landing_batch(source_format, table, "x", FETCHED_AT)
    monkeypatch.setattr(batch_codec, "CHUNK_ROWS", 100)
    assert encode_landing_batch(source_format, table, "x", FETCHED_AT) == whole
