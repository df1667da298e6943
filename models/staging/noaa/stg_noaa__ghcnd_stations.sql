with

source as (

    select * from {{ source('landing_noaa', 'noaa_ghcnd_stations') }}

),

renamed as (

    select
        station_id,
        country_code,
        state as state_code,
        name as station_name,
        gsn_flag,
        hcn_crn_flag,
        wmo_id,
        latitude,
        longitude,
        elevation_m,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
