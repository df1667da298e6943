with

source as (

    select * from {{ source('landing_eia', 'eia_hist_xls') }}

),

renamed as (

    select
        series_id,
        series_description,
        -- daily | weekly | monthly | annual, as the workbook states it (aurum.sources.eia):
        -- every frequency of a series shares its Sourcekey, so this is part of its key.
        frequency,
        value_status,
        period_date,
        value as series_value,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
