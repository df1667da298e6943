with

source as (

    select * from {{ source('landing_spp', 'spp_lmp_by_settlement_location') }}

),

renamed as (

    select
        'SPP' as iso_code,
        case file_kind
            when 'DA' then 'day_ahead_hourly'
            when 'RTBM' then 'real_time_5min'
        end as market,
        settlement_location as location_id,
        settlement_location as location_name,
        -- Settlement-location files carry no location type.
        cast(null as varchar) as location_type,

        -- Interval is interval-ENDING Central prevailing and repeats in the fall-back hour;
        -- the GMT column is the same end instant in UTC, so the start is derived from it.
        {{ aurum.add_seconds('gmt_interval_end', "case when file_kind = 'DA' then -3600 else -300 end") }}
            as interval_start_utc,
        gmt_interval_end as interval_end_utc,
        case when file_kind = 'DA' then 3600 else 300 end as interval_seconds,

        lmp,
        mec as energy,
        mcc as congestion,
        mlc as loss,

        cast(null as integer) as published_version,
        'spp_lmp_by_settlement_location' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
