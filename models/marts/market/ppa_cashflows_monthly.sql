{{ aurum.per_run_config() }}
{#- Monthly PPA cashflows (local calendar month of the node), summed from ppa_valuation,
    with capture price, time-weighted price and the month's present value. The month's
    settlement is taken as paid on the first day of the next month. -#}
with

valuation as (

    select * from {{ ref('ppa_valuation') }}
    where {{ aurum.run_key_predicate() }}

),

cpi as (

    select
        month_start,
        index_value
    from {{ ref('int_cpi__monthly_index') }}
    where series_id = {{ aurum.ppa('deflator_series_id') }}

),

monthly as (

    select
        contract_id,
        scenario_id,
        local_month,
        count(*) as interval_count,
        sum(case when strike_usd_per_mwh is null then 1 else 0 end) as intervals_without_strike,
        sum(interval_hours) as hours,
        sum(contracted_volume_mwh) as contracted_volume_mwh,
        sum(volume_mwh) as volume_mwh,
        sum(settled_volume_mwh) as settled_volume_mwh,
        sum(market_value_usd) as market_value_usd,
        sum(market_price_usd_per_mwh * interval_hours) as price_hours_usd_per_mwh_h,
        sum(strike_usd_per_mwh * settled_volume_mwh) as strike_value_usd,
        sum(settlement_usd) as settlement_usd,
        sum(basis_usd) as basis_usd,
        sum(buyer_basis_usd) as buyer_basis_usd,
        sum(seller_basis_usd) as seller_basis_usd
    from valuation
    group by contract_id, scenario_id, local_month

),

discounted as (

    select
        monthly.*,
        cast({{ dbt.dateadd('month', 1, 'monthly.local_month') }} as date) as payment_date,
        case
            when {{ aurum.ppa('discount_basis') }} = 'real' then valuation_cpi.index_value / month_cpi.index_value
            else 1.0
        end as deflator
    from monthly
    left join cpi as month_cpi
        on monthly.local_month = month_cpi.month_start
    left join cpi as valuation_cpi
        on valuation_cpi.month_start = cast({{ dbt.date_trunc('month', aurum.ppa('valuation_date')) }} as date)

),

timed as (

    select
        *,
        {{ dbt.datediff(aurum.ppa('valuation_date'), 'payment_date', 'day') }} / cast(365.25 as double) as years_to_payment
    from discounted

)

select
    {{ aurum.run_id_column() }},
    contract_id,
    scenario_id,
    local_month,
    cast(interval_count as integer) as interval_count,
    cast(intervals_without_strike as integer) as intervals_without_strike,
    cast(hours as double) as hours,
    cast(contracted_volume_mwh as double) as contracted_volume_mwh,
    cast(volume_mwh as double) as volume_mwh,
    cast(settled_volume_mwh as double) as settled_volume_mwh,
    cast(market_value_usd as double) as market_value_usd,
    cast(price_hours_usd_per_mwh_h as double) as price_hours_usd_per_mwh_h,
    cast(strike_value_usd as double) as strike_value_usd,
    cast(settlement_usd as double) as settlement_usd,
    cast(basis_usd as double) as basis_usd,
    cast(buyer_basis_usd as double) as buyer_basis_usd,
    cast(seller_basis_usd as double) as seller_basis_usd,
    {{ aurum.ppa_capture_columns() }},
    payment_date,
    cast(years_to_payment as double) as years_to_payment,
    cast(deflator as double) as deflator,
    cast(power(1 + {{ aurum.ppa('discount_annual_rate') }}, -years_to_payment) as double) as discount_factor,
    cast(settlement_usd * deflator * power(1 + {{ aurum.ppa('discount_annual_rate') }}, -years_to_payment) as double) as present_value_usd
from timed
