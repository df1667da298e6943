{#- The one price input of the PPA models: the contract's ISO and market at its node
    and hub, from scenario_output — scenario prices when a `scenario` var is given,
    and exactly the base prices (scenario 'base') when it is not. -#}
with

prices as (

    select * from {{ ref('scenario_output') }}

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
    -- scenario_output holds every run's rows: this build's run only.
    and {{ aurum.run_key_predicate() }}
    and iso_code = {{ aurum.ppa('iso_code') }}
    and market = {{ aurum.ppa('market') }}
    and location_id in ({{ aurum.ppa('node_location_id') }}, coalesce({{ aurum.ppa('hub_location_id') }}, {{ aurum.ppa('node_location_id') }}))
    -- Coarse UTC window (local dates are at most a day off); the exact term is in local time downstream.
    and interval_start_utc >= {{ dbt.dateadd('day', -2, aurum.ppa('term_start')) }}
    and interval_start_utc < {{ dbt.dateadd('day', 3, aurum.ppa('term_end')) }}
