{#- The `ppa` var as the PPA models read it: one flat name per field, over the one var
    layer (macros/vars/var_contract.sql). The var's contract is aurum.ppa.contract.PpaContract;
    it is canonical JSON in a string (aurum.ppa.contract) or the same object inline, and a
    bad contract fails the compilation naming the field ("var ppa: term.end: ...").

    Models use:
      aurum.ppa_is_set()    true/false literal; without the var the PPA models are empty
      aurum.ppa('<field>')  a typed, escaped SQL literal of one field (names below)
    Without the var, ppa() renders the contract's placeholder (aurum.ppa.contract.placeholder). -#}

{#- Flat name → [path in the contract, value when the chosen variant has no such field]. -#}
{% macro _ppa_fields() -%}
    {{ return({
        "contract_id": ["contract_id"], "settlement": ["settlement"], "iso_code": ["iso_code"],
        "node_location_id": ["node_location_id"], "hub_location_id": ["hub_location_id"],
        "settle_at": ["settle_at"], "market": ["market"],
        "shape_kind": ["shape.kind"], "shape_mw": ["shape.mw"],
        "capacity_mw": ["shape.capacity_mw"], "profile": ["shape.profile"],
        "buyer_share": ["buyer_share"], "strike_usd_per_mwh": ["strike_usd_per_mwh"],
        "escalation_kind": ["escalation.kind"], "escalation_annual_pct": ["escalation.annual_pct", 0.0],
        "cpi_series_id": ["escalation.series_id"], "cpi_lag_months": ["escalation.lag_months", 0],
        "cpi_base_month": ["escalation.base_month"], "negative_price_rule": ["negative_price_rule"],
        "curtailment_below_price_usd_per_mwh": ["curtailment.below_price_usd_per_mwh"],
        "term_start": ["term.start"], "term_end": ["term.end"],
        "discount_annual_rate": ["discount.annual_rate"], "discount_basis": ["discount.basis"],
        "valuation_date": ["discount.valuation_date"]
    }) }}
{%- endmacro %}

{#- The validated contract; none without the var. Also checks what only the dbt project
    knows: a CPI-escalated contract needs the CPI series int_cpi__monthly_index holds. -#}
{% macro ppa_contract() -%}
    {%- if var("ppa", none) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set contract = aurum.var_value("ppa") -%}
    {%- set cpi_series = var("cpi_series_id", "CPIAUCSL") -%}
    {%- if contract["escalation"]["kind"] == "cpi" and contract["escalation"]["series_id"] != cpi_series -%}
        {{ exceptions.raise_compiler_error("var ppa: escalation.series_id: int_cpi__monthly_index holds " ~ cpi_series ~ "; pass --vars cpi_series_id to build " ~ contract["escalation"]["series_id"]) }}
    {%- endif -%}
    {{ return(contract) }}
{%- endmacro %}

{% macro ppa_is_set() -%}
    {{- "true" if var("ppa", none) is not none else "false" -}}
{%- endmacro %}

{#- One field as a typed SQL literal. deflator_series_id is the CPI series for real
    discounting: the escalation's, else var cpi_series_id (checked against the same
    contract node). -#}
{% macro ppa(name) -%}
    {%- set contract = aurum.ppa_contract() -%}
    {%- if name == "deflator_series_id" -%}
        {%- set series = (contract or {}).get("escalation", {}).get("series_id") -%}
        {%- set node = aurum.var_node("ppa", "escalation.series_id") -%}
        {%- if series is none -%}
            {%- set series = var("cpi_series_id", "CPIAUCSL") -%}
            {%- set checked = aurum._var_validate(node, series, "cpi_series_id") -%}
            {%- if not checked["ok"] -%}
                {{ exceptions.raise_compiler_error("var " ~ checked["error"]) }}
            {%- endif -%}
        {%- endif -%}
        {{- aurum.var_typed_literal(series, node) -}}
    {%- else -%}
        {%- set fields = aurum._ppa_fields() -%}
        {%- if name not in fields -%}
            {{ exceptions.raise_compiler_error("aurum.ppa: unknown field " ~ name) }}
        {%- endif -%}
        {{- aurum.var_literal("ppa", fields[name][0], fields[name][1] if fields[name] | length > 1 else none, contract) -}}
    {%- endif -%}
{%- endmacro %}

{#- Capture price, time-weighted price and capture rate from summed market value,
    volume, price-hours and hours: one definition for the monthly, annual and summary marts. -#}
{% macro ppa_capture_columns() -%}
    cast(market_value_usd / nullif(volume_mwh, 0) as double) as capture_price_usd_per_mwh,
    cast(price_hours_usd_per_mwh_h / nullif(hours, 0) as double) as time_weighted_price_usd_per_mwh,
    cast((market_value_usd / nullif(volume_mwh, 0)) / nullif(price_hours_usd_per_mwh_h / nullif(hours, 0), 0) as double) as capture_rate
{%- endmacro %}
