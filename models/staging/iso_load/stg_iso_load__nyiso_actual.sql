with

source as (

    select * from {{ source('landing_iso_load', 'nyiso_pal') }}

),

stamped as (

    select
        *,
        -- EST/EDT in the file make the fall-back hour unambiguous: UTC = local + 5 h / 4 h.
        {{ aurum.add_seconds('time_stamp', "case time_zone when 'EDT' then 14400 else 18000 end") }}
            as time_stamp_utc
    from source

),

-- A P-58B file runs 00:00 .. 23:55 local: each reading is stamped at the start of the
-- 5-minute interval it stands for. Off-grid readings (e.g. 00:07:34, 00:09:40) split
-- that grid, so a reading holds until the PTID's next reading in the file or the next
-- 5-minute grid point, whichever comes first (a missing reading does not stretch its
-- predecessor; the last reading of a file ends at the grid point after it).
intervals as (

    {%- set grid_end = aurum.add_seconds(aurum.floor_to_grid('time_stamp_utc', 300), 300) %}

    select
        *,
        least(
            coalesce(
                lead(time_stamp_utc) over (
                    partition by _source_file, ptid
                    order by time_stamp_utc
                ),
                {{ grid_end }}
            ),
            {{ grid_end }}
        ) as end_utc
    from stamped

),

renamed as (

    select
        'NYISO' as iso_code,
        zone_name as location_id,
        cast(ptid as varchar) as ptid,
        time_zone as published_time_zone,
        load_mw,
        time_stamp as time_stamp_local,
        time_stamp_utc,
        time_stamp_utc as interval_start_utc,
        end_utc as interval_end_utc,
        cast({{ dbt.datediff('time_stamp_utc', 'end_utc', 'second') }} as integer) as interval_seconds,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from intervals

)

select * from renamed
