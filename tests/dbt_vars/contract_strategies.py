"""Hypothesis strategies derived from the var models, through their compact contract.

`values(node)` draws JSON values a contract node accepts, over the full range the model
states: every float between the bounds (subnormals like 5e-324 included), ints, every
string the pattern allows, every date in range, both union variants, nulls, defaults
left out. Cross-field rules are met by repairing a draw (order two dates, null what a
`when` rule wants null) rather than by filtering, so objects are rarely discarded.
The Pydantic model stays the judge: tests validate every draw with it.

`mutations(node, value)` draws one-place edits of a valid value (wrong type, out of
bounds, bad pattern, unknown key, missing field, null, a broken rule) for the tests that
check the dbt side refuses exactly what Pydantic refuses.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import strategies as st

from aurum.dbt_vars.contracts import registry

CONTRACTS = {c.name: c for c in registry()}
MAX_ROWS = 3  # rows per list: the range of values matters here, not the length


def root(name: str) -> dict[str, Any]:
    return CONTRACTS[name].spec()["root"]


def _number(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    low = node.get("ge", node.get("gt"))
    high = node.get("le", node.get("lt"))
    if node["type"] == "integer":
        low = None if low is None else int(low) + (1 if "gt" in node else 0)
        high = None if high is None else int(high) - (1 if "lt" in node else 0)
        return st.integers(low, high)
    floats = st.floats(
        min_value=low,
        max_value=high,
        exclude_min="gt" in node,
        exclude_max="lt" in node,
        allow_nan=False,
        allow_infinity=False,
    )
    # JSON integers are numbers too, and dbt reads them as ints.
    ints = st.integers(
        -(10**6) if low is None else max(int(low), -(10**6)),
        10**6 if high is None else min(int(high), 10**6),
    ).filter(
        lambda i: ("gt" not in node or i > node["gt"]) and ("lt" not in node or i < node["lt"])
    )
    edges = st.sampled_from([5e-324, 1e-05, -1e-05, 1e-300, 2.2250738585072014e-308, 0.1, 1e16])
    edges = edges.filter(
        lambda x: all(
            (op not in node) or cmp(x, node[op])
            for op, cmp in (
                ("ge", float.__ge__),
                ("gt", float.__gt__),
                ("le", float.__le__),
                ("lt", float.__lt__),
            )
        )
    )
    return st.one_of(floats, ints, edges)


def _date(node: dict[str, Any]) -> st.SearchStrategy[str]:
    low = dt.date.fromisoformat(node.get("ge", node.get("gt", "0001-01-01")))
    high = dt.date.fromisoformat(node.get("le", node.get("lt", "9999-12-31")))
    low += dt.timedelta(days=1 if "gt" in node else 0)
    high -= dt.timedelta(days=1 if "lt" in node else 0)
    return st.dates(low, high).map(dt.date.isoformat)


def _string(node: dict[str, Any]) -> st.SearchStrategy[str]:
    low, high = node.get("min_length", 0), node.get("max_length", 200)
    if "pattern" in node:
        base = st.from_regex(node["pattern"], fullmatch=True)
    else:
        base = st.text(min_size=low, max_size=high)
    return base.filter(lambda s: low <= len(s) <= high)


def _repair(node: dict[str, Any], obj: dict[str, Any]) -> dict[str, Any] | None:
    """Make a drawn object meet its rules, or None to discard it."""
    for rule in node["rules"]:
        kind, at = rule["kind"], rule["at"]
        if kind == "after" and obj.get(at) is not None and obj.get(rule["than"]) is not None:
            low, high = sorted([obj[rule["than"]], obj[at]])
            if rule["strict"] and low == high:
                return None
            obj[rule["than"]], obj[at] = low, high
        elif kind == "together" and (obj.get(rule["first"]) is None) != (obj.get(at) is None):
            obj[rule["first"]] = obj[at] = None
        elif kind == "when" and obj.get(rule["field"]) == rule["equals"]:
            if any(obj.get(name) is None for name in rule["present"]):
                return None
            for name in rule["absent"]:
                obj[name] = None
        elif kind == "differ" and obj.get(at) is not None and obj.get(at) == obj.get(rule["other"]):
            return None
        elif kind == "first_of_month" and obj.get(at) is not None:
            obj[at] = obj[at][:8] + "01"
        elif kind == "unique" and obj.get(at):
            obj[at] = list(dict.fromkeys(obj[at]))
    return obj


def values(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """JSON values the node accepts (and, with its rules met, the model too)."""
    kind = node["type"]
    if kind == "object":
        required = {n: values(f) for n, f in node["fields"].items() if f["required"]}
        optional = {n: values(f) for n, f in node["fields"].items() if not f["required"]}
        base: st.SearchStrategy[Any] = st.fixed_dictionaries(required, optional=optional)
        base = base.map(lambda obj: _repair(node, obj)).filter(lambda obj: obj is not None)
    elif kind == "union":
        base = st.one_of(*(values(v) for v in node["variants"].values()))
    elif kind == "list":
        base = st.lists(
            values(node["items"]),
            min_size=node.get("min_items", 0),
            max_size=min(node.get("max_items", MAX_ROWS), MAX_ROWS),
        )
    elif kind == "enum":
        base = st.sampled_from(node["values"])
    elif kind == "string":
        base = _string(node)
    elif kind == "date":
        base = _date(node)
    elif kind in ("number", "integer"):
        base = _number(node)
    else:  # pragma: no cover - the compactor refuses other kinds
        raise AssertionError(kind)
    return st.one_of(st.none(), base) if node.get("nullable") else base


# --- invalid variants ------------------------------------------------------------------

# (NaN and infinities are not JSON; tests/scenarios/test_sql_injection.py passes them as
# YAML's .nan and .inf.)
WRONG_TYPES = [None, True, "x", 1, 1.5, [], {}, "2026-02-30", "{{ 7 * 7 }}", "a\nb", "x}"]


def _leaves(node: dict[str, Any], value: Any, path: tuple) -> list[tuple[tuple, dict[str, Any]]]:
    """(path, node) of every place in `value` that one edit can change."""
    out = [(path, node)]
    if value is None:
        return out
    if node["type"] == "union":
        node = node["variants"][value[node["tag"]]]
    if node["type"] == "object":
        for name, field in node["fields"].items():
            if name in value:
                out += _leaves(field, value[name], (*path, name))
            else:
                out.append(((*path, name), field))
    elif node["type"] == "list":
        for i, item in enumerate(value):
            out += _leaves(node["items"], item, (*path, i))
    return out


def _get(value: Any, path: tuple) -> Any:
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _set(value: Any, path: tuple, new: Any, delete: bool = False) -> Any:
    value = copy.deepcopy(value)
    if not path:
        return new
    parent = value
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return value


def _bad_values(node: dict[str, Any]) -> list[Any]:
    kind = node["type"]
    out = list(WRONG_TYPES)
    for op, delta in (("ge", -1), ("gt", 0), ("le", 1), ("lt", 0)):
        if op in node and kind in ("number", "integer"):
            out.append(node[op] + delta if kind == "integer" or delta else node[op])
        if op in node and kind == "date":
            day = dt.date.fromisoformat(node[op]) + dt.timedelta(days=delta)
            out.append(day.isoformat())
    if kind == "string":
        out += ["", "x" * (node.get("max_length", 10_000) + 1), "bad value!", "é"]
    if kind == "integer":
        out.append(2024.0)
    if kind == "list":
        out += [["x"], [None], "x"]
    return out


@st.composite
def mutations(draw: st.DrawFn, node: dict[str, Any], value: Any) -> Any:
    """One edit of a valid value: mostly invalid, sometimes still valid (both are useful)."""
    path, leaf = draw(st.sampled_from(_leaves(node, value, ())))
    choice = draw(st.sampled_from(["replace", "delete", "unknown_key", "swap"]))
    if choice == "delete" and path:
        try:
            return _set(value, path, None, delete=True)
        except (KeyError, IndexError, TypeError):
            pass
    target = _get(value, path)
    if choice == "unknown_key" and isinstance(target, dict):
        return _set(value, (*path, "colour"), 1)
    if choice == "swap" and isinstance(target, dict):
        # Break a rule: exchange the two fields an `after` rule orders.
        variant = leaf["variants"][target[leaf["tag"]]] if leaf["type"] == "union" else leaf
        for rule in variant.get("rules", []):
            if rule["kind"] == "after":
                swapped = {**target, rule["at"]: target.get(rule["than"])}
                swapped[rule["than"]] = target.get(rule["at"])
                return _set(value, path, swapped)
    return _set(value, path, draw(st.sampled_from(_bad_values(leaf))))
