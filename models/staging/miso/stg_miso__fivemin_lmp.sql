with

source as (

    select * from {{ source('landing_miso', 'miso_api_fivemin_lmp') }}

),

renamed as (

    select
        'MISO' as iso_code,
        'real_time_5min' as market,
        cpnode as location_id,
        cpnode as location_name,
        cast(null as varchar) as location_type,

        -- INTERVAL is the interval END in Eastern Standard Time (UTC-5 all year).
        {{ aurum.add_seconds(dbt.dateadd('hour', 5, 'interval'), -300) }} as interval_start_utc,
        {{ dbt.dateadd('hour', 5, 'interval') }} as interval_end_utc,
        300 as interval_seconds,

        lmp,
        -- Rounded: prices are published to cents, so binary float noise is not data.
        round(lmp - mcc - mlc, 6) as energy,
        mcc as congestion,
        mlc as loss,

        cast(null as integer) as published_version,
        'miso_api_fivemin_lmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
