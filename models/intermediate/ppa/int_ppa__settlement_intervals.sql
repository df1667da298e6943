{#- One row per (scenario, interval) at the contract's settlement point: node price, hub
    price, and the interval's local time in the node's time zone (the hub's when the
    node is not in the registry). Node-settled deals need a node price, hub-settled
    deals a hub price; the other side may be missing (its basis is then null). -#}
with

prices as (

    select * from {{ ref('int_ppa__market_prices') }}

),

node_prices as (

    select * from prices
    where location_id = {{ aurum.ppa('node_location_id') }}

),

hub_prices as (

    select * from prices
    where location_id = {{ aurum.ppa('hub_location_id') }}

),

registry as (

    select
        location_id,
        timezone
    from {{ ref('dim_location') }}
    where
        iso_code = {{ aurum.ppa('iso_code') }}
        and location_id in ({{ aurum.ppa('node_location_id') }}, coalesce({{ aurum.ppa('hub_location_id') }}, {{ aurum.ppa('node_location_id') }}))

),

joined as (

    select
        coalesce(node_prices.scenario_id, hub_prices.scenario_id) as scenario_id,
        coalesce(node_prices.interval_start_utc, hub_prices.interval_start_utc) as interval_start_utc,
        coalesce(node_prices.interval_end_utc, hub_prices.interval_end_utc) as interval_end_utc,
        coalesce(node_prices.interval_seconds, hub_prices.interval_seconds) as interval_seconds,
        coalesce(node_prices.currency, hub_prices.currency) as currency,
        node_prices.lmp as node_price_usd_per_mwh,
        hub_prices.lmp as hub_price_usd_per_mwh
    from node_prices
    full outer join hub_prices
        on
            node_prices.scenario_id = hub_prices.scenario_id
            and node_prices.interval_start_utc = hub_prices.interval_start_utc

),

settled as (

    select
        joined.*,
        case
            when {{ aurum.ppa('settle_at') }} = 'hub' then joined.hub_price_usd_per_mwh
            else joined.node_price_usd_per_mwh
        end as market_price_usd_per_mwh,
        coalesce(node_registry.timezone, hub_registry.timezone) as timezone
    from joined
    left join registry as node_registry
        on node_registry.location_id = {{ aurum.ppa('node_location_id') }}
    left join registry as hub_registry
        on hub_registry.location_id = {{ aurum.ppa('hub_location_id') }}

),

localised as (

    select
        *,
        {{ aurum.utc_to_local('interval_start_utc', 'timezone') }} as interval_start_local
    from settled
    where market_price_usd_per_mwh is not null

)

select
    scenario_id,
    timezone,
    currency,
    node_price_usd_per_mwh,
    hub_price_usd_per_mwh,
    market_price_usd_per_mwh,
    interval_seconds,
    interval_start_utc,
    interval_end_utc,
    interval_start_local,
    cast(interval_start_local as date) as local_date,
    cast({{ dbt.date_trunc('month', 'interval_start_local') }} as date) as local_month,
    cast(extract(hour from interval_start_local) as integer) + 1 as hour_ending_local
from localised
