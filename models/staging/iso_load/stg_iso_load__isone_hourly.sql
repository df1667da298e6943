with

source as (

    select * from {{ source('landing_iso_load', 'isone_ws_hourly_load') }}

),

renamed as (

    select
        'ISONE' as iso_code,
        location_id,
        location_name,
        dataset,
        load_mw,
        native_load_mw,
        ard_demand_mw,
        -- Both datasets are hourly and stamped at the hour's beginning (BeginDate).
        begin_date_utc as interval_start_utc,
        {{ aurum.add_seconds('begin_date_utc', 3600) }} as interval_end_utc,
        3600 as interval_seconds,
        utc_offset_minutes,
        begin_date as begin_date_published,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
