{#- One row per (iso, market, location, interval). Revisions win by published
    version, then by the latest load, then by file and row so the choice is
    deterministic even when a file is landed twice. -#}
with

unioned as (

    select * from {{ ref('int_lmp__unioned') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by iso_code, market, location_id, interval_start_utc
            order by
                coalesce(published_version, -1) desc,
                loaded_at desc,
                source_file desc,
                source_row desc
        ) as revision_rank,
        -- The same window as the rank (a frame over the whole partition), so engines
        -- compute both in one pass: at 57 M rows a second window spec doubled DuckDB's memory.
        count(*) over (
            partition by iso_code, market, location_id, interval_start_utc
            order by
                coalesce(published_version, -1) desc,
                loaded_at desc,
                source_file desc,
                source_row desc
            rows between unbounded preceding and unbounded following
        ) as revision_count
    from unioned

)

select * from ranked
where revision_rank = 1
