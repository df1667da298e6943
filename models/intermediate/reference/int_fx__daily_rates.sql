{#- Daily FX for every calendar day, EUR-based ECB rates filled forward over
    weekends and TARGET holidays, with USD cross rates derived via EUR.

    Incremental by (rate_date, currency), config in _reference__models.yml. Filling
    forward is not key-local: a revised rate on day d changes every later day filled
    from it, and a revised USD rate changes every currency's USD cross rate that day.
    So a build rebuilds from the earliest date newly loaded rows touch to the end
    (incremental_window open-ended), computed from the whole history (a fill needs the
    last published rate before the window; ECB history is ~40 currencies x 250 days a
    year, ~10^5 rows since 1999). -#}
with

published as (

    select
        rate_date,
        currency,
        rate_per_eur,
        loaded_at,
        row_number() over (
            partition by rate_date, currency
            order by loaded_at desc, source_file desc
        ) as load_rank
    from {{ ref('stg_ecb__fx_rates') }}

),

rates as (

    select
        rate_date,
        currency,
        rate_per_eur,
        loaded_at
    from published
    where load_rank = 1

    union all

    -- EUR itself, on every published day, so EUR gets a USD rate too.
    select
        rate_date,
        'EUR' as currency,
        1.0 as rate_per_eur,
        max(loaded_at) as loaded_at
    from published
    where load_rank = 1
    group by rate_date

),

currency_ranges as (

    select
        currency,
        min(rate_date) as first_date,
        max(rate_date) as last_date
    from rates
    group by currency

),

spine as (

    {{ aurum.daily_spine('currency_ranges', 'first_date', 'last_date', ['currency']) }}

),

with_source_date as (

    select
        spine.currency,
        spine.day as rate_date,
        max(rates.rate_date) over (
            partition by spine.currency
            order by spine.day
            rows between unbounded preceding and current row
        ) as source_date
    from spine
    left join rates
        on spine.currency = rates.currency and spine.day = rates.rate_date

),

filled as (

    select
        with_source_date.rate_date,
        with_source_date.currency,
        with_source_date.source_date,
        with_source_date.source_date <> with_source_date.rate_date as is_filled,
        rates.rate_per_eur,
        rates.loaded_at
    from with_source_date
    inner join rates
        on
            with_source_date.currency = rates.currency
            and with_source_date.source_date = rates.rate_date

),

usd as (

    select
        rate_date,
        rate_per_eur as usd_per_eur,
        loaded_at as usd_loaded_at
    from filled
    where currency = 'USD'

),

crossed as (

    select
        filled.rate_date,
        filled.currency,
        filled.rate_per_eur as units_per_eur,
        1.0 / filled.rate_per_eur as eur_per_unit,
        -- USD per 1 unit of X = (USD per EUR) / (X per EUR)
        usd.usd_per_eur / filled.rate_per_eur as usd_per_unit,
        filled.rate_per_eur / usd.usd_per_eur as units_per_usd,
        filled.is_filled,
        filled.source_date,
        -- The later of the rate's load and the USD rate's load: the cross uses both.
        case
            when usd.usd_loaded_at > filled.loaded_at then usd.usd_loaded_at
            else filled.loaded_at
        end as loaded_at
    from filled
    left join usd
        on filled.rate_date = usd.rate_date

)

select * from crossed
where {{ aurum.incremental_window(ref('stg_ecb__fx_rates'), 'rate_date', open_ended=true) }}
