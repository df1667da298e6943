with

source as (

    select * from {{ source('landing_iso_load', 'pjm_hrl_load_metered') }}

),

renamed as (

    select
        'PJM' as iso_code,
        load_area as location_id,
        zone,
        mkt_region,
        nerc_region,
        is_verified,
        mw as load_mw,
        datetime_beginning_utc as interval_start_utc,
        datetime_beginning_ept as interval_start_local,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
