with

source as (

    select * from {{ source('landing_ercot', 'ercot_dam_spp') }}

),

renamed as (

    select
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
        'ercot_dam_spp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
