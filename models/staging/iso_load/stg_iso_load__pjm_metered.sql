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
        -- Hourly, stamped at the hour's beginning (datetime_beginning_utc): the same
        -- interval fields as an LMP row, so load joins price by interval.
        datetime_beginning_utc as interval_start_utc,
        {{ aurum.add_seconds('datetime_beginning_utc', 3600) }} as interval_end_utc,
        3600 as interval_seconds,
        datetime_beginning_ept as interval_start_local,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
