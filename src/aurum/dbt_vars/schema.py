"""A var model's JSON Schema, and the compact form of it that dbt reads.

`json_schema(model)` is Pydantic's JSON Schema with what Pydantic leaves out: date
bounds (`Field(ge=date(...))` → `formatMinimum`/`formatMaximum`, the ajv-formats
keywords), defaults built by `default_factory`, and the model's cross-field rules
(`x-aurum-rules`). All matter here: a bound the schema does not show is a bound dbt
would not check.

`compact(model)` turns that schema into the tree `macros/vars/var_contract.sql` walks:

    {"type": "object", "fields": {name: node + {"required": bool, "default": ...}},
                       "rules": [...]}                        # x-aurum-rules, see rules.py
    {"type": "union", "tag": "kind", "variants": {"fixed": object node, ...}}
    {"type": "list", "items": node, "min_items": n, "max_items": n, "column": name}
    {"type": "string", "min_length": n, "max_length": n, "pattern": regex}
    {"type": "enum", "values": [str, ...]}
    {"type": "number" | "integer", "ge"/"gt"/"le"/"lt": bound, "format": "year"}
    {"type": "date", "ge"/"gt"/"le"/"lt": "YYYY-MM-DD"}
    any node + {"nullable": true}

It fails closed: a keyword, type or format it does not know, or a validator function on
a var model (which no schema can show), raises `ContractError` naming the place, so a
constraint added in Python can never be silently missing on the dbt side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema as cs

from aurum.dbt_vars.rules import RULE_KINDS, RULES_KEY, VarModel

COLUMN_KEY = "x-aurum-column"  # the column name of a list of scalars in var_rows()
ANNOTATIONS = {"title", "description", "examples", "$comment"}
_BOUNDS = {
    "minimum": "ge",
    "exclusiveMinimum": "gt",
    "maximum": "le",
    "exclusiveMaximum": "lt",
}
_DATE_BOUNDS = {
    "formatMinimum": "ge",
    "formatExclusiveMinimum": "gt",
    "formatMaximum": "le",
    "formatExclusiveMaximum": "lt",
}
INTEGER_FORMATS = {"year"}  # a noun for messages ("must be an integer year")


class ContractError(ValueError):
    """A var model uses something the dbt side cannot check."""


class VarJsonSchema(GenerateJsonSchema):
    """Pydantic's JSON Schema, plus date bounds, default_factory defaults and var rules."""

    def date_schema(self, schema: cs.DateSchema) -> dict[str, Any]:
        out = super().date_schema(schema)
        for key, name in (
            ("ge", "formatMinimum"),
            ("gt", "formatExclusiveMinimum"),
            ("le", "formatMaximum"),
            ("lt", "formatExclusiveMaximum"),
        ):
            if key in schema:
                out[name] = schema[key].isoformat()  # type: ignore[literal-required]
        for key in ("now_op", "now_utc_offset"):
            if key in schema:
                raise ContractError(f"date constraint {key} is relative to today; not allowed")
        return out

    def model_schema(self, schema: cs.ModelSchema) -> dict[str, Any]:
        out = super().model_schema(schema)
        rules = getattr(schema["cls"], "var_rules", ())
        if rules:
            out[RULES_KEY] = [rule.as_json() for rule in rules]
        return out

    def default_schema(self, schema: cs.WithDefaultSchema) -> dict[str, Any]:
        if "default_factory" in schema and not schema.get("default_factory_takes_data"):
            schema = {**schema, "default": schema["default_factory"]()}  # type: ignore[call-arg]
            schema.pop("default_factory")
        return super().default_schema(schema)


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="validation", schema_generator=VarJsonSchema)


