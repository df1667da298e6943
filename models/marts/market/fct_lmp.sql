{#- Casts pin every column to the enforced contract on both engines. Incremental
    (config in _market__models.yml): a build rebuilds only the intervals that newly
    loaded rows touch, see macros/incremental/incremental_window.sql. -#}
select
    cast(iso_code as varchar) as iso_code,
    cast(market as varchar) as market,
    cast(location_id as varchar) as location_id,
    cast(location_name as varchar) as location_name,
    cast(location_type as varchar) as location_type,
    cast(published_location_type as varchar) as published_location_type,
    cast(zone as varchar) as zone,
    cast(hub as varchar) as hub,
    cast(timezone as varchar) as timezone,
    cast(is_registered as boolean) as is_registered,
    interval_start_utc,
    interval_end_utc,
    cast(interval_seconds as integer) as interval_seconds,
    cast(lmp as double) as lmp,
    cast(energy as double) as energy,
    cast(congestion as double) as congestion,
    cast(loss as double) as loss,
    cast(currency as varchar) as currency,
    cast(uom as varchar) as uom,
    cast(published_version as integer) as published_version,
    cast(revision_count as integer) as revision_count,
    cast(source_format as varchar) as source_format,
    cast(source_file as varchar) as source_file,
    cast(source_row as bigint) as source_row,
    loaded_at
from {{ ref('int_lmp__enriched') }}
where {{ aurum.incremental_window(ref('int_lmp__unioned'), 'interval_start_utc') }}
