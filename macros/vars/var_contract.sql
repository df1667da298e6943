{#-
    The one var layer: validate any contracted var, emit typed and escaped SQL literals.

    This file knows no var. Each var's contract (today `scenario` and `ppa`) is a Pydantic
    model, generated into var_contracts_generated.sql (`python -m aurum.dbt_vars`); the
    node kinds interpreted here are documented in aurum.dbt_vars.schema, the cross-field
    rule kinds in aurum.dbt_vars.rules. Model SQL is rendered at parse time, so a bad var
    stops the invocation before any SQL runs, with the field named:
        var scenario: fuel.1.usd_per_mmbtu: must be a finite number; got nan

    Values reach SQL only as typed literals: cast('..' as varchar|date) with quotes
    doubled, numbers re-checked against a plain-number pattern, and every string of a var
    refused if it holds control characters or braces (dbt renders a top-level string var
    as Jinja before any macro sees it: "{{ 7 * 7 }}" arrives as "49"). SQL types come
    from the contract, never from the var. Standard SQL only: DuckDB and Trino alike.

    Public macros:
      aurum.var_value(name)                        the validated var, defaults applied; the
                                                   contract's `absent` value without the var
      aurum.var_check(name, raw)                   {'ok', 'value' | 'error'}, never fails
      aurum.var_literal(name, path, if_null=none, value=none)
                                                   one field ('term.start') as a typed literal
      aurum.var_node(name, path)                   the contract node of one field
      aurum.var_rows(name, list_key, columns=none, aliases=none, value=none)
                                                   a list as a relation of typed literal rows
      aurum.var_filter(name, list_key, column_sql) `true` or `<column_sql> in ('..', ..)`
      aurum.var_typed_literal(value, node)         one validated value as a typed literal
      aurum.sql_string_literal(value)              one escaped string literal
-#}

{% macro _var_contract(name) -%}
    {%- set contracts = aurum._var_contracts() -%}
    {%- if name not in contracts -%}
        {{ exceptions.raise_compiler_error("no var contract named " ~ name ~ "; known: " ~ contracts.keys() | join(", ")) }}
    {%- endif -%}
    {{ return(contracts[name]) }}
{%- endmacro %}

{#- A short, printable description of a bad value for an error message. -#}
{% macro _var_show(value) -%}
    {{ return((value | string)[:80] | tojson) }}
{%- endmacro %}

{#-
    Validate `raw` against one contract node: {'ok': true, 'value': clean} (defaults
    applied) or {'ok': false, 'error': 'path: message'} for the first error.

    One loop over a work queue instead of one macro call per value: a dbt macro call
    costs ~50 us and a var can hold thousands of rows, each read by several models.
    A task is [node, value, path, slot]: an object, union or list task fills `slot`, the
    container its parent already placed in the clean value; a scalar task only checks
    (scalars are kept as given). Cross-field rules run after every field has passed,
    as Pydantic runs a model's validator only on valid fields.
-#}
{% macro _var_validate(root, raw, path="") -%}
    {%- set top = {} if root["type"] in ["object", "union"] else ([] if root["type"] == "list" else none) -%}
    {%- set errors = [] -%}
    {%- set rules = [] -%}
    {%- set queue = [[root, raw, path, top]] -%}
    {%- for node, value, path, slot in queue if not errors -%}
        {%- set kind = node["type"] -%}
        {%- set where = path or "<root>" -%}
        {%- if value is none -%}
            {%- if not node.get("nullable") -%}
                {%- do errors.append(where ~ ": must not be null") -%}
            {%- endif -%}
        {%- elif kind in ["object", "union"] -%}
            {%- set variant = node -%}
            {%- if value is not mapping -%}
                {%- do errors.append(where ~ ": must be an object; got " ~ aurum._var_show(value)) -%}
            {%- elif kind == "union" -%}
                {%- set tag = value.get(node["tag"]) -%}
                {%- if tag is string and tag in node["variants"] -%}
                    {%- set variant = node["variants"][tag] -%}
                {%- else -%}
                    {%- do errors.append((path ~ "." if path else "") ~ node["tag"] ~ ": must be one of " ~ node["variants"].keys() | join(", ") ~ "; got " ~ aurum._var_show(tag)) -%}
                {%- endif -%}
            {%- endif -%}
            {%- set fields = variant.get("fields", {}) if not errors else {} -%}
            {%- for key in (value if not errors else []) if not errors and key not in fields -%}
                {%- do errors.append((path ~ "." if path else "") ~ key ~ ": unknown key; allowed: " ~ fields.keys() | join(", ")) -%}
            {%- endfor -%}
            {%- for name, field in fields.items() if not errors -%}
                {%- set at = (path ~ "." ~ name) if path else name -%}
                {%- if name not in value -%}
                    {%- if field["required"] -%}
                        {%- do errors.append(at ~ ": required") -%}
                    {%- endif -%}
                    {%- do slot.update({name: field["default"]}) -%}
                {%- else -%}
                    {%- set child = value[name] -%}
                    {%- set container = none if child is none else ({} if field["type"] in ["object", "union"] else ([] if field["type"] == "list" else none)) -%}
                    {%- do slot.update({name: child if container is none else container}) -%}
                    {%- do queue.append([field, child, at, container]) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if variant.get("rules") and not errors -%}
                {%- do rules.append([variant["rules"], slot, path]) -%}
            {%- endif -%}
        {%- elif kind == "list" -%}
            {%- if value is string or value is mapping or value is not sequence -%}
                {%- do errors.append(where ~ ": must be a list; got " ~ aurum._var_show(value)) -%}
            {%- elif node.get("min_items") is not none and value | length < node["min_items"] -%}
                {%- do errors.append(where ~ ": must have at least " ~ node["min_items"] ~ " items") -%}
            {%- elif node.get("max_items") is not none and value | length > node["max_items"] -%}
                {%- do errors.append(where ~ ": must have at most " ~ node["max_items"] ~ " items") -%}
            {%- else -%}
                {%- set items = node["items"] -%}
                {%- for child in value -%}
                    {%- set container = none if child is none else ({} if items["type"] in ["object", "union"] else ([] if items["type"] == "list" else none)) -%}
                    {%- do slot.append(child if container is none else container) -%}
                    {%- do queue.append([items, child, path ~ "." ~ loop.index0, container]) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- else -%}
            {%- if kind == "enum" -%}
                {%- if value is not string or value not in node["values"] -%}
                    {%- do errors.append(where ~ ": must be one of " ~ node["values"] | join(", ") ~ "; got " ~ aurum._var_show(value)) -%}
                {%- endif -%}
            {%- elif kind == "string" -%}
                {%- if value is not string -%}
                    {%- do errors.append(where ~ ": must be a string; got " ~ aurum._var_show(value)) -%}
                {%- elif modules.re.search("[\\x00-\\x1f\\x7f]", value) -%}
                    {%- do errors.append(where ~ ": control characters (newline, tab, ...) are not allowed") -%}
                {%- elif "{" in value or "}" in value -%}
                    {%- do errors.append(where ~ ": braces are not allowed (dbt renders --vars strings as Jinja); got " ~ aurum._var_show(value)) -%}
                {%- elif node.get("min_length") is not none and value | length < node["min_length"] -%}
                    {%- do errors.append(where ~ ": must be at least " ~ node["min_length"] ~ " characters; got " ~ aurum._var_show(value)) -%}
                {%- elif node.get("max_length") is not none and value | length > node["max_length"] -%}
                    {%- do errors.append(where ~ ": must be at most " ~ node["max_length"] ~ " characters") -%}
                {%- elif node.get("pattern") and not modules.re.search(node["pattern"], value) -%}
                    {%- do errors.append(where ~ ": must match " ~ node["pattern"] ~ "; got " ~ aurum._var_show(value)) -%}
                {%- endif -%}
            {%- elif kind == "date" -%}
                {%- set m = modules.re.fullmatch("([0-9]{4})-([0-9]{2})-([0-9]{2})", value) if value is string else none -%}
                {%- if not m -%}
                    {%- do errors.append(where ~ ": must be a date string 'YYYY-MM-DD'; got " ~ aurum._var_show(value)) -%}
                {%- else -%}
                    {%- set y, mo, d = m.group(1) | int, m.group(2) | int, m.group(3) | int -%}
                    {%- set leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 -%}
                    {%- if y < 1 or mo < 1 or mo > 12 or d < 1 or d > [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] -%}
                        {%- do errors.append(where ~ ": not a calendar date: " ~ value) -%}
                    {%- elif node.get("pattern") and not modules.re.search(node["pattern"], value) -%}
                        {%- do errors.append(where ~ ": must match " ~ node["pattern"] ~ "; got " ~ aurum._var_show(value)) -%}
                    {%- endif -%}
                {%- endif -%}
            {%- elif kind in ["number", "integer"] -%}
                {%- if value is boolean or value is not number -%}
                    {%- do errors.append(where ~ ": must be a number; got " ~ aurum._var_show(value)) -%}
                {%- elif kind == "integer" and value is not integer -%}
                    {%- do errors.append(where ~ ": must be an integer" ~ (" " ~ node["format"] if node.get("format") else "") ~ "; got " ~ aurum._var_show(value)) -%}
                {%- elif not (value * 0 == 0) -%}
                    {#- inf * 0 and nan * 0 are nan, which equals nothing. -#}
                    {%- do errors.append(where ~ ": must be a finite number; got " ~ value) -%}
                {%- endif -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error("var contract: unknown node type " ~ kind) }}
            {%- endif -%}
            {#- Bounds: numbers compare as numbers, 'YYYY-MM-DD' dates as strings (same order). -#}
            {%- if not errors and kind in ["number", "integer", "date"] -%}
                {%- set words = [">=", ">", "<=", "<"] if kind != "date" else ["on or after", "after", "on or before", "before"] -%}
                {%- if node.get("ge") is not none and not (value >= node["ge"]) -%}
                    {%- do errors.append(where ~ ": must be " ~ words[0] ~ " " ~ node["ge"] ~ "; got " ~ value) -%}
                {%- elif node.get("gt") is not none and not (value > node["gt"]) -%}
                    {%- do errors.append(where ~ ": must be " ~ words[1] ~ " " ~ node["gt"] ~ "; got " ~ value) -%}
                {%- elif node.get("le") is not none and not (value <= node["le"]) -%}
                    {%- do errors.append(where ~ ": must be " ~ words[2] ~ " " ~ node["le"] ~ "; got " ~ value) -%}
                {%- elif node.get("lt") is not none and not (value < node["lt"]) -%}
                    {%- do errors.append(where ~ ": must be " ~ words[3] ~ " " ~ node["lt"] ~ "; got " ~ value) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {#- Cross-field rules (aurum.dbt_vars.rules), on objects whose fields all passed. -#}
    {%- for object_rules, obj, path in rules if not errors -%}
        {%- for rule in object_rules if not errors -%}
            {%- set kind = rule["kind"] -%}
            {%- set value = obj.get(rule["at"]) if rule["at"] else none -%}
            {%- set at = (((path ~ ".") if path else "") ~ rule["at"]) if rule["at"] else path -%}
            {%- set failed = [] -%}
            {%- if kind == "after" -%}
                {%- set low = obj[rule["than"]] -%}
                {%- if low is not none and value is not none and not ((value > low) if rule["strict"] else (value >= low)) -%}
                    {%- do failed.append(rule["than"]) -%}
                {%- endif -%}
            {%- elif kind == "together" -%}
                {%- if (obj[rule["first"]] is none) != (value is none) -%}
                    {%- do failed.append(rule["first"]) -%}
                {%- endif -%}
            {%- elif kind == "when" -%}
                {%- if obj[rule["field"]] == rule["equals"] -%}
                    {%- for name in rule["present"] if obj[name] is none -%}
                        {%- do failed.append(name) -%}
                    {%- endfor -%}
                    {%- for name in rule["absent"] if obj[name] is not none -%}
                        {%- do failed.append(name) -%}
                    {%- endfor -%}
                {%- endif -%}
            {%- elif kind == "differ" -%}
                {%- if value is not none and value == obj[rule["other"]] -%}
                    {%- do failed.append(rule["other"]) -%}
                {%- endif -%}
            {%- elif kind == "first_of_month" -%}
                {%- if value is not none and not value.endswith("-01") -%}
                    {%- do failed.append(value) -%}
                {%- endif -%}
            {%- elif kind == "unique" -%}
                {%- set seen = {} -%}
                {%- for item in value if not failed -%}
                    {%- if item in seen -%}
                        {%- do failed.append(item) -%}
                        {%- set at = at ~ "." ~ loop.index0 -%}
                        {%- do errors.append(at ~ ": " ~ rule["message"] ~ " " ~ aurum._var_show(item)) -%}
                    {%- endif -%}
                    {%- do seen.update({item: true}) -%}
                {%- endfor -%}
            {%- else -%}
                {{ exceptions.raise_compiler_error("var contract: unknown rule kind " ~ kind) }}
            {%- endif -%}
            {%- if failed and not errors -%}
                {%- do errors.append((at or "<root>") ~ ": " ~ rule["message"]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return({"ok": false, "error": errors[0]} if errors else {"ok": true, "value": none if raw is none else (raw if top is none else top)}) }}
{%- endmacro %}

{#- Validate `raw` against var `name`'s contract; never fails: {'ok', 'value' | 'error'}. -#}
{% macro var_check(name, raw) -%}
    {%- set contract = aurum._var_contract(name) -%}
    {%- set parsed = raw -%}
    {%- if contract["json_text"] and raw is string -%}
        {%- set parsed = fromjson(raw, none) -%}
        {%- if parsed is none -%}
            {{ return({"ok": false, "error": "<root>: is not valid JSON"}) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(aurum._var_validate(contract["root"], parsed)) }}
{%- endmacro %}

{#- The validated var, defaults applied; the contract's `absent` value without the var. -#}
{% macro var_value(name) -%}
    {%- set raw = var(name, none) -%}
    {%- if raw is none -%}
        {{ return(aurum._var_contract(name)["absent"]) }}
    {%- endif -%}
    {%- set result = aurum.var_check(name, raw) -%}
    {%- if not result["ok"] -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ ": " ~ result["error"]) }}
    {%- endif -%}
    {{ return(result["value"]) }}
{%- endmacro %}

{#- The contract node and the value at a dotted path ('escalation.annual_pct'). Through a
    union the node comes from whichever variant has the field; the value is null when
    the chosen variant, or a null object on the way, does not have it. -#}
{% macro _var_at(name, path, value) -%}
    {%- set state = {"node": aurum._var_contract(name)["root"], "value": value} -%}
    {%- for key in path.split(".") -%}
        {%- set node = state["node"] -%}
        {%- set candidates = (node["variants"].values() | list) if node["type"] == "union" else [node] -%}
        {%- set found = [] -%}
        {%- for candidate in candidates if candidate["type"] == "object" and key in candidate["fields"] -%}
            {%- do found.append(candidate["fields"][key]) -%}
        {%- endfor -%}
        {%- if not found -%}
            {{ exceptions.raise_compiler_error("var " ~ name ~ " has no field " ~ path) }}
        {%- endif -%}
        {%- set current = state["value"] -%}
        {%- do state.update({"node": found[0], "value": current.get(key) if current is mapping else none}) -%}
    {%- endfor -%}
    {{ return(state) }}
{%- endmacro %}

{% macro var_node(name, path) -%}
    {{ return(aurum._var_at(name, path, none)["node"]) }}
{%- endmacro %}

{#- One field of var `name` as a typed literal. `if_null` (a constant from the model SQL,
    never user input) stands in for a null value. `value`: an already validated var
    (default: var_value(name)). -#}
{% macro var_literal(name, path, if_null=none, value=none) -%}
    {%- set at = aurum._var_at(name, path, value if value is not none else aurum.var_value(name)) -%}
    {{- aurum.var_typed_literal(at["value"] if at["value"] is not none else if_null, at["node"]) -}}
{%- endmacro %}

{#- Rows of values as SQL literals: for each row, one text per value, typed by the
    contract node at the same position (never by the value). Strings and dates: quotes
    doubled, control characters refused; numbers: re-checked as plain numbers; null: a
    typed null. `cast=false` gives bare string literals. The one escaping rule of the
    project, applied a whole relation per call (a dbt macro call per value is slow). -#}
{% macro _var_sql_type(node) -%}
    {%- set sql_types = {"string": "varchar", "enum": "varchar", "date": "date", "number": "double", "integer": "integer"} -%}
    {%- if node["type"] not in sql_types -%}
        {{ exceptions.raise_compiler_error("var contract: a " ~ node["type"] ~ " has no SQL literal") }}
    {%- endif -%}
    {{ return(sql_types[node["type"]]) }}
{%- endmacro %}

{% macro _var_literals(rows, nodes, cast=true) -%}
    {%- set types = [] -%}
    {%- for node in nodes -%}
        {%- do types.append(aurum._var_sql_type(node)) -%}
    {%- endfor -%}
    {%- set out = [] -%}
    {%- for row in rows -%}
        {%- set texts = [] -%}
        {%- for value in row -%}
            {%- set sql_type = types[loop.index0] -%}
            {%- if value is none -%}
                {%- set text = "null" -%}
            {%- elif sql_type in ["varchar", "date"] -%}
                {%- if value is not string or value | length == 0 or value | length > 100000 -%}
                    {{ exceptions.raise_compiler_error("sql literal: must be a string of 1 to 100000 characters; got " ~ aurum._var_show(value)) }}
                {%- elif modules.re.search("[\\x00-\\x1f\\x7f]", value) -%}
                    {{ exceptions.raise_compiler_error("sql literal: control characters (newline, tab, ...) are not allowed") }}
                {%- endif -%}
                {%- set text = "'" ~ (value | replace("'", "''")) ~ "'" -%}
            {%- else -%}
                {#- str(float) is the shortest text that reads back as the same double. A
                    double keeps an exponent: without one, DuckDB and Trino read
                    0.9635141543431145 as a DECIMAL, and its cast to double is 1 ulp off. -#}
                {%- set text = value | string -%}
                {%- set plain = "-?[0-9]+" if sql_type == "integer" else "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?" -%}
                {%- if value is boolean or not modules.re.fullmatch(plain, text) -%}
                    {{ exceptions.raise_compiler_error("sql literal: not a plain " ~ sql_type ~ ": " ~ aurum._var_show(text)) }}
                {%- endif -%}
                {%- if sql_type == "double" and "e" not in text and "E" not in text -%}
                    {%- set text = text ~ "e0" -%}
                {%- endif -%}
            {%- endif -%}
            {%- do texts.append(("cast(" ~ text ~ " as " ~ sql_type ~ ")") if cast else text) -%}
        {%- endfor -%}
        {%- do out.append(texts) -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{#- One string as a SQL string literal: quotes doubled, control characters refused. -#}
{% macro sql_string_literal(value) -%}
    {{- aurum._var_literals([[value]], [{"type": "string"}], cast=false)[0][0] -}}
{%- endmacro %}

{#- One validated value as a typed literal; the SQL type comes from the contract node. -#}
{% macro var_typed_literal(value, node) -%}
    {{- aurum._var_literals([[value]], [node])[0][0] -}}
{%- endmacro %}

{#-
    A relation of the rows of one list of a var, every value a typed literal:
        select * from ({{ aurum.var_rows('scenario', 'carbon') }}) as carbon
    columns: none (all, contract order), a list of names, or a list of [name, type] pairs
    whose type must be the contract's. aliases: {column: output name}. A list of scalars
    has one column, named by the contract (`x-aurum-column`). Zero rows give a typed
    `select ... where false`. Output columns are quoted ("start", "end" are keywords).
    `value`: an already validated var (default: var_value(name)).
-#}
{% macro var_rows(name, list_key, columns=none, aliases=none, value=none) -%}
    {%- set node = aurum._var_contract(name)["root"]["fields"].get(list_key) -%}
    {%- if node is none or node["type"] != "list" -%}
        {{ exceptions.raise_compiler_error("var_rows: " ~ list_key ~ " is not a list of var " ~ name) }}
    {%- endif -%}
    {%- set scalar = node["items"]["type"] != "object" -%}
    {%- set spec = {node.get("column", "value"): node["items"]} if scalar else node["items"]["fields"] -%}
    {%- set aliases = aliases or {} -%}
    {%- set selected = [] -%}
    {%- for entry in (columns if columns is not none else spec.keys() | list) -%}
        {%- set column = entry if entry is string else entry[0] -%}
        {%- if column not in spec -%}
            {{ exceptions.raise_compiler_error("var_rows('" ~ list_key ~ "'): unknown column " ~ column ~ "; allowed: " ~ spec.keys() | join(", ")) }}
        {%- endif -%}
        {%- set sql_type = aurum._var_sql_type(spec[column]) -%}
        {%- if entry is not string and entry[1] | lower != sql_type -%}
            {{ exceptions.raise_compiler_error("var_rows('" ~ list_key ~ "'): column " ~ column ~ " is " ~ sql_type ~ ", not " ~ entry[1]) }}
        {%- endif -%}
        {%- set alias = aliases.get(column, column) -%}
        {%- if not modules.re.fullmatch("[a-z_][a-z0-9_]{0,62}", alias) -%}
            {{ exceptions.raise_compiler_error("var_rows: alias must be a lower-case identifier; got " ~ alias) }}
        {%- endif -%}
        {%- do selected.append([column, spec[column], '"' ~ alias ~ '"']) -%}
    {%- endfor -%}
    {%- set rows = (value if value is not none else aurum.var_value(name))[list_key] -%}
    {%- set nodes = selected | map(attribute=1) | list -%}
    {%- if rows | length == 0 -%}
        select
        {%- for text in aurum._var_literals([[none] * selected | length], nodes)[0] %}
            {{ text }} as {{ selected[loop.index0][2] }}{{ "," if not loop.last }}
        {%- endfor %}
        where false
    {%- else -%}
        {%- set values = [] -%}
        {%- for row in rows -%}
            {%- set cells = [] -%}
            {%- for column, field, alias in selected -%}
                {%- do cells.append(row if scalar else row[column]) -%}
            {%- endfor -%}
            {%- do values.append(cells) -%}
        {%- endfor -%}
        select {% for column, field, alias in selected %}{{ alias }}{{ ", " if not loop.last }}{% endfor %}
        from (
            values
            {%- for texts in aurum._var_literals(values, nodes) %}
            ({{ texts | join(", ") }}){{ "," if not loop.last }}
            {%- endfor %}
        ) as {{ name }}_rows ({% for column, field, alias in selected %}{{ alias }}{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- `true` when a list of codes is empty (= all), else `<column_sql> in ('..', ..)`.
    column_sql is the model's own expression, never user input. -#}
{% macro var_filter(name, list_key, column_sql) -%}
    {%- set node = aurum._var_contract(name)["root"]["fields"].get(list_key) -%}
    {%- if node is none or node["type"] != "list" or node["items"]["type"] not in ["string", "enum"] -%}
        {{ exceptions.raise_compiler_error("var_filter: " ~ list_key ~ " is not a list of strings of var " ~ name) }}
    {%- endif -%}
    {%- set values = aurum.var_value(name)[list_key] -%}
    {%- if values | length == 0 -%}
        true
    {%- else -%}
        {{ column_sql }} in ({% for value in values %}{{ aurum.sql_string_literal(value) }}{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
