with

source as (

    select * from {{ source('landing_nyiso', 'nyiso_mis_zonal_lbmp') }}

),

-- The MIS files carry no EDT/EST flag. On the fall-back day each PTID's wall clock
-- runs through the 01:00 hour in daylight time, then goes back (real-time: 01:55 ->
-- 01:00; hourly: 01:00 -> 01:00) and runs through it again in standard time. The
-- switch is read from that sequence: from the row on which a PTID's clock went back
-- or stood still (file order), its stamps of that date are standard time. Counting
-- how often a label occurs would not do: an off-grid stamp (e.g. 01:23:45) appears
-- once, and inside the repeated hour it is standard time all the same.
sequenced as (

    select
        *,
        coalesce(
            time_stamp <= lag(time_stamp) over (
                partition by _source_file, feed, ptid
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
            partition by _source_file, feed, ptid, cast(time_stamp as date)
            order by _source_row
            rows between unbounded preceding and current row
        ) as is_repeated_stamp
    from sequenced

),

-- `time_stamp` is the interval BEGINNING for the hourly files (damlbmp, rtlbmp: hour
-- beginning) and the interval END for realtime (RTD interval ending; 24:00 is written as next-day
-- 00:00:00). Either way the stamp is a wall-clock time that exists, so it is the
-- one converted. A real-time interval starts where the previous one for the same
-- PTID in the file ended, but never before the 5-minute grid point preceding its
-- end: off-grid RTD runs (e.g. 00:15:12) split the grid interval they fall in, the
-- first stamp of a file starts at its grid point even when off the grid, and a
-- missing interval does not stretch the next one.
intervals as (

    {%- set stamp_utc = aurum.local_to_utc('time_stamp', "'America/New_York'", 'is_repeated_stamp') %}
    {%- set grid_start = aurum.floor_to_grid(aurum.add_seconds(stamp_utc, -1), 300) %}

    select
        *,
        case
            when feed in ('damlbmp', 'rtlbmp') then {{ stamp_utc }}
            else greatest(
                coalesce(
                    lag({{ stamp_utc }}) over (
                        partition by _source_file, feed, ptid
                        order by _source_row
                    ),
                    {{ grid_start }}
                ),
                {{ grid_start }}
            )
        end as start_utc,
        case
            when feed in ('damlbmp', 'rtlbmp') then {{ aurum.add_seconds(stamp_utc, 3600) }}
            else {{ stamp_utc }}
        end as end_utc
    from occurrences

),

renamed as (

    select
        'NYISO' as iso_code,
        case feed
            when 'damlbmp' then 'day_ahead_hourly'
            when 'rtlbmp' then 'real_time_hourly'
            when 'realtime' then 'real_time_5min'
        end as market,
        cast(ptid as varchar) as location_id,
        name as location_name,
        cast(null as varchar) as location_type,

        start_utc as interval_start_utc,
        end_utc as interval_end_utc,
        cast({{ dbt.datediff('start_utc', 'end_utc', 'second') }} as integer) as interval_seconds,

        -- NYISO: LBMP = energy + losses - congestion. Flip congestion to the PJM sign
        -- (0.0 - x keeps a published 0.00 a positive zero) and derive energy; the
        -- round drops binary noise from prices published to the cent.
        lbmp as lmp,
        round(lbmp - marginal_cost_losses + marginal_cost_congestion, 6) as energy,
        0.0 - marginal_cost_congestion as congestion,
        marginal_cost_losses as loss,

        cast(null as integer) as published_version,
        'nyiso_mis_zonal_lbmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from intervals

)

select * from renamed
