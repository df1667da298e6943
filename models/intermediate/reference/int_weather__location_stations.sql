{#- Registry locations mapped to GHCN-Daily weather stations through the reviewed
    seed zone_weather_stations; registry and station attributes side by side. -#}
with

mapping as (

    select * from {{ ref('zone_weather_stations') }}

),

locations as (

    select distinct
        iso_code,
        location_id,
        location_name,
        location_type,
        zone,
        hub,
        timezone
    from {{ ref('iso_nodes') }}

),

stations as (

    select * from {{ ref('stg_noaa__ghcnd_stations') }}

)

select
    mapping.iso_code,
    mapping.location_id,
    mapping.station_id,
    locations.location_name,
    locations.location_type,
    locations.timezone,
    stations.station_name,
    stations.state_code,
    stations.wmo_id,
    stations.latitude,
    stations.longitude,
    stations.elevation_m,
    mapping.mapping_rule
from mapping
inner join locations
    on mapping.iso_code = locations.iso_code and mapping.location_id = locations.location_id
inner join stations
    on mapping.station_id = stations.station_id
