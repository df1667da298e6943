{#- The CPI base month from var('cpi_base_month'), validated as 'YYYY-MM-01', as a date literal. -#}
{% macro cpi_base_month() -%}
    {%- set value = var('cpi_base_month', '2024-01-01') | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])-01', value) -%}
        {{ exceptions.raise_compiler_error("var cpi_base_month must be the first of a month, 'YYYY-MM-01'; got " ~ value) }}
    {%- endif -%}
    cast('{{ value }}' as date)
{%- endmacro %}
