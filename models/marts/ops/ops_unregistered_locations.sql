{#- Locations that arrive in prices but are missing from seeds/iso_nodes.csv. -#}
with

unregistered as (

    select * from {{ ref('fct_lmp') }}
    where not is_registered

),

markets as (

    select distinct
        iso_code,
        location_id,
        market
    from unregistered

),

market_lists as (

    select
        iso_code,
        location_id,
        {{ dbt.listagg('market', "', '", "order by market") }} as markets
    from markets
    group by iso_code, location_id

),

summary as (

    select
        iso_code,
        location_id,
        min(location_name) as location_name,
        min(published_location_type) as published_location_type,
        count(*) as interval_rows,
        min(interval_start_utc) as first_interval_start_utc,
        max(interval_start_utc) as last_interval_start_utc
    from unregistered
    group by iso_code, location_id

)

select
    summary.*,
    market_lists.markets
from summary
inner join market_lists
    on
        summary.iso_code = market_lists.iso_code
        and summary.location_id = market_lists.location_id
