{#- Incremental strategy `replace_by_key`: dbt's delete+insert on the model's
    unique_key, with the delete pruned by the range of config `prune_column` (the
    table's partition/sort column) in the rows just built. dbt's own delete+insert
    joins the new rows with the whole table; this adds `column between <min> and
    <max>` as literals, read from the temporary relation, so DuckDB skips row groups by
    their zone maps and Trino skips Iceberg partitions and files. Both engines run the
    same two statements.

    A key is deleted only when the new rows hold it again, so a key rebuilt from fewer
    sources (a landing file re-landed without some of its rows) keeps its old row until
    a full refresh; docs/scale.md says so.
-#}
{% macro get_incremental_replace_by_key_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set column = config.get('prune_column') -%}
    {%- if not unique_key or unique_key is string or not column -%}
        {{ exceptions.raise_compiler_error("incremental_strategy replace_by_key needs unique_key as a list and prune_column") }}
    {%- endif -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set bounds = run_query('select min(' ~ column ~ '), max(' ~ column ~ ') from ' ~ source).rows[0] -%}
    {%- if bounds[0] is not none %}
        delete from {{ target }}
        where
            {{ column }} between {{ aurum.bound_literal(bounds[0]) }} and {{ aurum.bound_literal(bounds[1]) }}
            and exists (
                select 1 from {{ source }} as new_rows
                where
                    {%- for key in unique_key %}
                        new_rows.{{ key }} = {{ target }}.{{ key }}{{ ' and' if not loop.last }}
                    {%- endfor %}
            );
    {% endif %}
    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }} from {{ source }}
{% endmacro %}
