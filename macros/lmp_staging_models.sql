{#- The one list of staging models that feed the LMP union. A new source format
    adds its staging model here (tests/dbt_project/test_project_structure.py
    fails when one is missing). -#}
{% macro lmp_staging_models() -%}
    {{ return([
        'stg_caiso__lmp',
        'stg_pjm__lmp',
        'stg_miso__lmp',
        'stg_miso__fivemin_lmp',
        'stg_ercot__dam_spp',
        'stg_ercot__rt_spp',
        'stg_ercot__sced_lmp',
        'stg_ercot__api_rt_spp',
        'stg_nyiso__mis_zonal_lbmp',
        'stg_nyiso__oasis_dam_zonal_lbmp',
        'stg_nyiso__oasis_rtc_zonal_lbmp',
        'stg_spp__lmp',
        'stg_isone__lmp',
    ]) }}
{%- endmacro %}
