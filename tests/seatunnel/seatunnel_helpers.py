"""Helpers for the SeaTunnel template tests: sample variables, HOCON and select-list parsing."""

from __future__ import annotations

import re

from pyhocon import ConfigFactory, ConfigTree

from aurum.seatunnel.render import Template, load_template, render_template

LMP_TEMPLATES = {
    "caiso_lmp_to_kafka": "CAISO",
    "pjm_lmp_to_kafka": "PJM",
    "miso_lmp_to_kafka": "MISO",
    "ercot_lmp_to_kafka": "ERCOT",
    "nyiso_lmp_to_kafka": "NYISO",
    "spp_lmp_to_kafka": "SPP",
    "isone_lmp_to_kafka": "ISONE",
}
REFERENCE_TEMPLATES = {
    "ecb_fx_to_kafka": "aurum.ref.fx.daily.v1",
    "fred_cpi_to_kafka": "aurum.ref.cpi.monthly.v1",
    "eia_fuel_to_kafka": "aurum.ref.fuel.eia.v1",
}
TIMESCALE_TEMPLATE = "iso_lmp_kafka_to_timescale"


def sample_variables(template: Template) -> dict[str, str]:
    """A plausible value for every variable without a default: integers where the template
    needs `| int`; variables with a default (`# aurum.default:`) take it."""
    ints = {p.name for p in template.placeholders if p.filter == "int"}
    return {
        name: "1000" if name in ints else f"{name}-value"
        for name in template.variables
        if name not in template.defaults
    }


def render_sample(name: str, **overrides: str) -> str:
    template = load_template(name)
    return render_template(template, sample_variables(template) | overrides)


def parse(text: str) -> ConfigTree:
    return ConfigFactory.parse_string(text)


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on `sep` outside parentheses, quotes and backticks."""
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'`\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


_ITEM = re.compile(
    r"^cast\((?P<expr>.*)\s+as\s+(?P<type>\w+)\)\s+as\s+`?(?P<name>\w+)`?$", re.S | re.I
)


_PLAIN_ITEM = re.compile(r"^(?P<expr>.*?)\s+as\s+`?(?P<name>\w+)`?$", re.S | re.I)
# SeaTunnel 2.3.8's CAST has no BOOLEAN and cannot cast a string to DATE: such columns are
# `to_date(…) as name` or a source column passed through, typed by the source schema.
_TYPED_CALLS = {"to_date": "date"}


def select_fields(query: str, config: ConfigTree | None = None) -> list[tuple[str, str]]:
    """(name, SeaTunnel type) for each item of the outer select: `cast(expr as type) as
    name`, `to_date(…) as name`, or `column as name` (typed by the source schema)."""
    match = re.search(
        r"^\s*select\s+(?P<items>.*?)\s+from\s+\w+\s*(where\s.*)?$", query, re.S | re.I
    )
    assert match, f"query is not a single select … from <input>: {query[:200]}"
    fields = []
    for item in split_top_level(match.group("items")):
        parsed = _ITEM.match(item)
        if parsed:
            fields.append((parsed.group("name"), parsed.group("type").lower()))
            continue
        plain = _PLAIN_ITEM.match(item)
        assert plain, f"select item must be `cast(<expr> as <type>) as <name>`: {item}"
        expr = plain.group("expr").strip()
        call = expr.split("(", 1)[0].lower()
        if call in _TYPED_CALLS:
            fields.append((plain.group("name"), _TYPED_CALLS[call]))
            continue
        assert config is not None and re.fullmatch(r"`?\w+`?", expr), (
            f"select item must be a cast, to_date or a source column: {item}"
        )
        source = next(iter(config["source"].values()))["schema"]["fields"]
        fields.append((plain.group("name"), str(source[expr.strip("`")]).lower()))
    return fields


def output_transform(config: ConfigTree) -> ConfigTree:
    """The Sql transform whose output the sink reads."""
    sink_input = next(iter(config["sink"].values()))["source_table_name"]
    transforms = [
        t for t in config["transform"].values() if t.get("result_table_name") == sink_input
    ]
    assert len(transforms) == 1, f"one transform must produce {sink_input!r}"
    return transforms[0]
