"""The renderer: strict variables, safe values, every template renders and parses."""

from __future__ import annotations

import pytest
from seatunnel_helpers import parse, render_sample, sample_variables

from aurum.seatunnel import render as render_module
from aurum.seatunnel.render import (
    TemplateError,
    jdbc_url_from_dsn,
    load_template,
    parse_template,
    render,
    render_template,
    setting_defaults,
    template_names,
)
from aurum.settings import Settings

EXPECTED_TEMPLATES = {
    "caiso_lmp_to_kafka",
    "pjm_lmp_to_kafka",
    "miso_lmp_to_kafka",
    "ercot_lmp_to_kafka",
    "nyiso_lmp_to_kafka",
    "spp_lmp_to_kafka",
    "isone_lmp_to_kafka",
    "ecb_fx_to_kafka",
    "fred_cpi_to_kafka",
    "eia_fuel_to_kafka",
    "iso_lmp_kafka_to_timescale",
}


def test_every_expected_template_exists():
    assert set(template_names()) == EXPECTED_TEMPLATES


def test_every_template_renders_and_parses(template_name):
    text = render_sample(template_name)
    assert "{{" not in text.split("\nenv {", 1)[1]
    config = parse(text)
    assert set(config) == {"env", "source", "transform", "sink"} - (
        {"transform"} if "transform" not in config else set()
    )
    assert config["env"]["job.mode"] in {"BATCH", "STREAMING"}


def test_every_template_documents_its_variables_in_a_leading_comment_block(template_name):
    template = load_template(template_name)
    header = template.text.split("\nenv {", 1)[0]
    assert all(line.startswith("#") or not line.strip() for line in header.splitlines())
    assert template.text.startswith("# ")
    assert template.variables, "a template without variables is not a template"
    for name, description in template.variables.items():
        assert len(description) > 10, f"{template_name}: describe {name}"
    assert template.used == set(template.variables)


def test_missing_variable_is_an_error_naming_it(template_name):
    template = load_template(template_name)
    values = sample_variables(template)
    dropped = sorted(values)[0]
    del values[dropped]
    with pytest.raises(TemplateError, match=rf"missing variable\(s\): {dropped}$"):
        render_template(template, values)


def test_unknown_variable_is_an_error_naming_it(template_name):
    template = load_template(template_name)
    values = sample_variables(template) | {"not_a_variable": "x"}
    with pytest.raises(TemplateError, match=r"unknown variable\(s\): not_a_variable$"):
        render_template(template, values)


def test_unknown_template_is_an_error():
    with pytest.raises(TemplateError, match="unknown template 'nope'"):
        render("nope", {})


@pytest.mark.parametrize(
    "value",
    [
        'evil" } sink { Console {} } x = "',
        "a}b{c",
        "#not a comment",
        "${AURUM_SECRET}",
        "back\\slash",
    ],
)
def test_values_are_escaped_into_one_hocon_string(value):
    config = parse(render_sample("pjm_lmp_to_kafka", pjm_api_key=value, kafka_bootstrap=value))
    assert config["source"]["Http"]["headers"]["Ocp-Apim-Subscription-Key"] == value
    assert config["sink"]["Kafka"]["bootstrap.servers"] == value
    assert list(config["sink"]) == ["Kafka"]


def test_values_inside_a_quoted_string_are_escaped():
    value = 'tok"} x = {\\'
    config = parse(render_sample("ercot_lmp_to_kafka", ercot_id_token=value))
    assert config["source"]["Http"]["headers"]["Authorization"] == f"Bearer {value}"


def test_sql_filter_makes_one_sql_literal():
    config = parse(render_sample("nyiso_lmp_to_kafka", day="2022' or '1'='1"))
    query = config["transform"]["Sql"]["query"]
    assert "'2022'' or ''1''=''1'" in query


@pytest.mark.parametrize("value", ["line\nbreak", "tab\there", "nul\x00"])
def test_control_characters_are_refused(value):
    with pytest.raises(TemplateError, match="'kafka_bootstrap' contains a control character"):
        render_sample("pjm_lmp_to_kafka", kafka_bootstrap=value)


def test_quote_in_triple_quoted_context_is_refused():
    with pytest.raises(TemplateError, match="'day' is used in a triple-quoted string"):
        render_sample("nyiso_lmp_to_kafka", day='2022"""')


def test_int_filter_requires_digits():
    with pytest.raises(TemplateError, match="'batch_size' must be an integer"):
        render_sample("iso_lmp_kafka_to_timescale", batch_size="10; drop")
    config = parse(render_sample("iso_lmp_kafka_to_timescale", batch_size="500"))
    assert config["sink"]["Jdbc"]["batch_size"] == 500


def test_template_consistency_checks():
    with pytest.raises(TemplateError, match="not declared"):
        parse_template("t", "# aurum.var: a  the a value\nx = {{ a }}\ny = {{ b }}\n")
    with pytest.raises(TemplateError, match="declared but never used: b"):
        parse_template("t", "# aurum.var: a  the a value\n# aurum.var: b  unused\nx = {{ a }}\n")
    with pytest.raises(TemplateError, match="unknown filter 'upper'"):
        parse_template("t", "# aurum.var: a  the a value\nx = {{ a | upper }}\n")
    # placeholders in comments are text, not variables
    template = parse_template("t", "# aurum.var: a  the a value\n# see {{ b }}\nx = {{ a }}\n")
    assert template.used == {"a"}


def test_setting_defaults_fill_kafka_and_postgres():
    template = load_template("iso_lmp_kafka_to_timescale")
    settings = Settings(
        kafka_bootstrap="127.0.0.1:59092", pg_dsn="postgresql://aurum@127.0.0.1:55432/aurum"
    )
    assert setting_defaults(template, settings) == {
        "kafka_bootstrap": "127.0.0.1:59092",
        "pg_jdbc_url": "jdbc:postgresql://127.0.0.1:55432/aurum",
    }
    assert jdbc_url_from_dsn("postgres://u:p@db:5432/x?sslmode=disable") == (
        "jdbc:postgresql://db:5432/x"
    )


def test_cli_prints_the_job(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("AURUM_KAFKA_BOOTSTRAP", "127.0.0.1:59092")
    env_file = tmp_path / "job.env"
    env_file.write_text("# comment\nday=20220718\n")
    assert render_module.main(["nyiso_lmp_to_kafka", "--env-file", str(env_file)]) == 0
    config = parse(capsys.readouterr().out)
    assert config["sink"]["Kafka"]["bootstrap.servers"] == "127.0.0.1:59092"
    assert config["source"]["Http"]["url"].endswith("/20220718damlbmp_zone.csv")


def test_cli_reports_missing_and_unknown(capsys, monkeypatch):
    monkeypatch.delenv("AURUM_KAFKA_BOOTSTRAP", raising=False)
    assert render_module.main(["miso_lmp_to_kafka", "--var", "extra=1"]) == 2
    err = capsys.readouterr().err
    assert "missing variable(s): kafka_bootstrap, miso_period" in err
    assert "unknown variable(s): extra" in err


def test_cli_lists_templates(capsys):
    assert render_module.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert "iso_lmp_kafka_to_timescale: kafka_bootstrap, consumer_group" in out
