with

source as (

    select * from {{ source('landing_miso', 'miso_report_lmp') }}

),

-- The report publishes LMP, MCC and MLC as separate rows; one row per node-hour.
pivoted as (

    select
        report_kind,
        operating_date,
        node,
        node_type,
        hour_ending,
        _source_file,
        max(case when value_kind = 'LMP' then price end) as lmp,
        max(case when value_kind = 'MCC' then price end) as mcc,
        max(case when value_kind = 'MLC' then price end) as mlc,
        coalesce(min(case when value_kind = 'LMP' then _source_row end), min(_source_row))
            as _source_row,
        max(_loaded_at) as _loaded_at

    from source
    group by report_kind, operating_date, node, node_type, hour_ending, _source_file

),

renamed as (

    select
        'MISO' as iso_code,
        case
            when report_kind like 'da%' then 'day_ahead_hourly'
            when report_kind like 'rt%' then 'real_time_hourly'
        end as market,
        node as location_id,
        node as location_name,
        node_type as location_type,

        -- Hours ending are Eastern Standard Time all year (UTC-5, no DST), so
        -- HE h ends at operating_date + h hours + 5 hours in UTC.
        {{ dbt.dateadd('hour', 'hour_ending + 4', 'cast(operating_date as ' ~ aurum.type_timestamp() ~ ')') }}
            as interval_start_utc,
        {{ dbt.dateadd('hour', 'hour_ending + 5', 'cast(operating_date as ' ~ aurum.type_timestamp() ~ ')') }}
            as interval_end_utc,
        3600 as interval_seconds,

        lmp,
        -- LMP = MEC + MCC + MLC; MISO leaves the energy component implicit. Rounded:
        -- prices are published to cents, so binary float noise is not data.
        round(lmp - mcc - mlc, 6) as energy,
        mcc as congestion,
        mlc as loss,

        -- Preliminary/ex-ante reports are superseded by final/ex-post ones.
        case report_kind
            when 'rt_lmp_prelim' then 1
            when 'rt_lmp_final' then 2
            when 'da_exante_lmp' then 1
            when 'da_expost_lmp' then 2
            when 'da_lmp' then 2
        end as published_version,
        'miso_report_lmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from pivoted

)

select * from renamed
