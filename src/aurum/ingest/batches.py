"""A file's decoded rows as one Arrow table, the unit the fast publish path works on.

The table holds the format's landing columns, typed as the landing schema types
them, plus `_row` and `_item` (the record's source row and item). Formats with a
columnar decoder (`SourceFormat.decode_batch`) produce it straight from the bytes;
for the others it is built from the records the row decoder yielded. A record whose
values do not fit their column types gives no table (None): the caller then takes
the record-by-record path, where encoding judges each record as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from aurum.kafka.batch_codec import ITEM_COLUMN, ROW_COLUMN
from aurum.sources.core.formats import SourceFormat
from aurum.sources.core.records import Record

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}


def landing_arrow_schema(source_format: SourceFormat) -> pa.Schema:
    return pa.schema(
        [(name, ARROW_TYPES[column_type]) for name, column_type in source_format.columns]
        + [(ROW_COLUMN, pa.int64()), (ITEM_COLUMN, pa.int32())]
    )


def records_table(source_format: SourceFormat, records: Sequence[Record]) -> pa.Table | None:
    """The records as a typed table, or None when one does not fit the columns' types."""
    names = source_format.column_names
    expected = set(names)
    if any(record.values.keys() != expected for record in records):
        return None  # a decoder emitting other columns: let the per-record path judge it
    schema = landing_arrow_schema(source_format)
    columns = [[record.values[name] for record in records] for name in names]
    columns.append([record.row_number for record in records])
    columns.append([record.item for record in records])
    arrays = []
    for values, field in zip(columns, schema, strict=True):
        array = _typed(values, field.type)
        if array is None:
            return None
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


def _typed(values: list, arrow_type: pa.DataType) -> pa.Array | None:
    """The values as `arrow_type` when Python already holds them as that type (an int
    where a float is expected is fine, as for Avro); None for anything else (a string
    in a DOUBLE column, 1.5 in an INTEGER one, an aware timestamp)."""
    try:
        inferred = pa.array(values)
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        return None
    fits = inferred.type == arrow_type or pa.types.is_null(inferred.type)
    if pa.types.is_integer(arrow_type):
        fits |= pa.types.is_integer(inferred.type)
    elif pa.types.is_floating(arrow_type):
        fits |= pa.types.is_integer(inferred.type) or pa.types.is_floating(inferred.type)
    if not fits:
        return None
    try:
        return inferred.cast(arrow_type, safe=True)  # an int too large for INTEGER fails
    except (pa.ArrowException, OverflowError):
        return None
