{#- How a table's rows should be laid out by the column its incremental builds prune on.
    DuckDB: an `order by`, so each row group covers a narrow range and its zone map lets
    a range delete or filter skip it (DuckDB tables have no partitions). Trino/Iceberg:
    nothing; the table's `partitioning` property does it, and a sort would be a full
    shuffle of every build's rows. -#}
{% macro storage_order(columns) -%}
    {{ return(adapter.dispatch('storage_order', 'aurum')(columns)) }}
{%- endmacro %}

{% macro duckdb__storage_order(columns) -%}
    order by {{ columns | join(', ') }}
{%- endmacro %}

{% macro trino__storage_order(columns) -%}
{%- endmacro %}
