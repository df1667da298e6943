"""Render SeaTunnel job templates with strict checking.

A publisher's templates live with it, in `src/aurum/sources/<publisher>/seatunnel/`;
jobs that belong to no publisher (the Kafka → Timescale sync) in
`src/aurum/seatunnel/jobs/`. Template names are unique across those folders.

Template syntax: `{{ name }}` with an optional filter, `{{ name | sql }}` or `{{ name | int }}`.
Every template declares its variables in its header comment, one per line:

    # aurum.var: kafka_bootstrap  Kafka bootstrap servers (host:port[,host:port])

A variable may have a default, used when no value is given:

    # aurum.default: topic  aurum.seatunnel.nyiso_mis_zonal_lbmp.v1

Rendering fails, naming the variable, when a declared variable has no value, when a value
is given for a variable the template does not declare, or when a value cannot be rendered
safely. Values are never pasted raw: the renderer knows whether a placeholder stands as a
whole HOCON value, inside a `"…"` string or inside a `\"\"\"…\"\"\"` string, and escapes for
that place:

- bare `{{ x }}`      → a quoted HOCON string (JSON escaping), so `}`/`#`/`,` stay text
- `"…{{ x }}…"`       → the same escaping without the quotes
- `\"\"\"…{{ x }}…\"\"\"` → raw text (HOCON does not unescape there), so `"` is refused
- `| sql`             → a SQL string literal `'…'` with `'` doubled, then escaped as above
- `| int`             → digits only, emitted bare (bare position only)

Control characters (newline, tab, …) are refused in every value. Placeholders inside
comments are not rendered.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aurum.paths import package_dir
from aurum.settings import Settings

# Package data (aurum.paths): the publishers' packages and this package's jobs/.
SOURCES_DIR = package_dir("aurum.sources")
JOBS_DIR = package_dir("aurum.seatunnel") / "jobs"
TEMPLATE_SUFFIX = ".conf.tmpl"


def template_dirs() -> tuple[Path, ...]:
    """Every folder templates are read from: each publisher's `seatunnel/`, then JOBS_DIR."""
    return (*sorted(SOURCES_DIR.glob("*/seatunnel")), JOBS_DIR)


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\s*([a-z]+)\s*)?\}\}")
_VAR_LINE = re.compile(r"^#\s*aurum\.var:\s*([A-Za-z_][A-Za-z0-9_]*)\s+(.*\S)\s*$", re.MULTILINE)
_DEFAULT_LINE = re.compile(
    r"^#\s*aurum\.default:\s*([A-Za-z_][A-Za-z0-9_]*)\s+(.*\S)\s*$", re.MULTILINE
)
_META_LINE = re.compile(r"^#\s*aurum\.([a-z_]+):\s*(.*\S)\s*$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FILTERS = ("sql", "int")

# Variables a caller need not pass: filled from settings when a template declares them
# (AURUM_KAFKA_BOOTSTRAP, AURUM_PG_JDBC_URL else derived from AURUM_PG_DSN, AURUM_PG_USER,
# AURUM_PG_PASSWORD).
SETTING_DEFAULTS = ("kafka_bootstrap", "pg_jdbc_url", "pg_user", "pg_password")


class TemplateError(ValueError):
    """A template that cannot be rendered with the given variables."""


@dataclass(frozen=True)
class Placeholder:
    name: str
    filter: str | None
    context: str  # "bare" | "string" | "triple"
    start: int
    end: int


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    variables: dict[str, str]  # declared name -> description
    meta: dict[str, str]  # other `# aurum.<key>: value` header lines (format, topic …)
    defaults: dict[str, str] = field(default_factory=dict)  # `# aurum.default:` lines

    @property
    def placeholders(self) -> list[Placeholder]:
        return list(_scan(self.text))

    @property
    def used(self) -> set[str]:
        return {p.name for p in self.placeholders}


def _scan(text: str) -> Iterator[Placeholder]:
    """Yield placeholders outside comments, with the HOCON context each stands in."""
    i, n = 0, len(text)
    state = "bare"
    while i < n:
        if text.startswith("{{", i):
            match = _PLACEHOLDER.match(text, i)
            if not match:
                line = text.count("\n", 0, i) + 1
                raise TemplateError(f"line {line}: malformed placeholder {text[i : i + 40]!r}")
            yield Placeholder(match.group(1), match.group(2), state, i, match.end())
            i = match.end()
            continue
        ch = text[i]
        if state == "bare":
            if text.startswith('"""', i):
                state, i = "triple", i + 3
                continue
            if ch == '"':
                state = "string"
            elif ch == "#" or text.startswith("//", i):
                newline = text.find("\n", i)
                i = n if newline < 0 else newline
                continue
        elif state == "string":
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                state = "bare"
        elif state == "triple" and text.startswith('"""', i):
            # HOCON: a run of more than three quotes closes with the last three.
            while text.startswith('""""', i):
                i += 1
            state, i = "bare", i + 3
            continue
        i += 1


def parse_template(name: str, text: str) -> Template:
    variables = {m.group(1): m.group(2) for m in _VAR_LINE.finditer(text)}
    meta = {
        m.group(1): m.group(2)
        for m in _META_LINE.finditer(text)
        if m.group(1) not in ("var", "default")
    }
    defaults = {m.group(1): m.group(2) for m in _DEFAULT_LINE.finditer(text)}
    undeclared = sorted(set(defaults) - set(variables))
    if undeclared:
        raise TemplateError(f"{name}: default for undeclared variable(s): {', '.join(undeclared)}")
    template = Template(name=name, text=text, variables=variables, meta=meta, defaults=defaults)
    for placeholder in template.placeholders:
        if placeholder.filter is not None and placeholder.filter not in _FILTERS:
            raise TemplateError(f"{name}: unknown filter {placeholder.filter!r}")
        if placeholder.name not in variables:
            raise TemplateError(
                f"{name}: placeholder {{{{ {placeholder.name} }}}} is not declared "
                "in the header (# aurum.var: …)"
            )
    unused = sorted(set(variables) - template.used)
    if unused:
        raise TemplateError(f"{name}: declared but never used: {', '.join(unused)}")
    return template


def _template_files(directory: Path | None = None) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in (directory,) if directory else template_dirs():
        for path in folder.glob(f"*{TEMPLATE_SUFFIX}"):
            name = path.name.removesuffix(TEMPLATE_SUFFIX)
            if name in found:
                raise TemplateError(f"template {name!r} exists in {found[name]} and {path}")
            found[name] = path
    return found


def template_path(template_name: str, directory: Path | None = None) -> Path:
    base = template_name.removesuffix(TEMPLATE_SUFFIX).removesuffix(".conf")
    files = _template_files(directory)
    if base not in files:
        known = ", ".join(sorted(files)) or "none"
        raise TemplateError(f"unknown template {template_name!r} (known: {known})")
    return files[base]


def template_names(directory: Path | None = None) -> list[str]:
    return sorted(_template_files(directory))


def load_template(template_name: str, directory: Path | None = None) -> Template:
    path = template_path(template_name, directory)
    return parse_template(path.name.removesuffix(TEMPLATE_SUFFIX), path.read_text())


def _render_value(template: str, p: Placeholder, raw: object) -> str:
    value = str(raw)
    if _CONTROL.search(value):
        raise TemplateError(
            f"{template}: variable {p.name!r} contains a control character (newline, tab …)"
        )
    if p.filter == "int":
        if p.context != "bare":
            raise TemplateError(f"{template}: {{{{ {p.name} | int }}}} must stand as a whole value")
        if not re.fullmatch(r"-?\d+", value):
            raise TemplateError(
                f"{template}: variable {p.name!r} must be an integer, got {value!r}"
            )
        return value
    if p.filter == "sql":
        value = "'" + value.replace("'", "''") + "'"
    if p.context == "bare":
        return json.dumps(value, ensure_ascii=False)
    if p.context == "string":
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if '"' in value or "\\" in value:  # triple-quoted HOCON text is raw: no way to escape
        raise TemplateError(
            f"{template}: variable {p.name!r} is used in a triple-quoted string "
            "and may not contain '\"' or '\\'"
        )
    return value


def render_template(template: Template, variables: Mapping[str, object]) -> str:
    variables = {**template.defaults, **variables}
    declared = set(template.variables)
    missing = sorted(declared - set(variables))
    unknown = sorted(set(variables) - declared)
    problems = []
    if missing:
        problems.append(f"missing variable(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown variable(s): {', '.join(unknown)}")
    if problems:
        raise TemplateError(f"{template.name}: " + "; ".join(problems))
    out, last = [], 0
    for p in template.placeholders:
        out.append(template.text[last : p.start])
        out.append(_render_value(template.name, p, variables[p.name]))
        last = p.end
    out.append(template.text[last:])
    return "".join(out)


def render(template_name: str, variables: Mapping[str, object]) -> str:
    """Render the template named `template_name`; strict (see module doc)."""
    return render_template(load_template(template_name), variables)


def setting_defaults(template: Template, settings: Settings) -> dict[str, str]:
    """Values from settings for the declared variables of SETTING_DEFAULTS.

    Only settings given explicitly (by their variable) count, not the built-in defaults:
    a job may run on another host than this one, where 127.0.0.1 would be wrong, so a
    template still reports kafka_bootstrap missing until someone says where Kafka is."""
    given = settings.model_fields_set
    password = settings.pg_password.get_secret_value() if settings.pg_password else None
    jdbc = settings.pg_jdbc_url
    if jdbc is None and "pg_dsn" in given:
        jdbc = jdbc_url_from_dsn(settings.pg_dsn)
    available = {
        "kafka_bootstrap": settings.kafka_bootstrap if "kafka_bootstrap" in given else None,
        "pg_jdbc_url": jdbc,
        "pg_user": settings.pg_user,
        "pg_password": password,
    }
    return {
        name: value
        for name, value in available.items()
        if name in template.variables and value is not None
    }


def jdbc_url_from_dsn(dsn: str) -> str:
    """`postgresql://user@host:port/db` → `jdbc:postgresql://host:port/db` (user goes separately)."""
    match = re.fullmatch(r"postgres(?:ql)?://(?:[^@/]*@)?([^/?]+)(/[^?]*)?(\?.*)?", dsn)
    if not match:
        raise TemplateError(f"cannot derive a JDBC URL from DSN {dsn!r}")
    return f"jdbc:postgresql://{match.group(1)}{match.group(2) or '/'}"


def _read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            raise TemplateError(f"{path}:{number}: expected key=value")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m aurum.seatunnel.render",
        description="Render a SeaTunnel job template (a publisher's or a shared one) to stdout.",
    )
    parser.add_argument("template", nargs="?", help="template name, e.g. pjm_lmp_to_kafka")
    parser.add_argument("--var", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--env-file", type=Path, help="KEY=VALUE lines; template variables (lower case keys)"
    )
    parser.add_argument("--list", action="store_true", help="list templates and their variables")
    args = parser.parse_args(argv)
    try:
        if args.list or not args.template:
            for name in template_names():
                template = load_template(name)
                print(f"{name}: {', '.join(template.variables)}")
            return 0
        template = load_template(args.template)
        values: dict[str, str] = setting_defaults(template, Settings())
        if args.env_file:
            values |= _read_env_file(args.env_file)
        for item in args.var:
            key, sep, value = item.partition("=")
            if not sep:
                raise TemplateError(f"--var {item!r}: expected KEY=VALUE")
            values[key] = value
        sys.stdout.write(render_template(template, values))
    except TemplateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
