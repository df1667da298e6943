with

source as (

    select * from {{ source('landing_iso_load', 'isone_ws_locations') }}

),

renamed as (

    select
        'ISONE' as iso_code,
        location_id,
        location_name,
        location_type,
        area_type,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
