with

source as (

    select * from {{ ref('iso_nodes_snapshot') }}
    where dbt_valid_to is null

),

renamed as (

    select
        cast(iso_code || ':' || location_id as varchar) as location_key,
        cast(iso_code as varchar) as iso_code,
        cast(location_id as varchar) as location_id,
        cast(location_name as varchar) as location_name,
        cast(location_type as varchar) as location_type,
        cast(nullif(zone, '') as varchar) as zone,
        cast(nullif(hub, '') as varchar) as hub,
        cast(timezone as varchar) as timezone,
        cast(dbt_valid_from as {{ aurum.type_timestamp() }}) as valid_from

    from source

)

select * from renamed
