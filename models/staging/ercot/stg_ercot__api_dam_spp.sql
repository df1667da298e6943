with

source as (

    select * from {{ source('landing_ercot', 'ercot_api_dam_spp') }}

),

renamed as (

    select
        {{ aurum.ercot_dam_spp_columns('ercot_api_dam_spp') }}

    from source

)

select * from renamed
