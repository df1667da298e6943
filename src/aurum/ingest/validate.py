"""Checks a decoded row must pass before it is published (after decoding, before Avro).

Decoders already refuse rows they cannot read; these are rows that read fine but
must not travel: exact duplicates within one file, rows without a location, and
prices no market can produce.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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
