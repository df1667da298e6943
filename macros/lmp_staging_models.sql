{#- The one list of staging models that feed the LMP union. A new source format
    adds its staging model here. -#}
{% macro lmp_staging_models() -%}
    {{ return([
        'stg_pjm__lmp',
    ]) }}
{%- endmacro %}
