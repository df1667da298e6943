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

{#- The day-ahead hourly settlement point prices, one dataset published two ways (MIS
    CSV and the public API) with the same columns. -#}
{% macro ercot_dam_spp_columns(source_format) -%}
        'ERCOT' as iso_code,
        'day_ahead_hourly' as market,
        settlement_point as location_id,
        settlement_point as location_name,
        cast(null as varchar) as location_type,

        -- HourEnding h starts at local (h-1):00.
        {%- set start_utc = aurum.ercot_interval_start_utc('delivery_date', '(hour_ending - 1) * 60', 'dst_flag') %}
        {{ start_utc }} as interval_start_utc,
        {{ aurum.add_seconds(start_utc, 3600) }} as interval_end_utc,
        3600 as interval_seconds,

        settlement_point_price as lmp,
        cast(null as double) as energy,
        cast(null as double) as congestion,
        cast(null as double) as loss,

        cast(null as integer) as published_version,
        '{{ source_format }}' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at
{%- endmacro %}

{#- The real-time 15-minute settlement point prices, one dataset published two ways
    (MIS CSV and the public API) that differ only in the point's column name. -#}
{% macro ercot_rt_spp_columns(point_column, source_format) -%}
        'ERCOT' as iso_code,
        'real_time_15min' as market,
        {{ aurum.ercot_location_id(point_column, 'settlement_point_type') }} as location_id,
        {{ point_column }} as location_name,
        settlement_point_type as location_type,

        -- Interval k of DeliveryHour h starts at local (h-1):00 + 15(k-1) minutes.
        {%- set start_utc = aurum.ercot_interval_start_utc(
            'delivery_date', '(delivery_hour - 1) * 60 + (delivery_interval - 1) * 15', 'dst_flag'
        ) %}
        {{ start_utc }} as interval_start_utc,
        {{ aurum.add_seconds(start_utc, 900) }} as interval_end_utc,
        900 as interval_seconds,

        settlement_point_price as lmp,
        cast(null as double) as energy,
        cast(null as double) as congestion,
        cast(null as double) as loss,

        cast(null as integer) as published_version,
        '{{ source_format }}' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at
{%- endmacro %}
