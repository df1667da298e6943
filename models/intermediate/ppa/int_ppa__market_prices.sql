{#- The one price input of the PPA models: the contract's ISO and market at its node
    and hub. Until scenario_output is in main this reads market.fct_lmp as scenario
    'base'. Switching to scenario prices replaces the body of the `prices` CTE with
    one line, select * from (ref to scenario_output): it carries scenario_id and
    equals fct_lmp when no scenario var is given. -#}
with

prices as (

    select
        *,
        cast('base' as varchar) as scenario_id
    from {{ ref('fct_lmp') }}

)

select
    cast(scenario_id as varchar) as scenario_id,
    iso_code,
    market,
    location_id,
    currency,
    uom,
    cast(lmp as double) as lmp,
    cast(interval_seconds as integer) as interval_seconds,
    interval_start_utc,
    interval_end_utc
from prices
where
    {{ aurum.ppa_is_set() }}
    and iso_code = {{ aurum.ppa('iso_code') }}
    and market = {{ aurum.ppa('market') }}
    and location_id in ({{ aurum.ppa('node_location_id') }}, coalesce({{ aurum.ppa('hub_location_id') }}, {{ aurum.ppa('node_location_id') }}))
    -- Coarse UTC window (local dates are at most a day off); the exact term is in local time downstream.
    and interval_start_utc >= {{ dbt.dateadd('day', -2, aurum.ppa('term_start')) }}
    and interval_start_utc < {{ dbt.dateadd('day', 3, aurum.ppa('term_end')) }}
