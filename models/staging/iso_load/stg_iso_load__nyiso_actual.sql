with

source as (

    select * from {{ source('landing_iso_load', 'nyiso_pal') }}

),

renamed as (

    select
        'NYISO' as iso_code,
        zone_name as location_id,
        cast(ptid as varchar) as ptid,
        time_zone as published_time_zone,
        load_mw,
        time_stamp as time_stamp_local,
        -- EST/EDT in the file make the fall-back hour unambiguous: UTC = local + 5 h / 4 h.
        {{ aurum.add_seconds('time_stamp', "case time_zone when 'EDT' then 14400 else 18000 end") }}
            as time_stamp_utc,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
