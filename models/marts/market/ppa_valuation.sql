{{ aurum.per_run_config() }}
{#- PPA settlement per interval for the contract in var `ppa` (read through
    macros/ppa_vars.sql), from the buyer's side: settlement_usd > 0 means the seller
    pays the buyer. Formulas and symbols: docs/ppa.md. Empty without the var. -#}
with

intervals as (

    select * from {{ ref('int_ppa__settlement_intervals') }}
    where local_date between {{ aurum.ppa('term_start') }} and {{ aurum.ppa('term_end') }}

),

profiles as (

    select
        month,
        hour_ending_local,
        capacity_factor
    from {{ ref('ppa_generation_profiles') }}
    where profile = {{ aurum.ppa('profile') }}

),

cpi as (

    select
        month_start,
        index_value
    from {{ ref('int_cpi__monthly_index') }}
    where series_id = {{ aurum.ppa('cpi_series_id') }}

),

cpi_base as (

    select index_value as base_index_value
    from cpi
    where month_start = cast({{ dbt.dateadd('month', '-' ~ aurum.ppa('cpi_lag_months'), aurum.ppa('cpi_base_month')) }} as date)

),

terms as (

    select
        intervals.*,
        intervals.interval_seconds / cast(3600 as double) as interval_hours,
        profiles.capacity_factor,
        cpi.index_value as cpi_index_value,
        cpi_base.base_index_value as cpi_base_index_value,
        -- Whole contract years completed at the interval's local date (0 in the first year).
        floor((
            (extract(year from intervals.local_date) - extract(year from {{ aurum.ppa('term_start') }})) * 12
            + extract(month from intervals.local_date) - extract(month from {{ aurum.ppa('term_start') }})
            - case when extract(day from intervals.local_date) < extract(day from {{ aurum.ppa('term_start') }}) then 1 else 0 end
        ) / cast(12 as double)) as contract_year_index
    from intervals
    left join profiles
        on
            extract(month from intervals.local_month) = profiles.month
            and intervals.hour_ending_local = profiles.hour_ending_local
    left join cpi
        on cpi.month_start = cast({{ dbt.dateadd('month', '-' ~ aurum.ppa('cpi_lag_months'), 'intervals.local_month') }} as date)
    -- cpi_base has one row (CPI escalation) or none; a left join keeps the intervals either way.
    left join cpi_base on true

),

volumes as (

    select
        *,
        case
            when {{ aurum.ppa('shape_kind') }} = 'fixed'
                then {{ aurum.ppa('shape_mw') }} * {{ aurum.ppa('buyer_share') }} * interval_hours
            else {{ aurum.ppa('capacity_mw') }} * capacity_factor * {{ aurum.ppa('buyer_share') }} * interval_hours
        end as contracted_volume_mwh,
        coalesce(market_price_usd_per_mwh < {{ aurum.ppa('curtailment_below_price_usd_per_mwh') }}, false) as is_curtailed,
        case {{ aurum.ppa('escalation_kind') }}
            when 'fixed' then {{ aurum.ppa('strike_usd_per_mwh') }} * power(1 + {{ aurum.ppa('escalation_annual_pct') }} / cast(100 as double), contract_year_index)
            when 'cpi' then {{ aurum.ppa('strike_usd_per_mwh') }} * cpi_index_value / cpi_base_index_value
            else {{ aurum.ppa('strike_usd_per_mwh') }}
        end as strike_usd_per_mwh
    from terms

),

settled as (

    select
        *,
        case when is_curtailed then 0.0 else contracted_volume_mwh end as volume_mwh,
        case {{ aurum.ppa('negative_price_rule') }}
            when 'settle_at_zero' then greatest(market_price_usd_per_mwh, 0.0)
            else market_price_usd_per_mwh
        end as settlement_price_usd_per_mwh,
        {{ aurum.ppa('negative_price_rule') }} = 'no_settlement_below_zero' and market_price_usd_per_mwh < 0 as is_unsettled_negative_price,
        node_price_usd_per_mwh - hub_price_usd_per_mwh as basis_usd_per_mwh
    from volumes

),

final as (

    select
        *,
        case when is_unsettled_negative_price then 0.0 else volume_mwh end as settled_volume_mwh,
        case
            when basis_usd_per_mwh is null then null
            when volume_mwh = 0 then 0.0
            else basis_usd_per_mwh * volume_mwh
        end as basis_usd
    from settled

)

select
    {{ aurum.run_id_column() }},
    {{ aurum.ppa('contract_id') }} as contract_id,
    cast(scenario_id as varchar) as scenario_id,
    {{ aurum.ppa('settlement') }} as settlement,
    {{ aurum.ppa('settle_at') }} as settle_at,
    {{ aurum.ppa('iso_code') }} as iso_code,
    {{ aurum.ppa('market') }} as market,
    {{ aurum.ppa('node_location_id') }} as node_location_id,
    {{ aurum.ppa('hub_location_id') }} as hub_location_id,
    cast(currency as varchar) as currency,
    cast(timezone as varchar) as timezone,
    interval_start_utc,
    interval_end_utc,
    cast(interval_seconds as integer) as interval_seconds,
    interval_start_local,
    local_date,
    local_month,
    cast(hour_ending_local as integer) as hour_ending_local,
    cast(contract_year_index as integer) as contract_year_index,
    cast(interval_hours as double) as interval_hours,
    cast(capacity_factor as double) as capacity_factor,
    cast(contracted_volume_mwh as double) as contracted_volume_mwh,
    is_curtailed,
    cast(volume_mwh as double) as volume_mwh,
    is_unsettled_negative_price,
    cast(settled_volume_mwh as double) as settled_volume_mwh,
    cast(node_price_usd_per_mwh as double) as node_price_usd_per_mwh,
    cast(hub_price_usd_per_mwh as double) as hub_price_usd_per_mwh,
    cast(market_price_usd_per_mwh as double) as market_price_usd_per_mwh,
    cast(settlement_price_usd_per_mwh as double) as settlement_price_usd_per_mwh,
    cast(cpi_index_value as double) as cpi_index_value,
    cast(cpi_base_index_value as double) as cpi_base_index_value,
    cast(strike_usd_per_mwh as double) as strike_usd_per_mwh,
    -- Zero volume settles 0 exactly (not -0.0 from a negative margin times zero).
    cast(case when settled_volume_mwh = 0 then 0.0 else (settlement_price_usd_per_mwh - strike_usd_per_mwh) * settled_volume_mwh end as double) as settlement_usd,
    cast(basis_usd_per_mwh as double) as basis_usd_per_mwh,
    cast(basis_usd as double) as basis_usd,
    case when {{ aurum.ppa('settle_at') }} = 'node' then 'buyer' else 'seller' end as basis_borne_by,
    cast(case when {{ aurum.ppa('settle_at') }} = 'node' then basis_usd else 0.0 end as double) as buyer_basis_usd,
    cast(case when {{ aurum.ppa('settle_at') }} = 'hub' then basis_usd else 0.0 end as double) as seller_basis_usd,
    cast(market_price_usd_per_mwh * volume_mwh as double) as market_value_usd
from final
