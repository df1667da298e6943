{#- Boolean SQL expression: is `tz_column` an IANA zone name the engine knows? -#}
{% macro is_valid_timezone(tz_column) -%}
    {{ return(adapter.dispatch('is_valid_timezone', 'aurum')(tz_column)) }}
{%- endmacro %}

{% macro duckdb__is_valid_timezone(tz_column) -%}
    {#- ICU's zone list is a table function on DuckDB. -#}
    {{ tz_column }} in (select name from pg_timezone_names())
{%- endmacro %}

{% macro trino__is_valid_timezone(tz_column) -%}
    {#- Trino has no zone list; an unknown zone makes at_timezone fail, which try() nulls. -#}
    try(at_timezone(timestamp '2000-01-01 00:00:00 UTC', {{ tz_column }})) is not null
{%- endmacro %}
