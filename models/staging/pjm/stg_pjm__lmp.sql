with

source as (

    select * from {{ source('landing_pjm', 'pjm_dataminer_lmp') }}

),

renamed as (

    select
        'PJM' as iso_code,
        case feed
            when 'da_hrl_lmps' then 'day_ahead_hourly'
            when 'rt_hrl_lmps' then 'real_time_hourly'
            when 'rt_fivemin_hrl_lmps' then 'real_time_5min'
        end as market,
        cast(pnode_id as varchar) as location_id,
        pnode_name as location_name,
        type as location_type,

        -- PJM publishes UTC beside EPT; UTC is unambiguous in the fall-back hour.
        datetime_beginning_utc as interval_start_utc,
        {{ aurum.add_seconds('datetime_beginning_utc', "case when feed = 'rt_fivemin_hrl_lmps' then 300 else 3600 end") }}
            as interval_end_utc,
        case when feed = 'rt_fivemin_hrl_lmps' then 300 else 3600 end as interval_seconds,

        total_lmp as lmp,
        system_energy_price as energy,
        congestion_price as congestion,
        marginal_loss_price as loss,

        version_nbr as published_version,
        'pjm_dataminer_lmp' as source_format,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
