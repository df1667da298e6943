"""One typed layer for dbt vars: each var contract is a Pydantic model, nothing else.

A var contract (the `scenario` var: `aurum.scenarios.models.ScenarioVar`; the `ppa` var:
`aurum.ppa.contract.PpaContract`) is written once, as a `VarModel`. From it:

- `schema`    derives a compact form of its JSON Schema (fields, types, bounds, patterns,
              unions, defaults and the declared cross-field `rules`), refusing anything
              the dbt side could not check;
- `contracts` writes that compact form into `macros/vars/var_contracts_generated.sql`,
              which the one generic macro (`macros/vars/var_contract.sql`) interprets to
              validate a var and emit typed, escaped literals
              (`python -m aurum.dbt_vars` regenerates it; a test fails when stale);
- `text`      renders `--vars` text that dbt's YAML reading gives back unchanged.

This package imports no contract itself (the models import `rules` from here), so the
registry lives in `aurum.dbt_vars.contracts`.
"""
