"""Checks a decoded row must pass before it is published (after decoding, before Avro).

Decoders already refuse rows they cannot read; these are rows that read fine but
must not travel: exact duplicates within one file, rows without a location, and
prices no market can produce.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aurum.sources.core.formats import ALIAS_VOCABULARIES, SourceFormat
from aurum.sources.core.records import Record
from aurum.sources.core.vocabulary import vocabulary

# No US market clears beyond this in $/MWh (offer caps and floors are within ±$10,000);
# anything larger is a parse or unit error.
PRICE_BOUND = 100_000.0


class Invalid(ValueError):
    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


def validated(
    source_format: SourceFormat, records: Iterable[Record]
) -> Iterator[tuple[Record, Invalid | None]]:
    """Each record with the first rule it breaks, or None."""
    seen: dict[tuple, int] = {}
    # Only LMP formats (those with the standard aliases) hold $/MWh in every DOUBLE
    # column; load, fuel and FX columns have units of their own.
    is_lmp = bool(source_format.aliases)
    price_columns = [c for c, t in source_format.columns if t == "DOUBLE"] if is_lmp else []
    needs_location = is_lmp
    for record in records:
        fingerprint = tuple(record.values.values())  # decoders emit columns in a fixed order
        first = seen.setdefault(fingerprint, record.row_number)
        if first != record.row_number:
            yield record, Invalid("duplicate_row", f"exact duplicate of row {first}")
            continue
        aliases = source_format.alias_values(record.values) if is_lmp else {}
        if needs_location and aliases.get("location_id") is None:
            yield record, Invalid("missing_location", "no location id")
            continue
        unknown = [
            f"{alias}={aliases[alias]!r}"
            for alias, name in ALIAS_VOCABULARIES.items()
            if aliases.get(alias) is not None and aliases[alias] not in vocabulary(name)
        ]
        if unknown:
            yield record, Invalid("unknown_vocabulary", f"not in the vocabulary: {unknown[0]}")
            continue
        out_of_range = [
            c
            for c in price_columns
            if record.values.get(c) is not None and abs(record.values[c]) > PRICE_BOUND
        ]
        if out_of_range:
            column = out_of_range[0]
            yield (
                record,
                Invalid(
                    "price_out_of_range",
                    f"{column}={record.values[column]} outside ±{PRICE_BOUND:,.0f}",
                ),
            )
            continue
        yield record, None


_NULL_CODE = np.uint64(0x9E3779B97F4A7C15)


def _value_codes(array: pa.ChunkedArray) -> np.ndarray:
    """One uint64 per row such that values Python finds equal get equal codes
    (-0.0 and 0.0 alike, every None alike); different values may share one."""
    array = array.combine_chunks()
    if pa.types.is_floating(array.type):
        numbers = pc.fill_null(pc.add(array.cast(pa.float64()), 0.0), 0.0)  # -0.0 + 0.0 is 0.0
        codes = numbers.to_numpy(zero_copy_only=False).view(np.uint64)
    elif pa.types.is_integer(array.type) or pa.types.is_temporal(array.type):
        if pa.types.is_date32(array.type):
            array = array.cast(pa.int32())
        numbers = pc.fill_null(array.cast(pa.int64()), 0)
        codes = numbers.to_numpy(zero_copy_only=False).view(np.uint64)
    else:
        encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
        if pc.count_distinct(encoded.dictionary).as_py() != len(encoded.dictionary):
            # A dictionary repeating a value would give equal values two codes.
            encoded = pc.dictionary_encode(encoded.cast(encoded.type.value_type))
        indices = encoded.indices.cast(pa.int64())
        codes = pc.fill_null(indices, 0).to_numpy(zero_copy_only=False).view(np.uint64)
    if array.null_count:
        codes = np.where(pc.is_valid(array).to_numpy(zero_copy_only=False), codes, _NULL_CODE)
    return codes


def _row_hashes(table: pa.Table, columns: list[str]) -> np.ndarray:
    """A 64-bit hash of each row's values (equal rows, equal hashes)."""
    hashes = np.zeros(table.num_rows, dtype=np.uint64)
    for column in columns:
        hashes = (hashes ^ _value_codes(table.column(column))) * np.uint64(0x100000001B3)
        hashes ^= hashes >> np.uint64(29)
    return hashes


def all_valid(source_format: SourceFormat, table: pa.Table) -> bool:
    """Whether `validated` would pass every row of this table, decided column-wise.

    The fast publish path asks this first. It is conservative: True only when no rule
    can fire; anything it cannot decide cheaply (a NaN, any repeated row, even within
    one source row) answers False, and the caller runs `validated` record by record, so
    the dead letters and their order are exactly those of the row-wise path.
    """
    columns = list(source_format.column_names)
    doubles = [c for c, t in source_format.columns if t == "DOUBLE"]
    for column in doubles:
        array = table.column(column)
        if pc.any(pc.is_nan(array)).as_py():
            return False
    if table.num_rows > 1 and columns:
        hashes = np.sort(_row_hashes(table, columns))
        if (hashes[1:] == hashes[:-1]).any():
            return False  # a repeated row (or a hash collision): the row-wise path decides
    if not source_format.aliases:
        return True
    plan = {alias: (column, constant) for alias, column, constant in source_format._alias_plan}
    location_column, location_constant = plan["location_id"]
    if location_column is None:
        if location_constant is None:
            return False
    elif table.column(location_column).null_count:
        return False
    for alias, name in ALIAS_VOCABULARIES.items():
        column, constant = plan[alias]
        allowed = vocabulary(name)
        if column is None:
            if constant is not None and constant not in allowed:
                return False
            continue
        values = pc.unique(table.column(column).drop_null()).to_pylist()
        if any(str(value) not in allowed for value in values):
            return False
    for column in doubles:
        biggest = pc.max(pc.abs(table.column(column))).as_py()
        if biggest is not None and biggest > PRICE_BOUND:
            return False
    return True
