{#- ERCOT conventions shared by its staging models (quirks: src/aurum/sources/ercot/quirks.md). -#}

{#- Interval start in UTC from the delivery date, minutes after local midnight and
    DSTFlag. The start always exists: ERCOT skips HourEnding 03:00 in spring and
    flags the repeated 02:00 in the fall, which is the standard-time instant. -#}
{% macro ercot_interval_start_utc(delivery_date, minutes_after_midnight, dst_flag) -%}
    {{ aurum.local_to_utc(
        dbt.dateadd('minute', minutes_after_midnight, 'cast(' ~ delivery_date ~ ' as timestamp)'),
        "'America/Chicago'",
        dst_flag,
    ) }}
{%- endmacro %}

{#- ERCOT publishes each load zone twice under one name, as LZ and as LZEW (energy
    weighted); the LZEW one becomes `<name>_LZEW` (the registry uses the same rule). -#}
{% macro ercot_location_id(name_column, type_column) -%}
    case
        when {{ type_column }} = 'LZEW' then {{ name_column }} || '_LZEW'
        else {{ name_column }}
    end
{%- endmacro %}
