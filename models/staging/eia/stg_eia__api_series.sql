with

source as (

    select * from {{ source('landing_eia', 'eia_api_v2_series') }}

),

renamed as (

    select
        route,
        series_id,
        facets,
        data_column,
        frequency,
        date_format,
        period,
        value_status,
        units as published_units,
        value_text,
        value as series_value,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
