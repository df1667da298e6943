with

source as (

    select * from {{ source('landing_nyiso', 'nyiso_oasis_rtc_zonal_lbmp') }}

),

-- No EDT/EST column: in the fall-back hour the zone's end stamps run through the 01:00
-- hour twice, daylight first. As in the MIS files (stg_nyiso__mis_zonal_lbmp), the
-- switch is read from the sequence: from the row on which the clock went back, the
-- zone's stamps of that date are standard time.
sequenced as (

    select
        *,
        coalesce(
            rtc_end_time_stamp <= lag(rtc_end_time_stamp) over (
                partition by _source_file, zone_ptid
                order by _source_row
            ),
            false
        ) as clock_went_back
    from source

),

occurrences as (

    select
        *,
        bool_or(clock_went_back) over (
            partition by _source_file, zone_ptid, cast(rtc_end_time_stamp as date)
            order by _source_row
            rows between unbounded preceding and current row
        ) as is_repeated_stamp
    from sequenced

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
