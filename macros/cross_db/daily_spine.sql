{#- One row per calendar day from `start_col` to `end_col` (inclusive) for every row of
    `relation`, carrying `key_cols`; the day column is `day`. -#}
{% macro daily_spine(relation, start_col, end_col, key_cols=[]) -%}
    {{ return(adapter.dispatch('daily_spine', 'aurum')(relation, start_col, end_col, key_cols)) }}
{%- endmacro %}

{% macro duckdb__daily_spine(relation, start_col, end_col, key_cols) -%}
    {#- DuckDB: generate_series over timestamps, unnested in the select list. -#}
    select
        {% for key in key_cols %}{{ key }}, {% endfor %}
        cast(unnest(generate_series(cast({{ start_col }} as timestamp), cast({{ end_col }} as timestamp), interval 1 day)) as date) as day
    from {{ relation }}
{%- endmacro %}

{% macro trino__daily_spine(relation, start_col, end_col, key_cols) -%}
    {#- Trino: sequence() over dates, unnested with a cross join. -#}
    select
        {% for key in key_cols %}spine_source.{{ key }}, {% endfor %}
        spine_days.day
    from {{ relation }} as spine_source
    cross join unnest(sequence(cast(spine_source.{{ start_col }} as date), cast(spine_source.{{ end_col }} as date), interval '1' day)) as spine_days (day)
{%- endmacro %}
