"""Rendering new YAML through ruamel.yaml's emitter, judged by PyYAML (what LiteLLM reads)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from autofix.render import Format, render_entry, render_flow, render_inline, render_items, render_scalar

# YAML 1.1 words PyYAML resolves to something else than a string, and strings that need quotes
TRICKY = ["yes", "No", "on", "OFF", "y", "n", "~", "null", "true", "0644", "0o17", "0x1F", "0b101", "1_000",
          "12:30", "190:20:30", "1e3", ".inf", ".NaN", "=", "<<", "", " lead", "trail ", "a: b", "a #b", "#x",
          "- a", "[x]", "{x}", "*a", "&a", "!t", "%p", "@x", "`x", "|", ">", "'q'", '"dq"', "it's", "x\ny",
          "tab\tin", "\x01", "é", "2026-12-03", "2026-12-03 07:00:00"]  # fmt: skip
NUMBERS = [0, -5, 2**70, 1.5, -0.0, 1e20, 1e-7, float("inf"), float("-inf"), True, False, None]


@pytest.mark.parametrize("value", TRICKY + NUMBERS, ids=repr)
def test_every_scalar_reads_back_as_itself(value):
    for text in (f"k: {render_scalar(value)}", f"k: [{render_scalar(value, flow=True)}]"):
        got = yaml.safe_load(text)["k"]
        got = got[0] if text.startswith("k: [") else got
        assert type(got) is type(value) and (got == value or value != value), text


@pytest.mark.parametrize("value", ["yes", "on", "0644", "12:30", "with space", "x,y", "é"])
def test_strings_that_need_quotes_get_double_quotes(value):
    assert render_scalar(value) == '"' + value + '"'


@pytest.mark.parametrize(
    "value", ["plain", "os.environ/KEY", "http://127.0.0.1:4000/v1", "ollama/llama3.1:8b"]
)
def test_names_paths_and_urls_stay_plain(value):
    assert render_scalar(value) == value


def test_a_neighbours_quoting_is_kept():
    assert render_scalar("x", quote="'") == "'x'" and render_scalar("it's", quote="'") == "'it''s'"
    assert render_scalar("x", quote='"') == '"x"'
    assert render_scalar("x\ny", quote="'") == '"x\\ny"'  # single quotes cannot hold a line break


def test_styles_and_indentation_follow_the_format():
    value = {"a": [1, 2], "b": [{"x": 1, "y": [{"z": "on"}]}], "c": {}, "d": {"e": None}}
    assert render_entry("k", value, 2, Format(step=4, seq_offset=0)) == [
        "  k:",
        "      a: [1, 2]",
        "      b:",
        "      - x: 1",
        "        y:",
        '        - z: "on"',
        "      c: {}",
        "      d:",
        "          e: null",
    ]
    assert render_entry("k", [{"x": 1}], 0, Format(step=2, seq_offset=2)) == ["k:", "  - x: 1"]
    assert render_items([{"a": 1, "b": 2}, "s", [1, 2]], 4, Format()) == [
        "    - a: 1",
        "      b: 2",
        "    - s",
        "    - [1, 2]",
    ]
    assert render_flow({"a": [{"s": ["b"]}], "b": {}, "c": "x y"}) == '{a: [{s: [b]}], b: {}, c: "x y"}'
    assert (
        render_inline({"a": 1}) is None and render_inline([]) == "[]" and render_inline(["a", 1]) == "[a, 1]"
    )


def test_rendering_the_same_value_again_is_remembered_not_shared():
    first = render_entry("k", {"a": 1}, 0, Format())
    first.append("mutated")
    assert render_entry("k", {"a": 1}, 0, Format()) == ["k:", "  a: 1"]
    assert render_scalar(1) == "1" and render_scalar(True) == "true" and render_scalar(1.0) == "1.0"


def test_start_up_does_not_import_ruamel():
    code = "import sys; from autofix.cli import main; import autofix.runner; print('ruamel' in str(sorted(sys.modules)))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        == "False\n"
    )
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "autofix", "--version"], capture_output=True, text=True
    )
    assert r.returncode == 0 and "ruamel" not in r.stderr
