with

source as (

    select * from {{ source('landing_ingest', 'rejected_rows') }}

),

renamed as (

    select
        source_format,
        source_file,
        source_row,
        reason,
        payload,
        rejected_at,
        stage,
        error_id
    from source

)

select * from renamed
