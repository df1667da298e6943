with

source as (

    select * from {{ source('landing_isone', 'isone_ws_lmp') }}

),

renamed as (

    select
        'ISONE' as iso_code,
        case market_hint
            when 'da_hourly' then 'day_ahead_hourly'
            when 'rt_hourly' then 'real_time_hourly'
            when 'rt_fivemin' then 'real_time_5min'
        end as market,
        location_id,
        location_name,
        location_type,

        -- BeginDate carries its own offset; the decoder already resolved it to UTC.
        begin_date_utc as interval_start_utc,
        {{ aurum.add_seconds('begin_date_utc', "case when market_hint = 'rt_fivemin' then 300 else 3600 end") }}
            as interval_end_utc,
        case when market_hint = 'rt_fivemin' then 300 else 3600 end as interval_seconds,

        lmp_total as lmp,
        energy_component as energy,
        congestion_component as congestion,
        loss_component as loss,

        -- prelim reports are superseded by final ones for the same interval.
        case report_status when 'prelim' then 1 when 'final' then 2 end as published_version,
        'isone_ws_lmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
