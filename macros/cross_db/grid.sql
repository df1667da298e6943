{#- The last point of a `seconds`-long grid at or before `ts` (UTC; the grid starts on
    the hour, so `seconds` must divide 3600). Off-grid stamps (NYISO RTD runs, P-58B
    readings) subdivide the grid; its points bound the intervals they fall in. -#}
{% macro floor_to_grid(ts, seconds) -%}
    {%- set hour = dbt.date_trunc('hour', ts) -%}
    {{ aurum.add_seconds(
        hour,
        'cast(floor(' ~ dbt.datediff(hour, ts, 'second') ~ ' / ' ~ seconds ~ '.0) * ' ~ seconds ~ ' as bigint)'
    ) }}
{%- endmacro %}
