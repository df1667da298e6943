{{ aurum.per_run_config() }}
{#- Scenario prices: base prices plus one column per driver, clamped to the market's
    floor and cap. lmp is computed as exactly
    base_lmp + fuel + carbon + load + fleet + adder + clamp (in that order), so the
    decomposition holds bit for bit; with no drivers every adjustment is 0.0 and
    lmp = base_lmp. Formulas: docs/scenarios.md. -#}
with

base as (

    select * from {{ ref('int_scenario__base_prices') }}

),

interval_dates as (

    select distinct interval_date from base

),

carbon as (

    -- Overlapping carbon steps add up.
    select
        interval_dates.interval_date,
        sum(steps.usd_per_metric_ton) as usd_per_metric_ton
    from interval_dates
    inner join {{ ref('int_scenario__carbon_steps') }} as steps
        on interval_dates.interval_date >= steps.start_date and interval_dates.interval_date < steps.end_date
    group by interval_dates.interval_date

),

adders as (

    select
        interval_dates.interval_date,
        sum(adders.usd_per_mwh) as usd_per_mwh
    from interval_dates
    inner join {{ ref('int_scenario__adders') }} as adders
        on interval_dates.interval_date >= adders.start_date and interval_dates.interval_date < adders.end_date
    group by interval_dates.interval_date

),

fuel_ranked as (

    -- Overlapping steps for one fuel: the latest start wins, then the latest end.
    select
        interval_dates.interval_date,
        steps.fuel,
        steps.price_mode,
        steps.usd_per_mmbtu,
        steps.multiplier,
        row_number() over (
            partition by interval_dates.interval_date, steps.fuel
            order by steps.start_date desc, steps.end_date desc, steps.price_mode asc, steps.usd_per_mmbtu asc, steps.multiplier asc
        ) as step_rank
    from interval_dates
    inner join {{ ref('int_scenario__fuel_steps') }} as steps
        on interval_dates.interval_date >= steps.start_date and interval_dates.interval_date < steps.end_date

),

fuel as (

    select
        interval_date,
        max(case when fuel = 'natural_gas' then price_mode end) as gas_mode,
        max(case when fuel = 'natural_gas' then usd_per_mmbtu end) as gas_usd_per_mmbtu,
        max(case when fuel = 'natural_gas' then multiplier end) as gas_multiplier,
        max(case when fuel = 'coal' then price_mode end) as coal_mode,
        max(case when fuel = 'coal' then usd_per_mmbtu end) as coal_usd_per_mmbtu,
        max(case when fuel = 'coal' then multiplier end) as coal_multiplier
    from fuel_ranked
    where step_rank = 1
    group by interval_date

),

area_dates as (

    select distinct
        iso_code,
        zone,
        interval_date
    from base

),

load_ranked as (

    -- A zone's own entry wins over its ISO's (zone null) entry.
    select
        area_dates.iso_code,
        area_dates.zone,
        area_dates.interval_date,
        growth.price_elasticity,
        power(1.0 + growth.annual_fraction, extract(year from area_dates.interval_date) - growth.base_year) - 1.0
            as growth_factor,
        row_number() over (
            partition by area_dates.iso_code, area_dates.zone, area_dates.interval_date
            order by case when growth.zone is null then 1 else 0 end
        ) as growth_rank
    from area_dates
    inner join {{ ref('int_scenario__load_growth') }} as growth
        on
            area_dates.iso_code = growth.iso_code
            and (growth.zone is null or area_dates.zone = growth.zone)

),

fleet as (

    -- ISO-wide changes (zone null) apply to every location of the ISO; a zone's
    -- changes to that zone only.
    select
        area_dates.iso_code,
        area_dates.zone,
        area_dates.interval_date,
        sum(changes.mw_delta) as net_mw
    from area_dates
    inner join {{ ref('int_scenario__fleet_changes') }} as changes
        on
            area_dates.iso_code = changes.iso_code
            and (changes.zone is null or area_dates.zone = changes.zone)
            and area_dates.interval_date >= changes.effective_date
    group by area_dates.iso_code, area_dates.zone, area_dates.interval_date

),

slopes as (

    -- A zone's own slope wins over its ISO's.
    select
        areas.iso_code,
        areas.zone,
        slopes.usd_per_mwh_per_gw,
        row_number() over (
            partition by areas.iso_code, areas.zone
            order by case when slopes.zone is null then 1 else 0 end
        ) as slope_rank
    from (select distinct
        iso_code,
        zone
    from base) as areas
    inner join {{ ref('scenario_supply_curve_slopes') }} as slopes
        on
            areas.iso_code = slopes.iso_code
            and (slopes.zone is null or areas.zone = slopes.zone)

),

limits as (

    -- A market's own limits win over its ISO's (market null).
    select
        markets.iso_code,
        markets.market,
        limits.floor_usd_per_mwh,
        limits.cap_usd_per_mwh,
        row_number() over (
            partition by markets.iso_code, markets.market
            order by case when limits.market is null then 1 else 0 end
        ) as limit_rank
    from (select distinct
        iso_code,
        market
    from base) as markets
    inner join {{ ref('market_price_limits') }} as limits
        on
            markets.iso_code = limits.iso_code
            and (limits.market is null or markets.market = limits.market)

),

adjusted as (

    select
        base.*,
        case
            when fuel.gas_mode = 'price'
                then base.gas_heat_rate * (fuel.gas_usd_per_mmbtu - base.gas_price_usd_per_mmbtu)
            when fuel.gas_mode = 'multiplier'
                then base.gas_heat_rate * (base.gas_price_usd_per_mmbtu * (fuel.gas_multiplier - 1.0))
            else 0.0
        end
        + case
            when fuel.coal_mode = 'price'
                then base.coal_heat_rate * (fuel.coal_usd_per_mmbtu - base.coal_price_usd_per_mmbtu)
            when fuel.coal_mode = 'multiplier'
                then base.coal_heat_rate * (base.coal_price_usd_per_mmbtu * (fuel.coal_multiplier - 1.0))
            else 0.0
        end as fuel_unchecked,
        case
            when carbon.usd_per_metric_ton is null then 0.0
            else base.emission_rate_t_per_mwh * carbon.usd_per_metric_ton
        end as carbon_adjustment,
        case
            when load_ranked.growth_factor is null then 0.0
            else base.price_basis * load_ranked.price_elasticity * load_ranked.growth_factor
        end as load_adjustment,
        case
            when fleet.net_mw is null or slopes.usd_per_mwh_per_gw is null then 0.0
            else -(slopes.usd_per_mwh_per_gw * fleet.net_mw) / cast(1000 as double)
        end as fleet_adjustment,
        coalesce(adders.usd_per_mwh, 0.0) as adder_adjustment,
        -- Never clamp a price the base itself already shows beyond the limits.
        case
            when limits.floor_usd_per_mwh is null then null
            when base.base_lmp < limits.floor_usd_per_mwh then base.base_lmp
            else limits.floor_usd_per_mwh
        end as effective_floor,
        case
            when limits.cap_usd_per_mwh is null then null
            when base.base_lmp > limits.cap_usd_per_mwh then base.base_lmp
            else limits.cap_usd_per_mwh
        end as effective_cap
    from base
    left join fuel on base.interval_date = fuel.interval_date
    left join carbon on base.interval_date = carbon.interval_date
    left join adders on base.interval_date = adders.interval_date
    left join load_ranked
        on
            base.iso_code = load_ranked.iso_code
            and base.zone is not distinct from load_ranked.zone
            and base.interval_date = load_ranked.interval_date
            and load_ranked.growth_rank = 1
    left join fleet
        on
            base.iso_code = fleet.iso_code
            and base.zone is not distinct from fleet.zone
            and base.interval_date = fleet.interval_date
    left join slopes
        on
            base.iso_code = slopes.iso_code
            and base.zone is not distinct from slopes.zone
            and slopes.slope_rank = 1
    left join limits
        on
            base.iso_code = limits.iso_code
            and base.market = limits.market
            and limits.limit_rank = 1

),

unclamped as (

    select
        adjusted.*,
        -- no gas price for the date: no fuel pass-through (the heat rates are 0 then)
        coalesce(adjusted.fuel_unchecked, 0.0) as fuel_adjustment,
        adjusted.base_lmp + coalesce(adjusted.fuel_unchecked, 0.0) + adjusted.carbon_adjustment + adjusted.load_adjustment
        + adjusted.fleet_adjustment + adjusted.adder_adjustment as unclamped_lmp
    from adjusted

),

clamped as (

    select
        unclamped.*,
        case
            when unclamped.effective_cap is not null and unclamped.unclamped_lmp > unclamped.effective_cap then unclamped.effective_cap - unclamped.unclamped_lmp
            when unclamped.effective_floor is not null and unclamped.unclamped_lmp < unclamped.effective_floor then unclamped.effective_floor - unclamped.unclamped_lmp
            else 0.0
        end as clamp_adjustment
    from unclamped

)

select
    cast(scenario_id as varchar) as scenario_id,
    cast(run_id as varchar) as run_id,
    cast(iso_code as varchar) as iso_code,
    cast(market as varchar) as market,
    cast(location_id as varchar) as location_id,
    cast(zone as varchar) as zone,
    cast(hub as varchar) as hub,
    interval_start_utc,
    interval_end_utc,
    cast(interval_seconds as integer) as interval_seconds,
    cast(base_lmp as double) as base_lmp,
    cast(base_energy as double) as base_energy,
    cast(congestion as double) as congestion,
    cast(loss as double) as loss,
    cast(fuel_adjustment as double) as fuel_adjustment,
    cast(carbon_adjustment as double) as carbon_adjustment,
    cast(load_adjustment as double) as load_adjustment,
    cast(fleet_adjustment as double) as fleet_adjustment,
    cast(adder_adjustment as double) as adder_adjustment,
    cast(clamp_adjustment as double) as clamp_adjustment,
    cast(
        base_energy + fuel_adjustment + carbon_adjustment + load_adjustment
        + fleet_adjustment + adder_adjustment + clamp_adjustment as double
    ) as energy,
    cast(
        base_lmp + fuel_adjustment + carbon_adjustment + load_adjustment
        + fleet_adjustment + adder_adjustment + clamp_adjustment as double
    ) as lmp,
    cast(marginal_technology as varchar) as marginal_technology,
    cast(currency as varchar) as currency,
    cast(uom as varchar) as uom
from clamped
