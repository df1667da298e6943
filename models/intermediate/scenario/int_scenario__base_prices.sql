{#- Base prices for the scenario: fct_lmp over the base window and filters of var
    scenario, with the Henry Hub price of the interval's UTC date (the latest published
    day on or before it), the implied heat rate, its bucket's marginal technology and the
    bucket's gas/coal heat rates and emission rate. -#}
{%- set s = aurum.scenario() -%}
with

lmp as (

    select
        iso_code,
        market,
        location_id,
        zone,
        hub,
        interval_start_utc,
        interval_end_utc,
        interval_seconds,
        cast(interval_start_utc as date) as interval_date,
        lmp as base_lmp,
        energy as base_energy,
        congestion,
        loss,
        -- ERCOT publishes settlement point prices without components: the whole price
        -- is the energy basis for the heat rate and the load response.
        coalesce(energy, lmp) as price_basis,
        currency,
        uom
    from {{ ref('fct_lmp') }}
    where 1 = 1
    {%- if s.base_start is not none %}
        and interval_start_utc >= cast(cast({{ aurum.sql_string_literal(s.base_start) }} as date) as timestamp)
        {%- endif %}
    {%- if s.base_end is not none %}
        and interval_start_utc < cast(cast({{ aurum.sql_string_literal(s.base_end) }} as date) as timestamp)
        {%- endif %}
    {%- if s.iso_codes | length > 0 %}
        and iso_code in ({% for value in s.iso_codes %}{{ aurum.sql_string_literal(value) }}{% if not loop.last %}, {% endif %}{% endfor %})
        {%- endif %}
    {%- if s.markets | length > 0 %}
        and market in ({% for value in s.markets %}{{ aurum.sql_string_literal(value) }}{% if not loop.last %}, {% endif %}{% endfor %})
        {%- endif %}
    {%- if s.location_ids | length > 0 %}
        and location_id in ({% for value in s.location_ids %}{{ aurum.sql_string_literal(value) }}{% if not loop.last %}, {% endif %}{% endfor %})
        {%- endif %}

),

gas_published as (

    -- Henry Hub spot (EIA RNGWHHD), one price per day: the historical workbook first,
    -- then the latest file.
    select
        price_date,
        price,
        row_number() over (
            partition by price_date order by source_kind desc, source_file desc
        ) as price_rank
    from {{ ref('int_fuel__daily_prices') }}
    where
        series_id = 'RNGWHHD'
        and frequency = 'daily'  -- the weekly workbook has the same series id
        and unit = 'MMBtu'
        and currency = 'USD'
        and price is not null

),

interval_dates as (

    select distinct interval_date from lmp

),

gas_for_date as (

    select
        interval_dates.interval_date,
        gas_published.price_date,
        gas_published.price,
        row_number() over (
            partition by interval_dates.interval_date order by gas_published.price_date desc
        ) as date_rank
    from interval_dates
    inner join gas_published
        on interval_dates.interval_date >= gas_published.price_date and gas_published.price_rank = 1

),

coal as (

    select max(usd_per_mmbtu) as coal_price_usd_per_mmbtu
    from {{ ref('scenario_fuel_reference_prices') }}
    where fuel = 'coal'

),

priced as (

    select
        lmp.*,
        gas_for_date.price as gas_price_usd_per_mmbtu,
        gas_for_date.price_date as gas_price_date,
        gas_for_date.price_date < lmp.interval_date as gas_price_is_filled,
        coal.coal_price_usd_per_mmbtu,
        case
            when gas_for_date.price > 0 then lmp.price_basis / gas_for_date.price
        end as implied_heat_rate
    from lmp
    left join gas_for_date
        on lmp.interval_date = gas_for_date.interval_date and gas_for_date.date_rank = 1
    cross join coal

)

select
    {{ aurum.sql_string_literal(s.scenario_id) }} as scenario_id,
    {% if s.run_id is none %}cast(null as varchar){% else %}{{ aurum.sql_string_literal(s.run_id) }}{% endif %} as run_id,
    priced.iso_code,
    priced.market,
    priced.location_id,
    priced.zone,
    priced.hub,
    priced.interval_start_utc,
    priced.interval_end_utc,
    priced.interval_seconds,
    priced.interval_date,
    priced.base_lmp,
    priced.base_energy,
    priced.congestion,
    priced.loss,
    priced.price_basis,
    priced.currency,
    priced.uom,
    priced.gas_price_usd_per_mmbtu,
    priced.gas_price_date,
    priced.gas_price_is_filled,
    priced.coal_price_usd_per_mmbtu,
    priced.implied_heat_rate,
    buckets.marginal_technology,
    coalesce(buckets.gas_heat_rate, 0.0) as gas_heat_rate,
    coalesce(buckets.coal_heat_rate, 0.0) as coal_heat_rate,
    coalesce(buckets.emission_rate_t_per_mwh, 0.0) as emission_rate_t_per_mwh
from priced
left join {{ ref('int_scenario__heat_rate_buckets') }} as buckets
    on
        (buckets.lower_mmbtu_per_mwh is null or priced.implied_heat_rate >= buckets.lower_mmbtu_per_mwh)
        and (buckets.upper_mmbtu_per_mwh is null or priced.implied_heat_rate < buckets.upper_mmbtu_per_mwh)
