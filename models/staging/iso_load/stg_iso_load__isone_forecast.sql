with

source as (

    select * from {{ source('landing_iso_load', 'isone_ws_load_forecast') }}

),

renamed as (

    select
        'ISONE' as iso_code,
        load_mw as forecast_load_mw,
        net_load_mw as forecast_net_load_mw,
        -- The forecast is hourly, each value for the hour beginning at BeginDate.
        begin_date_utc as interval_start_utc,
        {{ aurum.add_seconds('begin_date_utc', 3600) }} as interval_end_utc,
        3600 as interval_seconds,
        creation_date_utc as forecast_created_utc,
        utc_offset_minutes,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
