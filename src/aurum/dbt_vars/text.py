"""`--vars` text that dbt reads back as exactly the value it was rendered from.

dbt parses `--vars` as YAML 1.1 (PyYAML's SafeLoader, `dbt.config.utils.parse_cli_vars`),
not as JSON. JSON is nearly YAML, with three differences that corrupt values silently:

- A float needs a dot to be a YAML 1.1 float: Python writes 0.00001 as `1e-05`, which
  YAML reads as the *string* "1e-05" (the run then fails "must be a number"). Floats are
  written as `1.0e-05`: the same number in JSON, a float in YAML.
- U+0085, U+2028 and U+2029 are line breaks in YAML: raw inside a quoted scalar they
  are folded into a space. They, DEL and the C1 controls (which YAML refuses raw) are
  written as `\\uXXXX` escapes, which mean the same in both languages.
- JSON's surrogate-pair escapes for characters beyond the BMP are not joined by YAML,
  so those characters are written raw (UTF-8), which both read the same.

`vars_text` is JSON (any JSON parser reads the same value) that YAML 1.1 reads too.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

# Characters YAML reads as line breaks or refuses unescaped (PyYAML and libyaml).
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _string(value: str) -> str:
    if _SURROGATE.search(value):
        raise ValueError(f"a lone surrogate cannot be passed to dbt: {value!r}")
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def number_text(value: float) -> str:
    """A finite float as JSON that YAML 1.1 also reads as this float: always a dot."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"  # repr's exponent always carries its sign
    return text


def _value(value: Any, separators: tuple[str, str]) -> str:
    item, key = separators
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Mapping):
        parts = []
        for k, v in value.items():
            if not isinstance(k, str):
                raise TypeError(f"var keys must be strings; got {k!r}")
            parts.append(_string(k) + key + _value(v, separators))
        return "{" + item.join(parts) + "}"
    if isinstance(value, list | tuple):
        return "[" + item.join(_value(v, separators) for v in value) + "]"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def vars_text(value: Mapping[str, Any], separators: tuple[str, str] = (", ", ": ")) -> str:
    """The `--vars` argument for `value` (a mapping of var name → JSON-like value)."""
    return _value(value, separators)
