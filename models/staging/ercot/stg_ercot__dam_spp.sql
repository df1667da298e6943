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

        -- HourEnding h starts at local (h-1):00. ERCOT skips HourEnding 03:00 on the
        -- spring-forward day and repeats 02:00 (DSTFlag = Y) on the fall-back day, so
        -- every start exists; the repeated one is the second (standard-time) instant.
        {{ aurum.local_to_utc(
            dbt.dateadd('hour', 'hour_ending - 1', 'cast(delivery_date as timestamp)'),
            "'America/Chicago'",
            'dst_flag',
        ) }} as interval_start_utc,
        {{ aurum.add_seconds(
            aurum.local_to_utc(
                dbt.dateadd('hour', 'hour_ending - 1', 'cast(delivery_date as timestamp)'),
                "'America/Chicago'",
                'dst_flag',
            ),
            3600,
        ) }} as interval_end_utc,
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
