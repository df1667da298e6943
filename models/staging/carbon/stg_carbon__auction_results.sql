with

source as (

    select * from {{ source('landing_carbon', 'carbon_auction_results') }}

),

renamed as (

    select
        program,
        auction_number,
        auction_year,
        auction_quarter,
        price_unit as published_unit,
        clearing_price as published_price,
        allowances_sold,
        allowances_offered,
        auction_date,
        source_doc,
        source_page,
        _source_file as source_file,
        _source_row as source_row,
        _loaded_at as loaded_at

    from source

)

select * from renamed
