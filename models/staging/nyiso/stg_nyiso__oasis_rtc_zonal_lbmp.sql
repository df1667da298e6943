with

source as (

    select * from {{ source('landing_nyiso', 'nyiso_oasis_rtc_zonal_lbmp') }}

),

-- No EDT/EST column: in the fall-back hour the same end stamps appear twice,
-- daylight first, so the second occurrence of a (PTID, stamp) in a file is the
-- standard-time one.
occurrences as (

    select
        *,
        row_number() over (
            partition by _source_file, zone_ptid, rtc_end_time_stamp
            order by _source_row
        ) > 1 as is_repeated_stamp
    from source

),

renamed as (

    {%- set end_utc = aurum.local_to_utc('rtc_end_time_stamp', "'America/New_York'", 'is_repeated_stamp') %}

    select
        'NYISO' as iso_code,
        'real_time_commitment_15min' as market,
        cast(zone_ptid as varchar) as location_id,
        zone_name as location_name,
        cast(null as varchar) as location_type,

        -- 15-minute interval ENDING: the end always exists on the wall clock (on the
        -- spring-forward day 01:45 is followed by 03:00), so the end is converted and
        -- the start derived from it.
        {{ aurum.add_seconds(end_utc, -900) }} as interval_start_utc,
        {{ end_utc }} as interval_end_utc,
        900 as interval_seconds,

        -- NYISO: LBMP = energy + losses - congestion. Flip congestion to the PJM sign
        -- (0.0 - x keeps a published 0 a positive zero) and derive energy; the round
        -- drops binary noise from prices published to the cent.
        rtc_zonal_lbmp as lmp,
        round(rtc_zonal_lbmp - rtc_zonal_losses + rtc_zonal_congestion, 6) as energy,
        0.0 - rtc_zonal_congestion as congestion,
        rtc_zonal_losses as loss,

        rtc_zonal_price_version as published_version,
        'nyiso_oasis_rtc_zonal_lbmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from occurrences

)

select * from renamed
