"""Avro encoding of a whole file's landing rows at once, column by column.

`codec.encode_landing` encodes one record with fastavro (~16 µs a row, most of the
ingest path's time). Here the same schemaless Avro bytes are built for every row of
an Arrow table in a few vectorised passes: each field becomes a binary column
(union branch byte, zig-zag varint, little-endian double, length-prefixed UTF-8) and
the fields are joined row-wise by Arrow. The writer schema is the subject's `.avsc`,
read as `codec` reads it, so the bytes are those fastavro writes (a test compares
them on every sample file).

Anything this encoder does not handle — a field type outside the landing schemas'
set, a null in a required field — returns None and the caller encodes record by
record, where fastavro's EncodeError makes the dead letter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aurum.kafka.schemas import landing_subject, read_schema_file, schema_path
from aurum.sources.core.formats import SourceFormat

ROW_COLUMN = "_row"
ITEM_COLUMN = "_item"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CHUNK_ROWS = 1_000_000


class Unsupported(Exception):
    """The batch encoder cannot write this table; encode record by record instead."""


def _from_matrix(matrix: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """Binary array whose row i is the first lengths[i] bytes of matrix[i]."""
    keep = np.arange(matrix.shape[1]) < lengths[:, None]
    data = np.ascontiguousarray(matrix[keep], dtype=np.uint8)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.Array.from_buffers(
        pa.binary(), len(lengths), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Zig-zag varint bytes of int64 values: (n x width matrix, byte counts); width is
    the longest varint's (at most 10 bytes)."""
    values = values.astype(np.int64, copy=False)
    rest = ((values << 1) ^ (values >> 63)).astype(np.uint64)
    columns = []
    lengths = np.ones(len(values), dtype=np.int64)
    while True:
        more = rest >= 0x80
        columns.append((rest & np.uint64(0x7F)).astype(np.uint8) | (more.astype(np.uint8) << 7))
        if not more.any():
            break
        lengths += more
        rest = rest >> np.uint64(7)
    return np.column_stack(columns), lengths


def _with_branch(matrix: np.ndarray, lengths: np.ndarray, valid: np.ndarray | None) -> pa.Array:
    """Prefix the union branch byte (0 null, 1 value; zig-zag 0x00 / 0x02) when nullable."""
    if valid is None:
        return _from_matrix(matrix, lengths)
    branch = np.where(valid, 2, 0).astype(np.uint8)[:, None]
    return _from_matrix(np.hstack([branch, matrix]), np.where(valid, lengths + 1, 1))


def _varint_column(values: np.ndarray, valid: np.ndarray | None) -> pa.Array:
    return _with_branch(*_varints(values), valid)


def _double_column(values: np.ndarray, valid: np.ndarray | None) -> pa.Array:
    matrix = np.ascontiguousarray(values, dtype="<f8").view(np.uint8).reshape(-1, 8)
    return _with_branch(matrix, np.full(len(values), 8, dtype=np.int64), valid)


def _string_column(array: pa.Array, valid: np.ndarray | None) -> pa.Array:
    """Length-prefixed UTF-8, encoded once per distinct value (ids and labels repeat)."""
    encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
    distinct = encoded.dictionary.cast(pa.binary())
    lengths = pc.binary_length(distinct).to_numpy(zero_copy_only=False)
    branch = None if valid is None else np.ones(len(distinct), dtype=bool)
    prefixed = pc.binary_join_element_wise(_varint_column(lengths, branch), distinct, b"")
    out = prefixed.take(encoded.indices)
    return out if valid is None else pc.fill_null(out, b"\x00")


def _is_text(arrow_type: pa.DataType) -> bool:
    """A string column, plain or dictionary-encoded (columnar decoders repeat labels)."""
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    return pa.types.is_string(arrow_type)


def _avro_type(field_type: Any) -> tuple[Any, bool]:
    """(the value type, nullable) for `T` or `["null", T]`."""
    if isinstance(field_type, list):
        if len(field_type) != 2 or field_type[0] != "null":
            raise Unsupported(f"union {field_type}")
        return field_type[1], True
    return field_type, False


