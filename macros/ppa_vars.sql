{#- The PPA contract var, `ppa`: the only place models read it.

    `ppa` is the canonical JSON rendered by aurum.ppa.contract (a JSON string) or the
    same object given inline in --vars. It is validated here, field by field, with the
    rules of the Pydantic model, so a bad contract fails at compile time, before any
    SQL runs, with the field named ("var ppa: term.end: ...").

    Models use:
      aurum.ppa_is_set()    true/false literal; without the var the PPA models are empty
      aurum.ppa('<field>')  a typed, escaped SQL literal of one flattened field:
          contract_id, settlement, iso_code, node_location_id, hub_location_id,
          settle_at, market, shape_kind, shape_mw, capacity_mw, profile, buyer_share,
          strike_usd_per_mwh, escalation_kind, escalation_annual_pct, cpi_series_id,
          cpi_lag_months, cpi_base_month, negative_price_rule,
          curtailment_below_price_usd_per_mwh, term_start, term_end,
          discount_annual_rate, discount_basis, valuation_date,
          deflator_series_id (the CPI series for real discounting: the escalation's,
          else var cpi_series_id)
    Literals are cast to their type (varchar, double, integer, date); string values
    have single quotes doubled, so no value can end the literal. -#}

{#- Used when the var is absent: a valid contract that keeps every model compilable;
    ppa_is_set() is false then and the models return no rows. -#}
{% macro _ppa_placeholder() -%}
    {{ return({
        "contract_id": "none", "settlement": "virtual", "iso_code": "PJM",
        "node_location_id": "51288", "hub_location_id": none, "settle_at": "node",
        "market": "day_ahead_hourly", "shape": {"kind": "fixed", "mw": 1.0},
        "buyer_share": 1.0, "strike_usd_per_mwh": 0.0, "escalation": {"kind": "none"},
        "negative_price_rule": "no_floor", "curtailment": none,
        "term": {"start": "2000-01-01", "end": "2000-01-01"},
        "discount": {"annual_rate": 0.0, "basis": "nominal", "valuation_date": "2000-01-01"}
    }) }}
{%- endmacro %}

{% macro _ppa_fail(field, message) -%}
    {{ exceptions.raise_compiler_error("var ppa: " ~ field ~ ": " ~ message) }}
{%- endmacro %}

{#- Validate one flat object against `spec` ({name: rule}); returns the cleaned values.
    Rule keys: type (str, num, int, date, enum), required, default, pattern, values,
    ge, gt, le, lt. Unknown keys are refused (the model's extra=forbid). -#}
{% macro _ppa_object(obj, spec, path) -%}
    {%- if obj is not mapping -%}
        {{ aurum._ppa_fail(path or "ppa", "must be an object") }}
    {%- endif -%}
    {%- for key in obj -%}
        {%- if key not in spec -%}
            {{ aurum._ppa_fail(path ~ ("." if path else "") ~ key, "extra field not permitted") }}
        {%- endif -%}
    {%- endfor -%}
    {%- set out = {} -%}
    {%- for name, rule in spec.items() -%}
        {%- set field = path ~ ("." if path else "") ~ name -%}
        {%- if name not in obj or (obj[name] is none and rule.get("nullable")) -%}
            {%- if rule.get("required") -%}
                {{ aurum._ppa_fail(field, "field required") }}
            {%- endif -%}
            {%- do out.update({name: rule.get("default")}) -%}
        {%- else -%}
            {%- do out.update({name: aurum._ppa_value(obj[name], rule, field)}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{% macro _ppa_value(value, rule, field) -%}
    {%- set kind = rule["type"] -%}
    {%- if kind in ("str", "enum", "date") and value is not string -%}
        {{ aurum._ppa_fail(field, "must be a string") }}
    {%- endif -%}
    {%- if kind == "enum" and value not in rule["values"] -%}
        {{ aurum._ppa_fail(field, "must be one of " ~ rule["values"] | join(", ") ~ "; got " ~ value) }}
    {%- endif -%}
    {%- if kind == "str" and not modules.re.fullmatch(rule["pattern"], value) -%}
        {{ aurum._ppa_fail(field, "must match " ~ rule["pattern"]) }}
    {%- endif -%}
    {%- if kind == "date" -%}
        {%- if not modules.re.fullmatch("[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])", value) -%}
            {{ aurum._ppa_fail(field, "must be a date YYYY-MM-DD; got " ~ value) }}
        {%- endif -%}
        {%- set parts = value.split("-") | map("int") | list -%}
        {%- set day = modules.datetime.date(parts[0], parts[1], 1) + modules.datetime.timedelta(days=parts[2] - 1) -%}
        {%- if day.month != parts[1] -%}
            {{ aurum._ppa_fail(field, "is not a calendar date: " ~ value) }}
        {%- endif -%}
    {%- endif -%}
    {%- if kind in ("num", "int") -%}
        {%- if value is boolean or value is not number -%}
            {{ aurum._ppa_fail(field, "must be a number") }}
        {%- endif -%}
        {%- if kind == "int" and value is not integer -%}
            {{ aurum._ppa_fail(field, "must be an integer") }}
        {%- endif -%}
        {#- Written so that NaN fails every bound (all comparisons with NaN are false). -#}
        {%- if not (value >= -1e12 and value <= 1e12) -%}
            {{ aurum._ppa_fail(field, "must be a finite number") }}
        {%- endif -%}
        {%- if "ge" in rule and not (value >= rule["ge"]) -%}
            {{ aurum._ppa_fail(field, "must be >= " ~ rule["ge"]) }}
        {%- endif -%}
        {%- if "gt" in rule and not (value > rule["gt"]) -%}
            {{ aurum._ppa_fail(field, "must be > " ~ rule["gt"]) }}
        {%- endif -%}
        {%- if "le" in rule and not (value <= rule["le"]) -%}
            {{ aurum._ppa_fail(field, "must be <= " ~ rule["le"]) }}
        {%- endif -%}
        {%- if "lt" in rule and not (value < rule["lt"]) -%}
            {{ aurum._ppa_fail(field, "must be < " ~ rule["lt"]) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- The validated contract, flattened to {field: (type, value)}; none without the var. -#}
{% macro ppa_contract() -%}
    {%- set raw = var("ppa", none) -%}
    {%- if raw is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(aurum._ppa_flatten(raw)) }}
{%- endmacro %}

{% macro _ppa_flatten(raw) -%}
    {%- if raw is string -%}
        {%- set parsed = fromjson(raw, none) -%}
        {%- if parsed is none -%}
            {{ aurum._ppa_fail("ppa", "is not valid JSON") }}
        {%- endif -%}
    {%- else -%}
        {%- set parsed = raw -%}
    {%- endif -%}
    {%- set location_pattern = "[^\\x00-\\x1f\\x7f{}]{1,100}" -%}
    {%- set top = aurum._ppa_object(parsed, {
        "contract_id": {"type": "str", "required": true, "pattern": "[A-Za-z0-9_-]{1,64}"},
        "settlement": {"type": "enum", "required": true, "values": ["virtual", "physical"]},
        "iso_code": {"type": "enum", "required": true, "values": ["CAISO", "PJM", "MISO", "ERCOT", "NYISO", "SPP", "ISONE"]},
        "node_location_id": {"type": "str", "required": true, "pattern": location_pattern},
        "hub_location_id": {"type": "str", "nullable": true, "pattern": location_pattern},
        "settle_at": {"type": "enum", "required": true, "values": ["hub", "node"]},
        "market": {"type": "enum", "required": true, "values": ["day_ahead_hourly", "real_time_hourly", "real_time_15min", "real_time_5min", "real_time_sced", "real_time_commitment_15min"]},
        "shape": {"type": "raw", "required": true},
        "buyer_share": {"type": "num", "default": 1.0, "gt": 0, "le": 1},
        "strike_usd_per_mwh": {"type": "num", "required": true, "ge": -1000, "le": 10000},
        "escalation": {"type": "raw", "default": {"kind": "none"}},
        "negative_price_rule": {"type": "enum", "required": true, "values": ["no_floor", "settle_at_zero", "no_settlement_below_zero"]},
        "curtailment": {"type": "raw", "nullable": true},
        "term": {"type": "raw", "required": true},
        "discount": {"type": "raw", "required": true}
    }, "") -%}

    {%- set shape_kind = aurum._ppa_kind(top["shape"], "shape", ["fixed", "unit_contingent"]) -%}
    {%- if shape_kind == "fixed" -%}
        {%- set shape = aurum._ppa_object(top["shape"], {
            "kind": {"type": "enum", "values": ["fixed"]},
            "mw": {"type": "num", "required": true, "gt": 0, "le": 100000}
        }, "shape") -%}
    {%- else -%}
        {%- set shape = aurum._ppa_object(top["shape"], {
            "kind": {"type": "enum", "values": ["unit_contingent"]},
            "capacity_mw": {"type": "num", "required": true, "gt": 0, "le": 100000},
            "profile": {"type": "str", "required": true, "pattern": "[a-z0-9_]{1,40}"}
        }, "shape") -%}
    {%- endif -%}

    {%- set escalation_kind = aurum._ppa_kind(top["escalation"], "escalation", ["none", "fixed", "cpi"]) -%}
    {%- if escalation_kind == "none" -%}
        {%- set escalation = aurum._ppa_object(top["escalation"], {"kind": {"type": "enum", "values": ["none"]}}, "escalation") -%}
    {%- elif escalation_kind == "fixed" -%}
        {%- set escalation = aurum._ppa_object(top["escalation"], {
            "kind": {"type": "enum", "values": ["fixed"]},
            "annual_pct": {"type": "num", "required": true, "ge": -10, "le": 25}
        }, "escalation") -%}
    {%- else -%}
        {%- set escalation = aurum._ppa_object(top["escalation"], {
            "kind": {"type": "enum", "values": ["cpi"]},
            "series_id": {"type": "str", "default": "CPIAUCSL", "pattern": "[A-Z0-9_]{1,30}"},
            "lag_months": {"type": "int", "default": 0, "ge": 0, "le": 24},
            "base_month": {"type": "date", "required": true}
        }, "escalation") -%}
        {%- if not escalation["base_month"].endswith("-01") -%}
            {{ aurum._ppa_fail("escalation.base_month", "must be the first of a month (YYYY-MM-01)") }}
        {%- endif -%}
        {%- set cpi_series = var("cpi_series_id", "CPIAUCSL") -%}
        {%- if escalation["series_id"] != cpi_series -%}
            {{ aurum._ppa_fail("escalation.series_id", "int_cpi__monthly_index holds " ~ cpi_series ~ "; pass --vars cpi_series_id to build " ~ escalation["series_id"]) }}
        {%- endif -%}
    {%- endif -%}

    {%- if top["curtailment"] is none -%}
        {%- set curtailment = {"below_price_usd_per_mwh": none} -%}
    {%- else -%}
        {%- set curtailment = aurum._ppa_object(top["curtailment"], {
            "below_price_usd_per_mwh": {"type": "num", "required": true, "ge": -10000, "le": 10000}
        }, "curtailment") -%}
    {%- endif -%}

    {%- set term = aurum._ppa_object(top["term"], {
        "start": {"type": "date", "required": true},
        "end": {"type": "date", "required": true}
    }, "term") -%}
    {%- if term["end"] < term["start"] -%}
        {{ aurum._ppa_fail("term.end", "must not be before term.start") }}
    {%- endif -%}

    {%- set discount = aurum._ppa_object(top["discount"], {
        "annual_rate": {"type": "num", "required": true, "gt": -0.5, "lt": 1},
        "basis": {"type": "enum", "required": true, "values": ["nominal", "real"]},
        "valuation_date": {"type": "date", "required": true}
    }, "discount") -%}

    {%- if top["settle_at"] == "hub" and top["hub_location_id"] is none -%}
        {{ aurum._ppa_fail("hub_location_id", "is required when settle_at is 'hub'") }}
    {%- endif -%}
    {%- if top["hub_location_id"] is not none and top["hub_location_id"] == top["node_location_id"] -%}
        {{ aurum._ppa_fail("hub_location_id", "must differ from node_location_id") }}
    {%- endif -%}

    {{ return({
        "contract_id": ("str", top["contract_id"]),
        "settlement": ("str", top["settlement"]),
        "iso_code": ("str", top["iso_code"]),
        "node_location_id": ("str", top["node_location_id"]),
        "hub_location_id": ("str", top["hub_location_id"]),
        "settle_at": ("str", top["settle_at"]),
        "market": ("str", top["market"]),
        "shape_kind": ("str", shape_kind),
        "shape_mw": ("num", shape.get("mw")),
        "capacity_mw": ("num", shape.get("capacity_mw")),
        "profile": ("str", shape.get("profile")),
        "buyer_share": ("num", top["buyer_share"]),
        "strike_usd_per_mwh": ("num", top["strike_usd_per_mwh"]),
        "escalation_kind": ("str", escalation_kind),
        "escalation_annual_pct": ("num", escalation.get("annual_pct", 0)),
        "cpi_series_id": ("str", escalation.get("series_id")),
        "cpi_lag_months": ("int", escalation.get("lag_months", 0)),
        "cpi_base_month": ("date", escalation.get("base_month")),
        "negative_price_rule": ("str", top["negative_price_rule"]),
        "curtailment_below_price_usd_per_mwh": ("num", curtailment["below_price_usd_per_mwh"]),
        "term_start": ("date", term["start"]),
        "term_end": ("date", term["end"]),
        "discount_annual_rate": ("num", discount["annual_rate"]),
        "discount_basis": ("str", discount["basis"]),
        "valuation_date": ("date", discount["valuation_date"]),
        "deflator_series_id": ("str", escalation.get("series_id") or aurum._ppa_value(var("cpi_series_id", "CPIAUCSL"), {"type": "str", "pattern": "[A-Z0-9_]{1,30}"}, "var cpi_series_id"))
    }) }}
{%- endmacro %}

{#- The discriminator of a tagged object (shape, escalation), validated. -#}
{% macro _ppa_kind(obj, path, kinds) -%}
    {%- if obj is not mapping -%}
        {{ aurum._ppa_fail(path, "must be an object") }}
    {%- endif -%}
    {%- if obj.get("kind") not in kinds -%}
        {{ aurum._ppa_fail(path ~ ".kind", "must be one of " ~ kinds | join(", ")) }}
    {%- endif -%}
    {{ return(obj["kind"]) }}
{%- endmacro %}

{% macro ppa_is_set() -%}
    {{- "true" if var("ppa", none) is not none else "false" -}}
{%- endmacro %}

{#- One field as a typed SQL literal. -#}
{% macro ppa(name) -%}
    {%- set contract = aurum.ppa_contract() -%}
    {%- if contract is none -%}
        {%- set contract = aurum._ppa_flatten(aurum._ppa_placeholder()) -%}
    {%- endif -%}
    {%- if name not in contract -%}
        {{ exceptions.raise_compiler_error("aurum.ppa: unknown field " ~ name) }}
    {%- endif -%}
    {%- set kind, value = contract[name] -%}
    {{- aurum._ppa_literal(kind, value) -}}
{%- endmacro %}

{% macro _ppa_literal(kind, value) -%}
    {%- set sql_type = {"str": "varchar", "num": "double", "int": "integer", "date": "date"}[kind] -%}
    {%- if value is none -%}
        cast(null as {{ sql_type }})
    {%- elif kind == "str" -%}
        {#- One escaping rule for every var: macros/scenario_vars.sql. -#}
        cast({{ aurum.sql_string_literal(value) }} as varchar)
    {%- elif kind == "date" -%}
        cast({{ aurum.sql_string_literal(value) }} as date)
    {%- elif kind == "int" -%}
        cast({{ value | int }} as integer)
    {%- else -%}
        cast({{ value | float }} as double)
    {%- endif -%}
{%- endmacro %}

{#- Capture price, time-weighted price and capture rate from summed market value,
    volume, price-hours and hours: one definition for the monthly, annual and summary marts. -#}
{% macro ppa_capture_columns() -%}
    cast(market_value_usd / nullif(volume_mwh, 0) as double) as capture_price_usd_per_mwh,
    cast(price_hours_usd_per_mwh_h / nullif(hours, 0) as double) as time_weighted_price_usd_per_mwh,
    cast((market_value_usd / nullif(volume_mwh, 0)) / nullif(price_hours_usd_per_mwh_h / nullif(hours, 0), 0) as double) as capture_rate
{%- endmacro %}
