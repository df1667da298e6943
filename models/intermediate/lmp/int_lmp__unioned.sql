{#- Every staging LMP model already has the standard shape; this stacks them and
    stamps the unit, which is the same for every ISO today. -#}
{%- set lmp_columns = [
    'iso_code', 'market', 'location_id', 'location_name', 'location_type',
    'interval_start_utc', 'interval_end_utc', 'interval_seconds',
    'lmp', 'energy', 'congestion', 'loss',
    'published_version', 'source_format', 'source_file', 'source_row', 'loaded_at',
] -%}

with

unioned as (
    {% for model_name in aurum.lmp_staging_models() -%}
        select {{ lmp_columns | join(', ') }} from {{ ref(model_name) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    *,
    '{{ var("lmp_currency") }}' as currency,
    '{{ var("lmp_uom") }}' as uom
from unioned