def _walk_core(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "type" in node and isinstance(node["type"], str):
            yield where, node
        for key, value in node.items():
            if key in ("serialization", "metadata"):
                continue  # output formatting and JSON-Schema hooks, not validation
            yield from _walk_core(value, f"{where}.{key}" if key != "schema" else where)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk_core(item, where)


def _is_rule_validator(function: Any) -> bool:
    return (
        getattr(function, "__qualname__", "") == "VarModel._check_var_rules"
        and getattr(function, "__module__", "") == VarModel.__module__
    )


def check_declarative(model: type[BaseModel]) -> None:
    """Refuse validator functions: only the declared rules may run beyond the schema."""
    for where, node in _walk_core(model.__pydantic_core_schema__, model.__name__):
        if node["type"].startswith("function-") or node["type"] == "custom-error":
            function = node.get("function", {}).get("function")
            if not _is_rule_validator(function):
                name = getattr(function, "__qualname__", repr(function))
                raise ContractError(
                    f"{where}: validator {name} cannot be checked by dbt; express it as a "
                    "Field constraint or a rule in aurum.dbt_vars.rules"
                )


class _Compactor:
    def __init__(self, schema: dict[str, Any]):
        self.defs: dict[str, Any] = schema.get("$defs", {})

    def resolve(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        seen = 0
        while "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            if name not in self.defs or seen > 20:
                raise ContractError(f"{where}: unresolvable $ref {node['$ref']}")
            node = {**self.defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
            seen += 1
        return node

    @staticmethod
    def _only(node: dict[str, Any], allowed: set[str], where: str) -> None:
        unknown = set(node) - allowed - ANNOTATIONS - {"default"}
        if unknown:
            raise ContractError(
                f"{where}: JSON Schema keyword(s) {', '.join(sorted(unknown))} not supported "
                "by the dbt var layer (aurum.dbt_vars.schema)"
            )

    def node(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        node = self.resolve(node, where)
        if "anyOf" in node:
            options = node["anyOf"]
            rest = [o for o in options if o != {"type": "null"}]
            if len(rest) != 1 or len(options) != 2:
                raise ContractError(f"{where}: only `X | None` unions are supported")
            self._only(node, {"anyOf"}, where)
            return {**self.node(rest[0], where), "nullable": True}
        if "oneOf" in node:
            return self.union(node, where)
        if "enum" in node or "const" in node:
            return self.enum(node, where)
        kind = node.get("type")
        if kind == "object":
            return self.object(node, where)
        if kind == "array":
            self._only(node, {"type", "items", "minItems", "maxItems", COLUMN_KEY}, where)
            out: dict[str, Any] = {"type": "list", "items": self.node(node["items"], where + ".*")}
            for key, name in (("minItems", "min_items"), ("maxItems", "max_items")):
                if key in node:
                    out[name] = node[key]
            if COLUMN_KEY in node:
                out["column"] = node[COLUMN_KEY]
            return out
        if kind == "string" and node.get("format") == "date":
            self._only(node, {"type", "format", "pattern", *_DATE_BOUNDS}, where)
            out = {"type": "date"}
            for key, name in _DATE_BOUNDS.items():
                if key in node:
                    out[name] = dt.date.fromisoformat(node[key]).isoformat()
            if "pattern" in node:
                out["pattern"] = node["pattern"]
            return out
        if kind == "string":
            self._only(node, {"type", "minLength", "maxLength", "pattern"}, where)
            out = {"type": "string"}
            for key, name in (
                ("minLength", "min_length"),
                ("maxLength", "max_length"),
                ("pattern", "pattern"),
            ):
                if key in node:
                    out[name] = node[key]
            return out
        if kind in ("number", "integer"):
            self._only(node, {"type", "format", *_BOUNDS}, where)
            out = {"type": kind}
            if "format" in node:
                if kind != "integer" or node["format"] not in INTEGER_FORMATS:
                    raise ContractError(f"{where}: format {node['format']!r} not supported")
                out["format"] = node["format"]
            for key, name in _BOUNDS.items():
                if key in node:
                    out[name] = node[key]
            return out
        raise ContractError(f"{where}: type {kind!r} not supported by the dbt var layer")

    def enum(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        self._only(node, {"type", "enum", "const"}, where)
        values = node["enum"] if "enum" in node else [node["const"]]
        if node.get("type") != "string" or not all(isinstance(v, str) for v in values):
            raise ContractError(f"{where}: only string codes are supported")
        return {"type": "enum", "values": list(values)}

    def union(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        self._only(node, {"oneOf", "discriminator"}, where)
        discriminator = node.get("discriminator") or {}
        tag = discriminator.get("propertyName")
        mapping = discriminator.get("mapping") or {}
        if not tag or len(mapping) != len(node["oneOf"]):
            raise ContractError(f"{where}: a union must be discriminated by a tag field")
        variants = {}
        for value, ref in mapping.items():
            variant = self.node({"$ref": ref}, f"{where}<{value}>")
            field = variant.get("fields", {}).get(tag)
            if not field or field["type"] != "enum" or field["values"] != [value]:
                raise ContractError(f"{where}<{value}>: tag {tag} must be Literal[{value!r}]")
            variants[value] = variant
        return {"type": "union", "tag": tag, "variants": variants}

    def object(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        self._only(
            node, {"type", "properties", "required", "additionalProperties", RULES_KEY}, where
        )
        if node.get("additionalProperties") is not False:
            raise ContractError(f"{where}: var objects must refuse unknown keys (extra='forbid')")
        required = set(node.get("required", []))
        fields: dict[str, Any] = {}
        for name, prop in node.get("properties", {}).items():
            path = f"{where}.{name}"
            resolved = self.resolve(prop, path)
            field = {**self.node(prop, path), "required": name in required}
            if name not in required:
                if "default" not in resolved:
                    raise ContractError(f"{path}: an optional field needs a default")
                field["default"] = resolved["default"]
            fields[name] = field
        rules = node.get(RULES_KEY, [])
        for rule in rules:
            if rule.get("kind") not in RULE_KINDS:
                raise ContractError(f"{where}: rule kind {rule.get('kind')!r} not supported")
            names = [rule["at"].split(".")[0]] if rule["at"] else []
            names += [rule[k] for k in ("than", "first", "field", "other") if k in rule]
            names += [*rule.get("present", []), *rule.get("absent", [])]
            for name in names:
                if name not in fields:
                    raise ContractError(f"{where}: rule {rule['kind']} names unknown field {name}")
        return {"type": "object", "fields": fields, "rules": rules}


def compact(model: type[BaseModel]) -> dict[str, Any]:
    """The tree the dbt macro interprets, for one var model (see the module docstring)."""
    check_declarative(model)
    schema = json_schema(model)
    root = {k: v for k, v in schema.items() if k != "$defs"}
    return _Compactor(schema).node(root, model.__name__)
