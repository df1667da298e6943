with

source as (

    select * from {{ source('landing_ecb', 'ecb_eurofxref') }}

),

renamed as (

    select
        currency,
        file_kind,
        rate_date,
        rate_per_eur,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
