{#- Rows the decoders could not read, newest first, with the reason and the raw payload. -#}
select
    source_format,
    source_file,
    source_row,
    reason,
    payload,
    rejected_at,
    stage,
    error_id
from {{ ref('stg_ingest__rejected_rows') }}
