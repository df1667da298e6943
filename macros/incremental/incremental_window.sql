{#- The one place an incremental mart decides what to rebuild (docs/scale.md).

    incremental_window(changes, column, loaded_column='loaded_at', open_ended=false)
    returns a SQL predicate on `column` for the model's where clause:

    - full refresh, first build, empty table: `1 = 1` (everything);
    - otherwise the range [min, max] of `column` over the rows of `changes` loaded
      since the table's newest `loaded_column` minus var('incremental_lookback_hours'),
      or `1 = 0` when nothing new arrived;
    - open_ended=true: `column >= min` instead, for logic that carries a value forward
      in time (FX filled forward over weekends and holidays): a changed rate changes
      every later day it is filled into, and the days after it that are rebuilt anyway
      are few (one row per currency and day).

    `changes` is a relation or a parenthesised subquery with an alias; `column` may be
    a timestamp, a date or an integer (a year): the bounds become typed literals.

    Why a range of the key's time column and not just "the new rows": a new row is one
    more candidate for its key, and the key's winner and revision_count depend on ALL
    its candidates, old ones included. Every candidate of a key shares the key's
    interval, so rebuilding every key inside [min, max] from all candidates gives
    exactly what a full refresh gives for those keys, and keys outside the range are
    untouched by the new rows. The two queries this costs read little:

    1. `changes` filtered on the load time: each staging view passes _loaded_at through
       as a column, so the filter reaches every landing table's scan (DuckDB zone maps,
       Iceberg file statistics) and only newly loaded rows are converted;
    2. the model's own input filtered on `column`: the filter passes the revision
       dedup's window (it is on a partition key), the union and the staging views to
       the landing scans.

    The lookback covers loads that become visible after a build read past them (a
    lander stamps _loaded_at before its commit; several landers commit out of order).
    Revisions do not depend on it: a publisher's final, loaded months after the prelim,
    is new by load time and rebuilds its intervals whatever their age.
-#}
{% macro incremental_window(changes, column, loaded_column='loaded_at', open_ended=false) -%}
    {%- if not is_incremental() or not execute -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {%- set watermark = run_query('select max(' ~ loaded_column ~ ') from ' ~ this).columns[0].values()[0] -%}
    {%- if watermark is none -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {%- set since = watermark - modules.datetime.timedelta(hours=aurum.incremental_lookback_hours()) -%}
    {%- set bounds = run_query(
        'select min(' ~ column ~ '), max(' ~ column ~ ') from ' ~ changes
        ~ ' where ' ~ loaded_column ~ ' > ' ~ aurum.timestamp_literal(since)
    ).rows[0] -%}
    {%- if bounds[0] is none -%}
        {{ log('incremental_window ' ~ this ~ ': nothing loaded after ' ~ since, info=false) }}
        {{ return('1 = 0') }}
    {%- endif -%}
    {{ log('incremental_window ' ~ this ~ ': ' ~ column ~ ' in [' ~ bounds[0] ~ ', ' ~ (none if open_ended else bounds[1]) ~ '], loaded after ' ~ since, info=false) }}
    {%- if open_ended -%}
        {{ return(column ~ ' >= ' ~ aurum.bound_literal(bounds[0])) }}
    {%- endif -%}
    {{ return(column ~ ' between ' ~ aurum.bound_literal(bounds[0]) ~ ' and ' ~ aurum.bound_literal(bounds[1])) }}
{%- endmacro %}


{#- var('incremental_lookback_hours'), validated: a non-negative number of hours. -#}
{% macro incremental_lookback_hours() -%}
    {%- set value = var('incremental_lookback_hours', 3) -%}
    {%- if value is not number or value < 0 -%}
        {{ exceptions.raise_compiler_error("var incremental_lookback_hours must be a number of hours >= 0; got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}


{#- A naive timestamp (or date) from a query result as a typed literal, microseconds kept. -#}
{% macro timestamp_literal(value) -%}
    {%- if value is string -%}
        {%- set text = value -%}
    {%- elif value.hour is defined -%}
        {%- set text = value.replace(tzinfo=none).strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- else -%}
        {%- set text = value.strftime('%Y-%m-%d') ~ ' 00:00:00.000000' -%}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as " ~ aurum.type_timestamp() ~ ")") }}
{%- endmacro %}


{#- A window bound from a query result as a typed literal: a timestamp (microseconds
    kept), a date, or a number (an integer key such as a year). -#}
{% macro bound_literal(value) -%}
    {%- if value is number -%}
        {{ return(value | string) }}
    {%- elif value is string or value.hour is defined -%}
        {{ return(aurum.timestamp_literal(value)) }}
    {%- endif -%}
    {{ return("date '" ~ value.strftime('%Y-%m-%d') ~ "'") }}
{%- endmacro %}
