{#- Monthly fuel prices: the average of each daily/weekly series over the calendar
    month, plus monthly API v2 series as published. Units carried through. -#}
with

from_daily as (

    select
        series_id,
        {{ dbt.date_trunc('month', 'price_date') }} as month_start,
        avg(price) as price,
        count(*) as observations,
        currency,
        unit,
        'monthly_average' as derivation
    from {{ ref('int_fuel__daily_prices') }}
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

)

select * from from_daily
union all
select * from from_api
