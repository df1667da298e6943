{#-
    The `scenario` var as the scenario models read it: thin names over the one var layer
    (macros/vars/var_contract.sql). The var's contract is aurum.scenarios.models.ScenarioVar;
    a bad var fails the compilation naming the field ("var scenario: fuel.1.end: ...").

      aurum.scenario()                               the validated dict, defaults applied
      aurum.scenario_literal(key)                    scenario_id / run_id / base_start / base_end
      aurum.scenario_literal_rows(list_key, columns=none, aliases=none)
                                                     a relation of typed literal rows
      aurum.scenario_filter(list_key, column_sql)    `true` or `<column_sql> in ('..', ..)`
-#}

{% macro scenario() -%}
    {{ return(aurum.var_value('scenario')) }}
{%- endmacro %}

{% macro scenario_literal(key) -%}
    {%- if key not in ['scenario_id', 'run_id', 'base_start', 'base_end'] -%}
        {{ exceptions.raise_compiler_error("scenario_literal: key must be scenario_id, run_id, base_start or base_end; got " ~ key) }}
    {%- endif -%}
    {{- aurum.var_literal('scenario', key) -}}
{%- endmacro %}

{% macro scenario_literal_rows(list_key, columns=none, aliases=none) -%}
    {{- aurum.var_rows('scenario', list_key, columns, aliases) -}}
{%- endmacro %}

{% macro scenario_filter(list_key, column_sql) -%}
    {{- aurum.var_filter('scenario', list_key, column_sql) -}}
{%- endmacro %}
