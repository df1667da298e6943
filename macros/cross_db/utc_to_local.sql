{#- Naive UTC timestamp -> naive local wall-clock timestamp in IANA zone `tz`
    (for local months, hours and dates: profiles, terms, monthly cashflows). -#}
{% macro utc_to_local(utc_ts, tz) -%}
    {{ return(adapter.dispatch('utc_to_local', 'aurum')(utc_ts, tz)) }}
{%- endmacro %}

{% macro duckdb__utc_to_local(utc_ts, tz) -%}
    {#- ICU: timezone('UTC', ts) reads ts as UTC (timestamptz); timezone(zone, tstz) gives the wall clock there. -#}
    timezone({{ tz }}, timezone('UTC', cast({{ utc_ts }} as timestamp)))
{%- endmacro %}

{% macro trino__utc_to_local(utc_ts, tz) -%}
    {#- with_timezone attaches UTC; at_timezone moves the instant to the zone; the cast keeps its wall clock. -#}
    cast(at_timezone(with_timezone(cast({{ utc_ts }} as timestamp(6)), 'UTC'), {{ tz }}) as timestamp(6))
{%- endmacro %}
