{#- Local wall-clock timestamp -> naive UTC timestamp.

    `is_repeat` says the row is the second occurrence of a fall-back hour (the
    standard-time one). Without it the earlier instant is chosen. Callers never
    pass a non-existent spring-forward time: DuckDB shifts those silently while
    Trino raises, so staging models convert only times that exist. -#}
{% macro local_to_utc(local_ts, tz, is_repeat='false') -%}
    case
        when {{ is_repeat }}
            then {{ aurum.add_seconds(aurum.wall_clock_to_utc(aurum.add_seconds(local_ts, 3600), tz), -3600) }}
        else {{ aurum.earliest_wall_clock_to_utc(local_ts, tz) }}
    end
{%- endmacro %}

{#- The engine's own conversion; ambiguous times resolve differently per engine. -#}
{% macro wall_clock_to_utc(local_ts, tz) -%}
    {{ return(adapter.dispatch('wall_clock_to_utc', 'aurum')(local_ts, tz)) }}
{%- endmacro %}

{% macro duckdb__wall_clock_to_utc(local_ts, tz) -%}
    {#- ICU: timezone(zone, timestamp) reads the wall clock in zone; timezone('UTC', tstz) drops it to UTC. -#}
    timezone('UTC', timezone({{ tz }}, cast({{ local_ts }} as timestamp)))
{%- endmacro %}

{% macro trino__wall_clock_to_utc(local_ts, tz) -%}
    {#- with_timezone keeps the wall clock; at_timezone moves the instant to UTC. -#}
    cast(at_timezone(with_timezone(cast({{ local_ts }} as timestamp(6)), {{ tz }}), 'UTC') as timestamp(6))
{%- endmacro %}

{#- For an ambiguous fall-back time, the first (daylight) occurrence. -#}
{% macro earliest_wall_clock_to_utc(local_ts, tz) -%}
    {{ return(adapter.dispatch('earliest_wall_clock_to_utc', 'aurum')(local_ts, tz)) }}
{%- endmacro %}

{% macro duckdb__earliest_wall_clock_to_utc(local_ts, tz) -%}
    {#- DuckDB resolves an ambiguous time to standard time (the later instant); one
        hour earlier is unambiguous, so converting that and adding the hour back
        gives the daylight instant. least() keeps ordinary times unchanged. -#}
    least(
        {{ aurum.wall_clock_to_utc(local_ts, tz) }},
        {{ aurum.add_seconds(aurum.wall_clock_to_utc(aurum.add_seconds(local_ts, -3600), tz), 3600) }}
    )
{%- endmacro %}

{% macro trino__earliest_wall_clock_to_utc(local_ts, tz) -%}
    {#- java.time resolves an overlap to the earlier offset already. -#}
    {{ aurum.wall_clock_to_utc(local_ts, tz) }}
{%- endmacro %}

{% macro add_seconds(ts, seconds) -%}
    {{ dbt.dateadd('second', seconds, ts) }}
{%- endmacro %}
