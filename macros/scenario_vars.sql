{#-
    The scenario var contract: the ONLY place dbt reads var('scenario').

    The var is rendered by aurum.scenarios.vars.render_vars (Python); this file validates
    it again so a hand-written `--vars` fails too, before any SQL runs (model SQL is
    rendered at parse time, so a bad var stops the invocation during parsing), with a
    message naming the field, e.g. "var scenario: fuel.1.usd_per_mmbtu: ...".

    User values reach SQL only as typed literals: cast('..' as varchar) with quotes
    doubled and control characters refused, numbers checked finite and re-checked
    against a numeric pattern, dates checked as real 'YYYY-MM-DD' calendar dates.
    Standard SQL only (cast, values, where false): the same text runs on DuckDB and Trino.

    Public macros:
      aurum.scenario()                               the validated dict, defaults applied
      aurum.scenario_literal(key)                    scenario_id / run_id / base_start / base_end
      aurum.scenario_literal_rows(list_key, columns=none, aliases=none)
                                                     a relation of typed literal rows
      aurum.scenario_filter(list_key, column_sql)    `true` or `<column_sql> in ('..', ..)`
      aurum.sql_string_literal(value)                one escaped string literal
-#}

{#- Column name → [sql type, nullable, kind] per list; the same shape as vars.LIST_COLUMNS. -#}
{% macro _scenario_contract() -%}
    {{ return({
        'carbon': {
            'start': ['date', false, 'date'],
            'end': ['date', false, 'date'],
            'usd_per_metric_ton': ['double', false, 'number'],
        },
        'adders': {
            'name': ['varchar', false, 'text'],
            'start': ['date', false, 'date'],
            'end': ['date', false, 'date'],
            'usd_per_mwh': ['double', false, 'number'],
        },
        'load_growth': {
            'iso_code': ['varchar', false, 'iso_code'],
            'zone': ['varchar', true, 'text'],
            'annual_fraction': ['double', false, 'number'],
            'price_elasticity': ['double', false, 'number'],
            'base_year': ['integer', false, 'year'],
        },
        'fuel': {
            'fuel': ['varchar', false, 'fuel'],
            'start': ['date', false, 'date'],
            'end': ['date', false, 'date'],
            'mode': ['varchar', false, 'fuel_mode'],
            'usd_per_mmbtu': ['double', true, 'number'],
            'multiplier': ['double', true, 'number'],
        },
        'fleet': {
            'iso_code': ['varchar', false, 'iso_code'],
            'zone': ['varchar', true, 'text'],
            'technology': ['varchar', false, 'technology'],
            'mw_delta': ['double', false, 'number'],
            'effective': ['date', false, 'date'],
        },
        'iso_codes': {'iso_code': ['varchar', false, 'iso_code']},
        'markets': {'market': ['varchar', false, 'market']},
        'location_ids': {'location_id': ['varchar', false, 'text']},
    }) }}
{%- endmacro %}

{% macro _scenario_enums() -%}
    {{ return({
        'iso_code': ['CAISO', 'PJM', 'MISO', 'ERCOT', 'NYISO', 'SPP', 'ISONE'],
        'market': ['day_ahead_hourly', 'real_time_hourly', 'real_time_15min', 'real_time_5min',
                   'real_time_sced', 'real_time_commitment_15min'],
        'technology': ['gas_cc', 'gas_ct', 'gas_steam', 'coal', 'nuclear', 'wind', 'solar',
                       'hydro', 'storage', 'oil'],
        'fuel': ['natural_gas', 'coal'],
        'fuel_mode': ['price', 'multiplier'],
    }) }}
{%- endmacro %}

{% macro _scenario_fail(path, message) -%}
    {{ exceptions.raise_compiler_error("var scenario: " ~ path ~ ": " ~ message) }}
{%- endmacro %}

{#- A short, printable description of a bad value for an error message. -#}
{% macro _scenario_show(value) -%}
    {{ return((value | string)[:80] | tojson) }}
{%- endmacro %}

{% macro _scenario_check_text(path, value, max_length=128) -%}
    {%- if value is not string -%}
        {{ aurum._scenario_fail(path, "must be a string; got " ~ aurum._scenario_show(value)) }}
    {%- endif -%}
    {%- if value | length == 0 or value | length > max_length -%}
        {{ aurum._scenario_fail(path, "must be 1 to " ~ max_length ~ " characters") }}
    {%- endif -%}
    {%- if modules.re.search('[\\x00-\\x1f\\x7f]', value) -%}
        {{ aurum._scenario_fail(path, "control characters (newline, tab, ...) are not allowed") }}
    {%- endif -%}
{%- endmacro %}

{% macro _scenario_check_date(path, value) -%}
    {%- set m = modules.re.fullmatch('([0-9]{4})-([0-9]{2})-([0-9]{2})', value) if value is string else none -%}
    {%- if not m -%}
        {{ aurum._scenario_fail(path, "must be a date string 'YYYY-MM-DD'; got " ~ aurum._scenario_show(value)) }}
    {%- endif -%}
    {%- set y, mo, d = m.group(1) | int, m.group(2) | int, m.group(3) | int -%}
    {%- set leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 -%}
    {%- set days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
    {%- if y < 2000 or y > 2100 or mo < 1 or mo > 12 or d < 1 or d > days[mo - 1] -%}
        {{ aurum._scenario_fail(path, "not a calendar date between 2000-01-01 and 2100-12-31: " ~ value) }}
    {%- endif -%}
{%- endmacro %}

{% macro _scenario_check_number(path, value) -%}
    {%- if value is boolean or value is not number -%}
        {{ aurum._scenario_fail(path, "must be a number; got " ~ aurum._scenario_show(value)) }}
    {%- endif -%}
    {%- if value != value or value > 1e300 or value < -1e300 -%}
        {{ aurum._scenario_fail(path, "must be a finite number; got " ~ value) }}
    {%- endif -%}
{%- endmacro %}

{% macro _scenario_check_value(path, value, spec) -%}
    {%- set sql_type, nullable, kind = spec -%}
    {%- if value is none -%}
        {%- if not nullable -%}{{ aurum._scenario_fail(path, "must not be null") }}{%- endif -%}
    {%- elif kind == 'text' -%}
        {{ aurum._scenario_check_text(path, value) }}
    {%- elif kind == 'date' -%}
        {{ aurum._scenario_check_date(path, value) }}
    {%- elif kind == 'number' -%}
        {{ aurum._scenario_check_number(path, value) }}
    {%- elif kind == 'year' -%}
        {%- if value is boolean or value is not integer or value < 2000 or value > 2100 -%}
            {{ aurum._scenario_fail(path, "must be an integer year 2000..2100; got " ~ aurum._scenario_show(value)) }}
        {%- endif -%}
    {%- else -%}
        {%- set allowed = aurum._scenario_enums()[kind] -%}
        {%- if value is not string or value not in allowed -%}
            {{ aurum._scenario_fail(path, "must be one of " ~ allowed | join(', ') ~ "; got " ~ aurum._scenario_show(value)) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro _scenario_check_period(path, row) -%}
    {%- if row['end'] <= row['start'] -%}
        {{ aurum._scenario_fail(path ~ ".end", "must be after start (" ~ row['start'] ~ "); got " ~ row['end']) }}
    {%- endif -%}
{%- endmacro %}

{#- Validate var('scenario') and apply defaults; returns a new dict. -#}
{% macro scenario() -%}
    {%- set raw = var('scenario', none) -%}
    {%- set contract = aurum._scenario_contract() -%}
    {%- set out = {
        'scenario_id': 'base', 'run_id': none, 'base_start': none, 'base_end': none,
        'iso_codes': [], 'markets': [], 'location_ids': [],
        'carbon': [], 'adders': [], 'load_growth': [], 'fuel': [], 'fleet': [],
    } -%}
    {%- if raw is none -%}
        {{ return(out) }}
    {%- endif -%}
    {%- if raw is not mapping -%}
        {{ aurum._scenario_fail("<root>", "must be an object; got " ~ aurum._scenario_show(raw)) }}
    {%- endif -%}
    {%- for key in raw -%}
        {%- if key not in out -%}
            {{ aurum._scenario_fail(key, "unknown key; allowed: " ~ out.keys() | join(', ')) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if 'scenario_id' not in raw -%}
        {{ aurum._scenario_fail("scenario_id", "required when the scenario var is given") }}
    {%- endif -%}
    {%- for key in ['scenario_id', 'run_id'] -%}
        {%- set value = raw.get(key) -%}
        {%- if value is not none or key == 'scenario_id' -%}
            {%- if value is not string or not modules.re.fullmatch('[A-Za-z0-9_-]{1,64}', value) -%}
                {{ aurum._scenario_fail(key, "must match [A-Za-z0-9_-]{1,64}; got " ~ aurum._scenario_show(value)) }}
            {%- endif -%}
        {%- endif -%}
        {%- do out.update({key: value}) -%}
    {%- endfor -%}
    {%- for key in ['base_start', 'base_end'] -%}
        {%- if raw.get(key) is not none -%}
            {{ aurum._scenario_check_date(key, raw[key]) }}
            {%- do out.update({key: raw[key]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if (out.base_start is none) != (out.base_end is none) -%}
        {{ aurum._scenario_fail("base_end", "base_start and base_end are given together or not at all") }}
    {%- elif out.base_start is not none and out.base_end <= out.base_start -%}
        {{ aurum._scenario_fail("base_end", "must be after base_start (" ~ out.base_start ~ "); got " ~ out.base_end) }}
    {%- endif -%}
    {%- for key, columns in contract.items() if raw.get(key) is not none -%}
        {%- set rows = raw[key] -%}
        {%- if rows is string or rows is mapping or rows is not sequence -%}
            {{ aurum._scenario_fail(key, "must be a list; got " ~ aurum._scenario_show(rows)) }}
        {%- endif -%}
        {%- set checked = [] -%}
        {%- for row in rows -%}
            {%- set path = key ~ "." ~ loop.index0 -%}
            {%- if key in ['iso_codes', 'markets', 'location_ids'] -%}
                {%- set spec = (columns.values() | list)[0] -%}
                {{ aurum._scenario_check_value(path, row, spec) }}
                {%- if row in checked -%}{{ aurum._scenario_fail(path, "duplicate value " ~ aurum._scenario_show(row)) }}{%- endif -%}
                {%- do checked.append(row) -%}
            {%- else -%}
                {%- if row is not mapping -%}
                    {{ aurum._scenario_fail(path, "must be an object; got " ~ aurum._scenario_show(row)) }}
                {%- endif -%}
                {%- for column in row if column not in columns -%}
                    {{ aurum._scenario_fail(path ~ "." ~ column, "unknown key; allowed: " ~ columns.keys() | join(', ')) }}
                {%- endfor -%}
                {%- set clean = {} -%}
                {%- for column, spec in columns.items() -%}
                    {%- if column not in row and not spec[1] -%}
                        {{ aurum._scenario_fail(path ~ "." ~ column, "required") }}
                    {%- endif -%}
                    {{ aurum._scenario_check_value(path ~ "." ~ column, row.get(column), spec) }}
                    {%- do clean.update({column: row.get(column)}) -%}
                {%- endfor -%}
                {%- if 'start' in clean -%}{{ aurum._scenario_check_period(path, clean) }}{%- endif -%}
                {%- if key == 'fuel' -%}
                    {%- set price_mode = clean['mode'] == 'price' -%}
                    {%- if price_mode and (clean.usd_per_mmbtu is none or clean.multiplier is not none) -%}
                        {{ aurum._scenario_fail(path, "mode 'price' needs usd_per_mmbtu and a null multiplier") }}
                    {%- elif not price_mode and (clean.multiplier is none or clean.usd_per_mmbtu is not none) -%}
                        {{ aurum._scenario_fail(path, "mode 'multiplier' needs multiplier and a null usd_per_mmbtu") }}
                    {%- endif -%}
                {%- endif -%}
                {%- do checked.append(clean) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do out.update({key: checked}) -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{#- One string as a SQL string literal: quotes doubled, control characters refused. -#}
{% macro sql_string_literal(value) -%}
    {{ aurum._scenario_check_text("sql_string_literal", value, 100000) }}
    {{- "'" ~ (value | replace("'", "''")) ~ "'" -}}
{%- endmacro %}

{#- A validated value as a typed literal; sql_type comes from the contract, never the user. -#}
{% macro _scenario_typed_literal(value, sql_type) -%}
    {%- if value is none -%}
        {{- "cast(null as " ~ sql_type ~ ")" -}}
    {%- elif sql_type in ['varchar', 'date'] -%}
        {{- "cast(" ~ aurum.sql_string_literal(value) ~ " as " ~ sql_type ~ ")" -}}
    {%- else -%}
        {%- set text = value | string -%}
        {%- if not modules.re.fullmatch('-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?', text) -%}
            {{ aurum._scenario_fail("literal", "not a plain number: " ~ aurum._scenario_show(text)) }}
        {%- endif -%}
        {{- "cast(" ~ text ~ " as " ~ sql_type ~ ")" -}}
    {%- endif -%}
{%- endmacro %}

{#- scenario_id, run_id (varchar) or base_start, base_end (date) as a typed literal. -#}
{% macro scenario_literal(key) -%}
    {%- set types = {'scenario_id': 'varchar', 'run_id': 'varchar', 'base_start': 'date', 'base_end': 'date'} -%}
    {%- if key not in types -%}
        {{ exceptions.raise_compiler_error("scenario_literal: key must be one of " ~ types.keys() | join(', ') ~ "; got " ~ key) }}
    {%- endif -%}
    {{- aurum._scenario_typed_literal(aurum.scenario()[key], types[key]) -}}
{%- endmacro %}

{#-
    A relation of the rows of one list of the var, every value a typed literal:
        select * from ({{ aurum.scenario_literal_rows('carbon') }}) as carbon
    columns: none (all, contract order), a list of names, or a list of [name, type] pairs
    whose type must be the contract's. aliases: {column: output name}. Zero rows → a typed
    `select ... where false`. Output columns are quoted ("start", "end" are keywords).
-#}
{% macro scenario_literal_rows(list_key, columns=none, aliases=none) -%}
    {%- set contract = aurum._scenario_contract() -%}
    {%- if list_key not in contract -%}
        {{ exceptions.raise_compiler_error("scenario_literal_rows: list_key must be one of " ~ contract.keys() | join(', ') ~ "; got " ~ list_key) }}
    {%- endif -%}
    {%- set spec = contract[list_key] -%}
    {%- set aliases = aliases or {} -%}
    {%- set selected = [] -%}
    {%- for entry in (columns if columns is not none else spec.keys() | list) -%}
        {%- set name = entry if entry is string else entry[0] -%}
        {%- if name not in spec -%}
            {{ exceptions.raise_compiler_error("scenario_literal_rows('" ~ list_key ~ "'): unknown column " ~ name ~ "; allowed: " ~ spec.keys() | join(', ')) }}
        {%- endif -%}
        {%- set sql_type = spec[name][0] -%}
        {%- if entry is not string and entry[1] | lower != sql_type -%}
            {{ exceptions.raise_compiler_error("scenario_literal_rows('" ~ list_key ~ "'): column " ~ name ~ " is " ~ sql_type ~ ", not " ~ entry[1]) }}
        {%- endif -%}
        {%- set alias = aliases.get(name, name) -%}
        {%- if not modules.re.fullmatch('[a-z_][a-z0-9_]{0,62}', alias) -%}
            {{ exceptions.raise_compiler_error("scenario_literal_rows: alias must be a lower-case identifier; got " ~ alias) }}
        {%- endif -%}
        {%- do selected.append([name, sql_type, '"' ~ alias ~ '"']) -%}
    {%- endfor -%}
    {%- set rows = aurum.scenario()[list_key] -%}
    {%- set scalar = list_key in ['iso_codes', 'markets', 'location_ids'] -%}
    {%- if rows | length == 0 -%}
        select
        {%- for name, sql_type, alias in selected %}
            {{ aurum._scenario_typed_literal(none, sql_type) }} as {{ alias }}{{ "," if not loop.last }}
        {%- endfor %}
        where false
    {%- else -%}
        select {% for name, sql_type, alias in selected %}{{ alias }}{{ ", " if not loop.last }}{% endfor %}
        from (
            values
            {%- for row in rows %}
            ({% for name, sql_type, alias in selected %}{{ aurum._scenario_typed_literal(row if scalar else row[name], sql_type) }}{{ ", " if not loop.last }}{% endfor %}){{ "," if not loop.last }}
            {%- endfor %}
        ) as scenario_rows ({% for name, sql_type, alias in selected %}{{ alias }}{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- `true` when the filter list is empty (= all), else `<column_sql> in ('..', ..)`.
    column_sql is the model's own expression, never user input. -#}
{% macro scenario_filter(list_key, column_sql) -%}
    {%- if list_key not in ['iso_codes', 'markets', 'location_ids'] -%}
        {{ exceptions.raise_compiler_error("scenario_filter: list_key must be iso_codes, markets or location_ids; got " ~ list_key) }}
    {%- endif -%}
    {%- set values = aurum.scenario()[list_key] -%}
    {%- if values | length == 0 -%}
        true
    {%- else -%}
        {{ column_sql }} in ({% for value in values %}{{ aurum.sql_string_literal(value) }}{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
