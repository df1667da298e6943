{#- Registry enrichment. A left join: a location the registry does not know is
    kept with is_registered = false and listed by ops_unregistered_locations. -#}
with

lmp as (

    select * from {{ ref('int_lmp__deduplicated') }}

),

locations as (

    select * from {{ ref('dim_location') }}

),

enriched as (

    select
        lmp.iso_code,
        lmp.market,
        lmp.location_id,
        coalesce(locations.location_name, lmp.location_name) as location_name,
        coalesce(locations.location_type, upper(lmp.location_type)) as location_type,
        lmp.location_type as published_location_type,
        locations.zone,
        locations.hub,
        locations.timezone,
        locations.location_key is not null as is_registered,

        lmp.interval_start_utc,
        lmp.interval_end_utc,
        lmp.interval_seconds,

        lmp.lmp,
        lmp.energy,
        lmp.congestion,
        lmp.loss,
        lmp.currency,
        lmp.uom,

        lmp.published_version,
        lmp.revision_count,
        lmp.source_format,
        lmp.source_file,
        lmp.source_row,
        lmp.loaded_at
    from lmp
    left join locations
        on
            lmp.iso_code = locations.iso_code
            and lmp.location_id = locations.location_id

)

select * from enriched
