{#- The naive timestamp type with microseconds, for casts. On Trino a bare `timestamp`
    is timestamp(3): it drops microseconds, and Iceberg tables and views refuse it
    ("Timestamp precision (3) not supported for Iceberg"). -#}
{% macro type_timestamp() -%}
    {{ return(adapter.dispatch('type_timestamp', 'aurum')()) }}
{%- endmacro %}

{% macro duckdb__type_timestamp() -%}
    timestamp
{%- endmacro %}

{% macro trino__type_timestamp() -%}
    timestamp(6)
{%- endmacro %}
