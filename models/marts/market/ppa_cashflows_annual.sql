{{ aurum.per_run_config() }}
{#- Annual PPA cashflows (local calendar year), summed from ppa_cashflows_monthly. -#}
with

monthly as (

    select * from {{ ref('ppa_cashflows_monthly') }}
    where {{ aurum.run_key_predicate() }}

),

annual as (

    select
        contract_id,
        scenario_id,
        cast(extract(year from local_month) as integer) as local_year,
        count(*) as month_count,
        sum(interval_count) as interval_count,
        sum(intervals_without_strike) as intervals_without_strike,
        sum(hours) as hours,
        sum(contracted_volume_mwh) as contracted_volume_mwh,
        sum(volume_mwh) as volume_mwh,
        sum(settled_volume_mwh) as settled_volume_mwh,
        sum(market_value_usd) as market_value_usd,
        sum(price_hours_usd_per_mwh_h) as price_hours_usd_per_mwh_h,
        sum(strike_value_usd) as strike_value_usd,
        sum(settlement_usd) as settlement_usd,
        sum(basis_usd) as basis_usd,
        sum(buyer_basis_usd) as buyer_basis_usd,
        sum(seller_basis_usd) as seller_basis_usd,
        sum(present_value_usd) as present_value_usd,
        sum(case when present_value_usd is null then 1 else 0 end) as months_without_present_value
    from monthly
    group by contract_id, scenario_id, cast(extract(year from local_month) as integer)

)

select
    {{ aurum.run_id_column() }},
    contract_id,
    scenario_id,
    local_year,
    cast(month_count as integer) as month_count,
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
    cast(present_value_usd as double) as present_value_usd,
    cast(months_without_present_value as integer) as months_without_present_value
from annual
