{#- Monthly fuel prices: the average of each daily series over the calendar month, plus
    monthly series as published (EIA API v2 and the monthly workbooks). Weekly prices
    are averages already and are not averaged again. Units carried through. -#}
with

from_daily as (

    select
        series_id,
        {{ dbt.date_trunc('month', 'price_date') }} as month_start,
        -- Rounded: a float sum depends on the order rows arrive in, and the mart must
        -- not change with it (prices are published to at most 3 decimals).
        round(avg(price), 6) as price,
        count(*) as observations,
        currency,
        unit,
        'monthly_average' as derivation
    from {{ ref('int_fuel__daily_prices') }}
    where frequency = 'daily'
    group by series_id, {{ dbt.date_trunc('month', 'price_date') }}, currency, unit

),

from_api as (

    select
        coalesce(series_id, route || ' ' || facets) as series_id,
        cast(period || '-01' as date) as month_start,
        series_value as price,
        1 as observations,
        'USD' as currency,
        case lower(published_units)
            when '$/mmbtu' then 'MMBtu'
            when 'dollars per short ton' then 'short_ton'
        end as unit,
        'published_monthly' as derivation
    from {{ ref('stg_eia__api_series') }}
    where value_status = 'ok' and frequency = 'monthly'

),

from_workbook as (

    select
        series_id,
        {{ dbt.date_trunc('month', 'period_date') }} as month_start,
        series_value as price,
        1 as observations,
        'USD' as currency,
        case when lower(series_description) like '%dollars per million btu%' then 'MMBtu' end as unit,
        'published_monthly' as derivation,
        row_number() over (
            partition by series_id, {{ dbt.date_trunc('month', 'period_date') }}
            order by loaded_at desc, source_file desc
        ) as load_rank
    from {{ ref('stg_eia__hist_series') }}
    where value_status = 'ok' and frequency = 'monthly'

)

select * from from_daily
union all
select * from from_api
union all
select
    series_id,
    month_start,
    price,
    observations,
    currency,
    unit,
    derivation
from from_workbook
where load_rank = 1
