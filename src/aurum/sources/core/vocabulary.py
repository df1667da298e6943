"""The controlled vocabularies (ISO codes, markets, location types, units …), in one registry.

The values live in `vocabulary.toml` next to this module; everything else reads them:

    from aurum.sources.core.vocabulary import ISO_CODES, MARKETS, vocabulary
    vocabulary("location_type")      # ('HUB', 'ZONE', 'NODE', 'INTERFACE', 'AGGREGATE')

dbt reads the same values through `aurum.vocabulary(name)`, a macro generated from this
registry (aurum.sources.generate), and Avro schemas name them in their field docs.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from aurum.paths import package_dir

VOCABULARY_FILE = package_dir("aurum.sources.core") / "vocabulary.toml"  # package data


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    values: tuple[str | int, ...]


@cache
def vocabularies() -> dict[str, Vocabulary]:
    raw = tomllib.loads(VOCABULARY_FILE.read_text())
    out = {}
    for name, entry in raw.items():
        values = tuple(entry["values"])
        if len(set(values)) != len(values):
            raise ValueError(f"vocabulary {name!r} repeats a value")
        out[name] = Vocabulary(name, entry["description"], values)
    return out


def vocabulary(name: str) -> tuple:
    """The values of one vocabulary, in their registry order."""
    try:
        return vocabularies()[name].values
    except KeyError:
        raise KeyError(f"unknown vocabulary {name!r}; known: {sorted(vocabularies())}") from None


ISO_CODES: tuple[str, ...] = vocabulary("iso_code")
MARKETS: tuple[str, ...] = vocabulary("market")
LOCATION_TYPES: tuple[str, ...] = vocabulary("location_type")
CURRENCIES: tuple[str, ...] = vocabulary("currency")
ENERGY_UNITS: tuple[str, ...] = vocabulary("energy_unit")
FREQUENCIES: tuple[str, ...] = vocabulary("frequency")
CADENCES: tuple[str, ...] = vocabulary("cadence")
INGEST_STAGES: tuple[str, ...] = vocabulary("ingest_stage")
