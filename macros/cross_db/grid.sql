{#- The last point of a `seconds`-long grid at or before `ts` (UTC; the grid starts on
    the hour, so `seconds` must divide 3600). Off-grid stamps (NYISO RTD runs, P-58B
    readings) subdivide the grid; its points bound the intervals they fall in. The
    division is in double on purpose: Trino divides by a decimal literal with rounding,
    so `299 / 300.0` would come out as 1. -#}
{% macro floor_to_grid(ts, seconds) -%}
    {%- set hour = dbt.date_trunc('hour', ts) -%}
    {{ aurum.add_seconds(
        hour,
        'cast(floor(cast(' ~ dbt.datediff(hour, ts, 'second') ~ ' as double) / ' ~ seconds ~ ') * ' ~ seconds ~ ' as bigint)'
    ) }}
{%- endmacro %}
