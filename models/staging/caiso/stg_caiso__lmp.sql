with

source as (

    select * from {{ source('landing_caiso', 'caiso_oasis_prc_lmp') }}

),

-- OASIS publishes one row per LMP_TYPE; one row per node and interval here.
pivoted as (

    select
        _source_file,
        market_run_id,
        node,
        interval_start_gmt,
        interval_end_gmt,
        max(case when lmp_type = 'LMP' then value end) as lmp,
        max(case when lmp_type = 'MCE' then value end) as mce,
        max(case when lmp_type = 'MGHG' then value end) as mghg,
        max(case when lmp_type = 'MCC' then value end) as mcc,
        max(case when lmp_type = 'MCL' then value end) as mcl,
        -- provenance points at the LMP row (any row when LMP itself is missing)
        coalesce(max(case when lmp_type = 'LMP' then _source_row end), min(_source_row))
            as _source_row,
        max(_loaded_at) as _loaded_at
    from source
    group by _source_file, market_run_id, node, interval_start_gmt, interval_end_gmt

),

renamed as (

    select
        'CAISO' as iso_code,
        case market_run_id
            when 'DAM' then 'day_ahead_hourly'
            when 'RTPD' then 'real_time_15min'
            when 'RTM' then 'real_time_5min'
        end as market,
        node as location_id,
        node as location_name,
        -- OASIS LMP queries carry no location type column.
        cast(null as varchar) as location_type,

        -- OASIS publishes GMT beside the Pacific OPR_DT/OPR_HR; GMT is unambiguous.
        interval_start_gmt as interval_start_utc,
        interval_end_gmt as interval_end_utc,
        cast({{ dbt.datediff('interval_start_gmt', 'interval_end_gmt', 'second') }} as integer)
            as interval_seconds,

        lmp,
        -- The GHG component (MGHG, EIM) is folded into energy so that
        -- lmp = energy + congestion + loss holds with three components.
        mce + coalesce(mghg, 0) as energy,
        mcc as congestion,
        mcl as loss,

        cast(null as integer) as published_version,
        'caiso_oasis_prc_lmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from pivoted

)

select * from renamed
