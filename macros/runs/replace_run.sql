{#- Per-run outputs. scenario_output and the PPA marts hold every run's rows, keyed by
    `run_id`, the `scenario` var's run id (null for a build without one, e.g. the CLI).
    A build replaces its own run's rows and nothing else, so runs never clobber each
    other: incremental strategy `replace_run` deletes `run_id = <this run>` and inserts
    what the build produced. It deletes by the var, not by the new rows, so a run that
    now produces fewer rows (or none) leaves none of its old rows behind.

    Why not delete+insert on unique_key run_id: dbt's joins the new rows to find the
    keys, and a run that produced no rows would keep its old ones. Why not
    replace_by_key (macros/incremental/): its keys are per row, not per run.

    On Iceberg the tables are partitioned by run_id, so the delete drops whole files
    of one partition and concurrent runs write disjoint partitions; the build's
    intermediate table is named after the run (trino__make_temp_relation below), so
    concurrent builds of the same model do not share it.
-#}

{#- The run key as SQL: `run_id = '<uuid>'` or `run_id is null`. The literal comes from
    the var layer (typed, escaped). -#}
{% macro run_key_predicate(column='run_id') -%}
    {%- if aurum.scenario().get('run_id') is none -%}
        {{ column }} is null
    {%- else -%}
        {{ column }} = {{ aurum.scenario_literal('run_id') }}
    {%- endif -%}
{%- endmacro %}

{% macro get_incremental_replace_run_sql(arg_dict) %}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }} where {{ aurum.run_key_predicate() }};
    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }} from {{ arg_dict['temp_relation'] }}
{% endmacro %}

{#- The config every per-run model shares (one place): incremental by run, contract
    changes fail the build instead of silently dropping columns, Iceberg partitions by
    run (DuckDB ignores `properties`). -#}
{% macro per_run_config() -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='replace_run',
        on_schema_change='fail',
        properties={'partitioning': "ARRAY['run_id']"}
    ) }}
{%- endmacro %}

{#- Concurrent Trino builds of one model would share dbt's `<model>__dbt_tmp` table;
    a build with a run id names it after the run. Only [0-9a-z_] of the id is kept
    (a UUID's hex), so nothing from the var reaches SQL as an identifier. -#}
{% macro trino__make_temp_relation(base_relation, suffix) -%}
    {%- set run_id = aurum.scenario().get('run_id') if var('scenario', none) is not none else none -%}
    {%- if run_id is not none -%}
        {%- set cleaned = modules.re.sub('[^0-9a-z_]', '', run_id | string | lower) -%}
        {%- set suffix = suffix ~ '_' ~ cleaned[:40] -%}
    {%- endif -%}
    {{ return(default__make_temp_relation(base_relation, suffix)) }}
{%- endmacro %}

{#- The run id column of a per-run mart whose rows all belong to this build's run. -#}
{% macro run_id_column() -%}
    cast({{ aurum.scenario_literal('run_id') }} as varchar) as run_id
{%- endmacro %}
