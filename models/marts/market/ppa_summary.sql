{{ aurum.per_run_config() }}
{#- One row per (contract, scenario): totals, NPV, capture price and capture rate over
    every priced interval of the term (coverage in first/last month and hours). -#}
with

monthly as (

    select * from {{ ref('ppa_cashflows_monthly') }}
    where {{ aurum.run_key_predicate() }}

),

totals as (

    select
        contract_id,
        scenario_id,
        min(local_month) as first_month,
        max(local_month) as last_month,
        count(*) as month_count,
        sum(interval_count) as interval_count,
        sum(intervals_without_strike) as intervals_without_strike,
        sum(hours) as hours,
        sum(volume_mwh) as volume_mwh,
        sum(settled_volume_mwh) as settled_volume_mwh,
        sum(market_value_usd) as market_value_usd,
        sum(price_hours_usd_per_mwh_h) as price_hours_usd_per_mwh_h,
        sum(strike_value_usd) as strike_value_usd,
        sum(settlement_usd) as settlement_usd,
        sum(basis_usd) as basis_usd,
        sum(buyer_basis_usd) as buyer_basis_usd,
        sum(seller_basis_usd) as seller_basis_usd,
        sum(present_value_usd) as npv_usd,
        sum(case when present_value_usd is null then 1 else 0 end) as months_without_present_value
    from monthly
    group by contract_id, scenario_id

)

select
    {{ aurum.run_id_column() }},
    contract_id,
    scenario_id,
    {{ aurum.ppa('discount_basis') }} as discount_basis,
    {{ aurum.ppa('discount_annual_rate') }} as discount_annual_rate,
    {{ aurum.ppa('valuation_date') }} as valuation_date,
    first_month,
    last_month,
    cast(month_count as integer) as month_count,
    cast(interval_count as integer) as interval_count,
    cast(intervals_without_strike as integer) as intervals_without_strike,
    cast(hours as double) as hours,
    cast(volume_mwh as double) as volume_mwh,
    cast(settled_volume_mwh as double) as settled_volume_mwh,
    cast(market_value_usd as double) as market_value_usd,
    cast(settlement_usd as double) as settlement_usd,
    cast(basis_usd as double) as basis_usd,
    cast(buyer_basis_usd as double) as buyer_basis_usd,
    cast(seller_basis_usd as double) as seller_basis_usd,
    cast(strike_value_usd / nullif(settled_volume_mwh, 0) as double) as average_strike_usd_per_mwh,
    {{ aurum.ppa_capture_columns() }},
    cast(npv_usd as double) as npv_usd,
    cast(months_without_present_value as integer) as months_without_present_value
from totals
