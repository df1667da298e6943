"""Cross-field rules of a var contract, declared as data so both sides can enforce them.

A field constraint (a bound, a pattern, a length) is already data in the JSON Schema.
A rule across fields ("end after start") would be a Python function the dbt side cannot
see, so var models declare such rules as `Rule` values instead:

    class Period(VarModel):
        var_rules = (After("end", than="start"),)

`VarModel` enforces them in Pydantic (one generic validator); the var layer's JSON
Schema (`aurum.dbt_vars.schema.json_schema`, not Pydantic's default, so the API's
OpenAPI document is unchanged) lists them as `x-aurum-rules`; and
`macros/vars/var_contract.sql` enforces the same list in dbt. An error is located at `at` below the object (`""` = the object itself)
and carries `message`, identical on both sides.

Semantics (null never fails a comparison; `After`, `Differ` and `FirstOfMonth` skip
nulls, `Together` and `When` are about nulls):

    After(at, than, strict)   value(at) > value(than) (strict) or >= (not strict)
    Together(first, at)       both null or both given
    When(field, equals, present, absent, at)
                              if value(field) == equals: `present` fields given, `absent` null
    Differ(at, other)         value(at) != value(other)
    FirstOfMonth(at)          a date on day 1
    Unique(at)                a list without repeated values; the error is at `at.<index>`
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

RULES_KEY = "x-aurum-rules"


@dataclass(frozen=True)
class RuleError:
    at: str
    message: str


@dataclass(frozen=True)
class Rule:
    """One cross-field rule; subclasses define `check` and their JSON form."""

    at: str

    kind: ClassVar[str] = ""

    def check(self, obj: BaseModel) -> RuleError | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for name, value in self.__dict__.items():
            out[name] = list(value) if isinstance(value, tuple) else value
        out["message"] = self.text()
        return out

    def text(self) -> str:
        return getattr(self, "message", None) or self.default_message()

    def default_message(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class After(Rule):
    than: str = ""
    strict: bool = True
    message: str | None = None
    kind: ClassVar[str] = "after"

    def default_message(self) -> str:
        return f"must be after {self.than}" if self.strict else f"must not be before {self.than}"

    def check(self, obj: BaseModel) -> RuleError | None:
        low, high = getattr(obj, self.than), getattr(obj, self.at)
        if low is None or high is None:
            return None
        ok = high > low if self.strict else high >= low
        return None if ok else RuleError(self.at, self.text())


@dataclass(frozen=True)
class Together(Rule):
    first: str = ""
    message: str | None = None
    kind: ClassVar[str] = "together"

    def default_message(self) -> str:
        return f"{self.first} and {self.at} are given together or not at all"

    def check(self, obj: BaseModel) -> RuleError | None:
        if (getattr(obj, self.first) is None) != (getattr(obj, self.at) is None):
            return RuleError(self.at, self.text())
        return None


@dataclass(frozen=True)
class When(Rule):
    field: str = ""
    equals: str = ""
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    message: str | None = None
    kind: ClassVar[str] = "when"

    def default_message(self) -> str:
        needs = [", ".join(self.present)] if self.present else []
        needs += [f"a null {', '.join(self.absent)}"] if self.absent else []
        return f"{self.field} {self.equals!r} needs {' and '.join(needs)}"

    def check(self, obj: BaseModel) -> RuleError | None:
        if getattr(obj, self.field) != self.equals:
            return None
        if any(getattr(obj, name) is None for name in self.present) or any(
            getattr(obj, name) is not None for name in self.absent
        ):
            return RuleError(self.at, self.text())
        return None


@dataclass(frozen=True)
class Differ(Rule):
    other: str = ""
    message: str | None = None
    kind: ClassVar[str] = "differ"

    def default_message(self) -> str:
        return f"must differ from {self.other}"

    def check(self, obj: BaseModel) -> RuleError | None:
        value, other = getattr(obj, self.at), getattr(obj, self.other)
        if value is not None and other is not None and value == other:
            return RuleError(self.at, self.text())
        return None


@dataclass(frozen=True)
class FirstOfMonth(Rule):
    message: str | None = None
    kind: ClassVar[str] = "first_of_month"

    def default_message(self) -> str:
        return "must be the first of a month (YYYY-MM-01)"

    def check(self, obj: BaseModel) -> RuleError | None:
        value: dt.date | None = getattr(obj, self.at)
        return None if value is None or value.day == 1 else RuleError(self.at, self.text())


@dataclass(frozen=True)
class Unique(Rule):
    message: str | None = None
    kind: ClassVar[str] = "unique"

    def default_message(self) -> str:
        return "duplicate value"

    def check(self, obj: BaseModel) -> RuleError | None:
        seen: list[Any] = []
        for i, value in enumerate(getattr(obj, self.at)):
            if value in seen:
                shown = json.dumps(value, ensure_ascii=False, default=str)
                return RuleError(f"{self.at}.{i}", f"{self.text()} {shown}")
            seen.append(value)
        return None


class VarModel(BaseModel):
    """Base of every var contract: strict, closed, finite, and rules as data.

    Constraints must be declarative (Field bounds, patterns, lengths, Literal codes,
    `var_rules`): `aurum.dbt_vars.schema` refuses a var model with any other validator,
    because the dbt side could not enforce it.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)

    var_rules: ClassVar[Sequence[Rule]] = ()

    @model_validator(mode="after")
    def _check_var_rules(self) -> VarModel:
        for rule in type(self).var_rules:
            error = rule.check(self)
            if error is not None:
                # `aurum_field` is the error type the scenario error formatter already
                # locates below the model (ctx path); the message is the rule's own text.
                raise PydanticCustomError(
                    "aurum_field", "{reason}", {"path": error.at, "reason": error.message}
                )
        return self


# The kinds macros/vars/var_contract.sql implements.
RULE_KINDS = frozenset(cls.kind for cls in (After, Together, When, Differ, FirstOfMonth, Unique))


__all__ = [
    "RULES_KEY",
    "RULE_KINDS",
    "After",
    "Differ",
    "FirstOfMonth",
    "Rule",
    "RuleError",
    "Together",
    "Unique",
    "VarModel",
    "When",
]
