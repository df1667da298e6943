with

source as (

    select * from {{ source('landing_ercot', 'ercot_api_rt_spp') }}

),

renamed as (

    select
        'ERCOT' as iso_code,
        'real_time_15min' as market,
        -- ERCOT publishes each load zone twice, as LZ and as LZEW (energy weighted).
        case
            when settlement_point_type = 'LZEW' then settlement_point || '_LZEW'
            else settlement_point
        end as location_id,
        settlement_point as location_name,
        settlement_point_type as location_type,

        -- Interval k of DeliveryHour h starts at local (h-1):00 + 15(k-1) minutes.
        -- Hour 3 does not exist on the spring-forward day and hour 2 repeats with
        -- DSTFlag on the fall-back day, so every start exists (see the docs block).
        {{ aurum.local_to_utc(
            dbt.dateadd(
                'minute',
                '(delivery_hour - 1) * 60 + (delivery_interval - 1) * 15',
                'cast(delivery_date as timestamp)',
            ),
            "'America/Chicago'",
            'dst_flag',
        ) }} as interval_start_utc,
        {{ aurum.add_seconds(
            aurum.local_to_utc(
                dbt.dateadd(
                    'minute',
                    '(delivery_hour - 1) * 60 + (delivery_interval - 1) * 15',
                    'cast(delivery_date as timestamp)',
                ),
                "'America/Chicago'",
                'dst_flag',
            ),
            900,
        ) }} as interval_end_utc,
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
