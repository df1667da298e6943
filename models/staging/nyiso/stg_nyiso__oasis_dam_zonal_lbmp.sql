with

source as (

    select * from {{ source('landing_nyiso', 'nyiso_oasis_dam_zonal_lbmp') }}

),

renamed as (

    select
        'NYISO' as iso_code,
        'day_ahead_hourly' as market,
        cast(zone_ptid as varchar) as location_id,
        zone_name as location_name,
        cast(null as varchar) as location_type,

        -- Hour beginning on the Eastern wall clock, with its own EDT/EST column: the
        -- offset is published, so no zone rules are needed (EDT = UTC-4, EST = UTC-5).
        -- The fall-back 1:00 appears as 1:00 EDT and 1:00 EST and stays two hours.
        {{ aurum.add_seconds(
            'eastern_date_hour',
            "case eastern_date_hour_time_zone when 'EST' then 18000 when 'EDT' then 14400 end"
        ) }} as interval_start_utc,
        {{ aurum.add_seconds(
            'eastern_date_hour',
            "case eastern_date_hour_time_zone when 'EST' then 21600 when 'EDT' then 18000 end"
        ) }} as interval_end_utc,
        3600 as interval_seconds,

        -- NYISO: LBMP = energy + losses - congestion. Flip congestion to the PJM sign
        -- (0.0 - x keeps a published 0 a positive zero) and derive energy; the round
        -- drops binary noise from prices published to the cent.
        dam_zonal_lbmp as lmp,
        round(dam_zonal_lbmp - dam_zonal_losses + dam_zonal_congestion, 6) as energy,
        0.0 - dam_zonal_congestion as congestion,
        dam_zonal_losses as loss,

        dam_zonal_price_version as published_version,
        'nyiso_oasis_dam_zonal_lbmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
