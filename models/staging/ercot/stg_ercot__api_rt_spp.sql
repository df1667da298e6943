with

source as (

    select * from {{ source('landing_ercot', 'ercot_api_rt_spp') }}

),

renamed as (

    select
        'ERCOT' as iso_code,
        'real_time_15min' as market,
        {{ aurum.ercot_location_id('settlement_point', 'settlement_point_type') }} as location_id,
        settlement_point as location_name,
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
        'ercot_api_rt_spp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