def _encode_field(field_type: Any, array: pa.Array) -> pa.Array:
    value_type, nullable = _avro_type(field_type)
    if array.null_count and not nullable:
        raise Unsupported("null in a required field")
    valid = None
    if nullable:
        valid = np.ones(len(array), dtype=bool)
        if array.null_count:
            valid = pc.is_valid(array).to_numpy(zero_copy_only=False)
    if pa.types.is_null(array.type):  # every row null (a "=" alias)
        return pa.repeat(pa.scalar(b"\x00", pa.binary()), len(array))
    logical = value_type.get("logicalType") if isinstance(value_type, dict) else None
    base = value_type["type"] if isinstance(value_type, dict) else value_type
    if base == "string" and _is_text(array.type):
        return _string_column(array, valid)
    if base == "double" and pa.types.is_floating(array.type):
        values = pc.fill_null(array.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
        return _double_column(values, valid)
    if base in ("int", "long"):
        if logical is None and pa.types.is_integer(array.type):
            numbers = pc.fill_null(array.cast(pa.int64()), 0)
        elif logical == "date" and pa.types.is_date32(array.type):
            numbers = pc.fill_null(array.cast(pa.int32()).cast(pa.int64()), 0)
        elif logical == "local-timestamp-micros" and array.type == pa.timestamp("us"):
            numbers = pc.fill_null(array.cast(pa.int64()), 0)
        else:
            raise Unsupported(f"{value_type} from {array.type}")
        return _varint_column(numbers.to_numpy(zero_copy_only=False), valid)
    if base == "boolean" and pa.types.is_boolean(array.type):
        values = pc.fill_null(array, False).to_numpy(zero_copy_only=False).astype(np.uint8)
        return _with_branch(values[:, None], np.ones(len(array), dtype=np.int64), valid)
    raise Unsupported(f"{value_type} from {array.type}")


def _alias_array(source_format: SourceFormat, alias: str, table: pa.Table) -> pa.Array:
    """The alias column as `SourceFormat.alias_values` gives it row by row."""
    for name, column, constant in source_format._alias_plan:
        if name != alias:
            continue
        if column is None:
            if constant is None:
                return pa.nulls(table.num_rows)
            value_type = pa.int32() if isinstance(constant, int) else pa.string()
            return pa.repeat(pa.scalar(constant, value_type), table.num_rows)
        array = table.column(column).combine_chunks()
        if _is_text(array.type):
            return array
        # str() of a typed value, exactly as alias_values does it (rare: non-text ids).
        return pa.array([None if v is None else str(v) for v in array.to_pylist()], pa.string())
    raise Unsupported(f"no alias {alias}")


def encode_landing_batch(
    source_format: SourceFormat, table: pa.Table, source_file: str, fetched_at: datetime
) -> list[bytes]:
    """The Avro bytes of every row of `table` (the format's columns plus `_row`, `_item`),
    in row order, identical to `codec.encode_landing` record by record. Raises
    Unsupported when the table holds something only the per-record path can judge."""
    schema = read_schema_file(schema_path(landing_subject(source_format.name)))
    if table.num_rows > CHUNK_ROWS:  # binary arrays have 32-bit offsets: stay well below 2 GiB
        return [
            value
            for start in range(0, table.num_rows, CHUNK_ROWS)
            for value in encode_landing_batch(
                source_format, table.slice(start, CHUNK_ROWS), source_file, fetched_at
            )
        ]
    rows = table.num_rows
    if rows == 0:
        return []
    columns = set(source_format.column_names)
    aliases = set(source_format.aliases)
    provenance = {
        "source_file": pa.array([source_file]),
        "source_row": table.column(ROW_COLUMN).combine_chunks(),
        "source_item": table.column(ITEM_COLUMN).combine_chunks(),
        "fetched_at": pa.array([_timestamp_micros(fetched_at)], pa.int64()),
    }
    # Runs of fields that are the same in every row (the file name, constant aliases, a
    # report's title and date) become one literal; the others one binary column each.
    pieces: list[pa.Array | pa.Scalar] = []
    literal = b""
    for field in schema["fields"]:
        name, field_type = field["name"], field["type"]
        if name in columns:  # a column wins over an alias of the same name
            array = table.column(name).combine_chunks()
        elif name in aliases:
            array = _alias_array(source_format, name, table)
        elif name in provenance:
            array = provenance[name]
            if name == "fetched_at":
                if field_type.get("logicalType") != "timestamp-micros":
                    raise Unsupported(f"fetched_at as {field_type}")
                field_type = "long"  # the micros, computed above as fastavro computes them
        else:
            raise Unsupported(f"field {name}")
        if len(array) == 1 or _is_constant(array):
            literal += _encode_field(field_type, array.slice(0, 1)).to_pylist()[0]
            continue
        if literal:
            pieces.append(pa.scalar(literal, pa.binary()))
            literal = b""
        pieces.append(_encode_field(field_type, array))
    if not pieces:
        return [literal] * rows
    if literal:
        pieces.append(pa.scalar(literal, pa.binary()))
    return pc.binary_join_element_wise(*pieces, b"").to_pylist()


def _is_constant(array: pa.Array) -> bool:
    """Every row holds the same value (cheap checks only; False when unsure)."""
    if pa.types.is_null(array.type):
        return True
    if array.null_count:
        return False
    if pa.types.is_dictionary(array.type):
        return len(array.dictionary) == 1
    if pa.types.is_integer(array.type) or pa.types.is_date32(array.type):
        bounds = pc.min_max(array)
        return bounds["min"] == bounds["max"]
    return False


def _timestamp_micros(moment: datetime) -> int:
    """fastavro's timestamp-micros: an aware time from the epoch; a naive one is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
