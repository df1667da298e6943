with

source as (

    select * from {{ source('landing_fred', 'fred_series_observations') }}

),

renamed as (

    select
        series_id,
        file_kind,
        observation_date,
        value_is_missing,
        value as observation_value,
        realtime_start,
        realtime_end,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
