with

source as (

    select * from {{ source('landing_ercot', 'ercot_api_rt_spp') }}

),

renamed as (

    select
        {{ aurum.ercot_rt_spp_columns('settlement_point', 'ercot_api_rt_spp') }}

    from source

)

select * from renamed
