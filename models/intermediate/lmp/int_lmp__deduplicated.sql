{#- One row per (iso, market, location, interval). Revisions win by published
    version, then by the latest load, then by file and row so the choice is
    deterministic even when a file is landed twice; revision_count counts a key's
    candidates. Per engine (macro lmp_latest_revision): the same rows, shaped for how
    each engine uses memory. -#}
{{ aurum.lmp_latest_revision(ref('int_lmp__unioned')) }}
