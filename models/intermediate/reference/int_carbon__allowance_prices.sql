{#- CO2 allowance auction prices in both units, explicitly: USD per metric ton (t)
    and USD per short ton. 1 short ton = 0.90718474 t, so a price per short ton is
    the price per tonne times 0.90718474.

    Incremental by key (program, year, quarter; config in _reference__models.yml): a
    build re-reads the auction years that newly loaded rows touch, so a corrected
    result replaces the earlier one. -#}
with

auctions as (

    select * from {{ ref('stg_carbon__auction_results') }}
    where {{ aurum.incremental_window(ref('stg_carbon__auction_results'), 'auction_year') }}

),

converted as (

    select
        program,
        auction_year,
        auction_quarter,
        auction_number,
        auction_date,
        published_unit,
        published_price,
        case published_unit
            when 'usd_per_tonne' then published_price
            when 'usd_per_short_ton' then published_price / 0.90718474
        end as price_usd_per_metric_ton,
        case published_unit
            when 'usd_per_short_ton' then published_price
            when 'usd_per_tonne' then published_price * 0.90718474
        end as price_usd_per_short_ton,
        allowances_sold,
        allowances_offered,
        source_page,
        loaded_at,
        row_number() over (
            partition by program, auction_year, auction_quarter
            order by loaded_at desc, source_file desc
        ) as load_rank
    from auctions

)

select
    program,
    auction_year,
    auction_quarter,
    auction_number,
    auction_date,
    'USD' as currency,
    published_unit,
    published_price,
    price_usd_per_metric_ton,
    price_usd_per_short_ton,
    allowances_sold,
    allowances_offered,
    source_page,
    loaded_at
from converted
where load_rank = 1
