with

source as (

    select * from {{ source('landing_ercot', 'ercot_sced_lmp') }}

),

-- The SCED timestamp is the run's own wall-clock time (it always exists);
-- RepeatedHourFlag marks the second 01:xx.
stamped as (

    select
        *,
        {{ aurum.local_to_utc('sced_timestamp', "'America/Chicago'", 'repeated_hour_flag') }}
            as start_utc
    from source

),

-- A run's price holds until the point's next run, never longer than 300 s. Runs are
-- not on a grid (11:25:17, 11:30:16, ...), so a fixed 300 s would overlap the next
-- run; one posting per run means the next run is in another file, hence the distinct
-- run starts over everything landed (a run landed twice is still one run).
runs as (

    select distinct
        settlement_point,
        start_utc
    from stamped

),

next_runs as (

    select
        settlement_point,
        start_utc,
        least(
            coalesce(
                lead(start_utc) over (partition by settlement_point order by start_utc),
                {{ aurum.add_seconds('start_utc', 300) }}
            ),
            {{ aurum.add_seconds('start_utc', 300) }}
        ) as end_utc
    from runs

),

renamed as (

    select
        'ERCOT' as iso_code,
        'real_time_sced' as market,
        stamped.settlement_point as location_id,
        stamped.settlement_point as location_name,
        cast(null as varchar) as location_type,

        stamped.start_utc as interval_start_utc,
        next_runs.end_utc as interval_end_utc,
        cast({{ dbt.datediff('stamped.start_utc', 'next_runs.end_utc', 'second') }} as integer)
            as interval_seconds,

        stamped.lmp,
        cast(null as double) as energy,
        cast(null as double) as congestion,
        cast(null as double) as loss,

        cast(null as integer) as published_version,
        'ercot_sced_lmp' as source_format,
        stamped._source_file as source_file,
        stamped._source_row as source_row,
        stamped._loaded_at as loaded_at

    from stamped
    inner join next_runs
        on
            stamped.settlement_point = next_runs.settlement_point
            and stamped.start_utc = next_runs.start_utc

)

select * from renamed
