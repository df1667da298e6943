{#- Layer schemas are used as named (staging, intermediate, market, ops) so the
    production tables are iceberg.market.* rather than <target>_market.*. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
