with

source as (

    select * from {{ source('landing_ercot', 'ercot_sced_lmp') }}

),

renamed as (

    select
        'ERCOT' as iso_code,
        'real_time_sced' as market,
        settlement_point as location_id,
        settlement_point as location_name,
        cast(null as varchar) as location_type,

        -- The SCED timestamp is the run's own wall-clock time (it always exists) and
        -- starts a nominal 5-minute interval; RepeatedHourFlag marks the second 01:xx.
        {%- set start_utc = aurum.local_to_utc('sced_timestamp', "'America/Chicago'", 'repeated_hour_flag') %}
        {{ start_utc }} as interval_start_utc,
        {{ aurum.add_seconds(start_utc, 300) }} as interval_end_utc,
        300 as interval_seconds,

        lmp,
        cast(null as double) as energy,
        cast(null as double) as congestion,
        cast(null as double) as loss,

        cast(null as integer) as published_version,
        'ercot_sced_lmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
