{#- The latest revision of every LMP key, and how many candidates the key had.

    Both branches return every column of `candidates` plus revision_count, and filters
    on a key column (fct_lmp's incremental window on interval_start_utc) reach every
    landing scan: the window's partition keys, the group-by keys and the join keys are
    all the natural key. -#}
{% macro lmp_latest_revision(candidates) -%}
    {{ return(adapter.dispatch('lmp_latest_revision', 'aurum')(candidates)) }}
{%- endmacro %}

{%- macro lmp_revision_order(alias) -%}
    coalesce({{ alias }}.published_version, -1) desc,
    {{ alias }}.loaded_at desc,
    {{ alias }}.source_file desc,
    {{ alias }}.source_row desc
{%- endmacro %}

{#- Trino: one window over every candidate. Trino spills and spreads a window's
    partitions over its workers, so the simple shape is the right one there. -#}
{% macro default__lmp_latest_revision(candidates) %}
with

ranked as (

    select
        *,
        row_number() over (
            partition by iso_code, market, location_id, interval_start_utc
            order by {{ aurum.lmp_revision_order('c') }}
        ) as revision_rank,
        -- The same window as the rank (a frame over the whole partition), so the engine
        -- computes both in one pass.
        count(*) over (
            partition by iso_code, market, location_id, interval_start_utc
            order by {{ aurum.lmp_revision_order('c') }}
            rows between unbounded preceding and unbounded following
        ) as revision_count
    from {{ candidates }} as c

)

select * from ranked
where revision_rank = 1
{% endmacro %}

{#- DuckDB: a window over every candidate holds every row's whole payload in memory
    (DuckDB's window does not spill it), and a full refresh of 57 M rows ran out of
    memory at 6, 10, 12 and 16 GB (docs/scale.md). Nearly every key has one candidate,
    so:

    1. `revised`: the keys with more than one candidate, from a group-by on the key
       alone (fixed-size count states: DuckDB's hash aggregate spills them to disk);
    2. keys not in `revised` pass straight through with revision_count 1 (an anti
       join against a small build side: streamed);
    3. keys in `revised` are ranked by the window, over their candidates only.

    The candidates view is read three times (views are inlined; a CTE read three times
    could be materialised whole). Measured at 57 M rows: 6.45 GB peak at a 6 GB limit. -#}
{% macro duckdb__lmp_latest_revision(candidates) %}
{%- set key = ['iso_code', 'market', 'location_id', 'interval_start_utc'] -%}
{%- set on_key -%}
    {% for k in key %}c.{{ k }} = revised.{{ k }}{{ ' and ' if not loop.last }}{% endfor %}
{%- endset -%}
select
    c.*,
    cast(1 as bigint) as revision_count
from {{ candidates }} as c
left join (
    select {{ key | join(', ') }}
    from {{ candidates }}
    group by {{ key | join(', ') }}
    having count(*) > 1
) as revised
    on {{ on_key }}
where revised.iso_code is null

union all

select * exclude (revision_rank)
from (
    select
        c.*,
        revised.revision_count,
        row_number() over (
            partition by {% for k in key %}c.{{ k }}{{ ', ' if not loop.last }}{% endfor %}
            order by {{ aurum.lmp_revision_order('c') }}
        ) as revision_rank
    from {{ candidates }} as c
    inner join (
        select {{ key | join(', ') }}, count(*) as revision_count
        from {{ candidates }}
        group by {{ key | join(', ') }}
        having count(*) > 1
    ) as revised
        on {{ on_key }}
) as ranked
where revision_rank = 1
{% endmacro %}
