"""Files generated from the formats and the vocabulary registry are current.

The dbt sources YAML, the LMP union list and the vocabulary macro are written by
`python -m aurum.sources.generate --write`; this fails when someone edits one by hand or
changes a format without regenerating.
"""

from __future__ import annotations

import yaml

from aurum.sources import FORMATS
from aurum.sources.generate import PROJECT_DIR, generated_files, stale_files


def test_generated_files_are_current():
    stale = [str(p.relative_to(PROJECT_DIR)) for p in stale_files()]
    assert stale == [], "run: python -m aurum.sources.generate --write"


def test_every_landing_table_is_generated_from_exactly_one_format():
    tables = []
    for path, text in generated_files().items():
        if path.suffix == ".yml":
            for source in yaml.safe_load(text)["sources"]:
                tables += [t["name"] for t in source["tables"]]
    assert sorted(tables) == sorted(f.name for f in FORMATS)


def test_union_lists_every_lmp_staging_model_and_nothing_else():
    macro = (PROJECT_DIR / "macros" / "lmp_staging_models.sql").read_text()
    lmp = [m for f in FORMATS if f.is_lmp for m in f.dbt.staging]
    listed = [
        line.strip().strip("',") for line in macro.splitlines() if line.strip().startswith("'stg_")
    ]
    assert listed == lmp
    others = [m for f in FORMATS if not f.is_lmp for m in f.dbt.staging]
    assert not set(others) & set(listed)


def test_every_format_has_its_quirks_doc_block_and_staging_model_files():
    for source_format in FORMATS:
        quirks = PROJECT_DIR / "src" / "aurum" / "sources" / source_format.publisher / "quirks.md"
        assert f"{{% docs {source_format.name} %}}" in quirks.read_text(), source_format.name
        folder = PROJECT_DIR / "models" / "staging" / source_format.dbt.folder
        for model in source_format.dbt.staging:
            assert (folder / f"{model}.sql").is_file(), model
