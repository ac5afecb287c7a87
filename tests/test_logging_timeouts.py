"""G5 logging and G6 timeouts: name and address classification, findings, unsafe parts, batching.

The fixture pairs (fixtures/g05_logging, fixtures/g06_timeouts) pin the edits byte for byte; these
tests pin what the fixtures cannot: the sets of valid callback names, the local/remote split, the
wording that carries a measurement, and that G6 does not commit once per deployment.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from checks import assert_good_fix

from autofix import registry
from autofix.litellm_data import names
from autofix.loader import safe_load
from autofix.runner import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
G5 = registry.find("G5")
G6 = registry.find("G6")
g06 = G6.module


def fix(text: str, m, *, unsafe: bool = False):
    return run(text.encode(), [m], unsafe=unsafe)


def messages(result, kind: str | None = None) -> list[str]:
    return [f.message for f in result.findings if kind is None or f.kind == kind]


def test_metadata():
    assert (G5.id, G5.slug, G5.priority, G5.safety) == ("G5", "logging", "p1", "mixed")
    assert (G6.id, G6.slug, G6.priority, G6.safety) == ("G6", "timeouts", "p1", "safe")
    for m in (G5, G6):
        assert m in registry.select()  # p1 runs by default


# --- G5 ------------------------------------------------------------------------------------------------


def test_valid_callback_names_come_from_the_data_file():
    assert {"prometheus", "otel", "langfuse", "generic_api"} <= names("known_custom_logger_callbacks")
    assert {"presidio", "hide_secrets"} <= names("callback_special_hooks")
    assert "webhook" not in names("known_custom_logger_callbacks") | names("callback_special_hooks")


@pytest.mark.parametrize(
    "name",
    [
        "prometheus",  # custom-logger name
        "presidio",  # proxy hook
        "sumologic",  # generic-API name
        "custom_callbacks.proxy_handler_instance",  # Python path
        "s3://bucket/path/module.instance",
        "my_sink",  # defined in callback_settings
    ],
)
def test_loadable_callbacks_are_kept(name):
    text = (
        f"litellm_settings:\n  json_logs: true\n  callbacks: [{name}]\n"
        "callback_settings:\n  my_sink:\n    callback_type: generic_api\n    endpoint: https://x\n    headers: {}\n"
    )
    assert not fix(text, G5).changes


@pytest.mark.parametrize("name", ["webhook", "file", "my-logger"])
def test_bare_unknown_callbacks_are_removed(name):
    result = fix(f"litellm_settings:\n  json_logs: true\n  callbacks: [prometheus, {name}]\n", G5)
    assert result.new_bytes == b"litellm_settings:\n  json_logs: true\n  callbacks: [prometheus]\n"
    assert any("Empty module name" in m for m in messages(result))


@pytest.mark.parametrize(("name", "meant"), [("Langfuse", "langfuse"), ("Prometheus", "prometheus")])
def test_a_misspelled_callback_is_left_to_x6_which_renames_it(name, meant):
    text = f"litellm_settings:\n  json_logs: true\n  callbacks: [datadog, {name}]\n"
    assert not fix(text, G5).changes  # never deleted: X6 renames it (issue 13)
    result = run(text.encode(), [registry.find("X6"), G5], unsafe=True)
    assert (
        result.new_bytes
        == f"litellm_settings:\n  json_logs: true\n  callbacks: [datadog, {meant}]\n".encode()
    )


def test_a_typo_gets_a_suggestion():
    result = fix("litellm_settings:\n  json_logs: true\n  success_callback: [Prometheus]\n", G5)
    assert any("did you mean 'prometheus'?" in m for m in messages(result))


def test_unknown_event_callbacks_are_reported_not_removed():
    text = "litellm_settings:\n  json_logs: true\n  success_callback: [langfuse, file, presidio]\n"
    result = fix(text, G5)
    assert not result.changes
    found = messages(result)
    assert any("'file'" in m and "drops it without a message" in m for m in found)
    assert any("'presidio'" in m and "proxy hook" in m for m in found)
    assert not any("'langfuse'" in m for m in found)


def test_set_verbose_true_is_an_unsafe_fix():
    text = "litellm_settings:\n  json_logs: true\n  set_verbose: true\n"
    safe = fix(text, G5)
    assert not safe.changes and safe.hidden_unsafe["G5"]
    (hidden,) = [f for f in safe.findings if f.kind == "unsafe"]
    assert "LITELLM_LOG=DEBUG" in hidden.manual and "--detailed_debug" in hidden.manual
    unsafe = fix(text, G5, unsafe=True)
    assert unsafe.new_bytes == b"litellm_settings:\n  json_logs: true\n"


def test_explicit_json_logs_false_is_kept_and_reported():
    result = fix("litellm_settings:\n  json_logs: false\n", G5)
    assert not result.changes
    assert result.findings[0].manual.startswith("set litellm_settings.json_logs: true")


def test_webhook_report_names_the_working_form():
    result = fix("litellm_settings:\n  json_logs: true\n  success_callback: [webhook]\n", G5)
    assert not result.changes
    (found,) = result.findings
    assert "callback_type: generic_api" in found.manual and "headers" in found.manual
    assert "failure_callback" in found.manual  # success only: say how to get errors too


def test_nested_callback_settings_moves_without_clobbering():
    both = (
        "litellm_settings:\n  json_logs: true\n  callback_settings:\n    otel: {message_logging: false}\n"
        "callback_settings:\n  otel: {message_logging: true}\n"
    )
    result = fix(both, G5)
    assert not result.changes and result.findings[0].kind == "warning"


# --- G6: local or remote ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, local",
    [
        ("http://localhost:11434", True),
        ("http://LOCALHOST:8000/v1", True),
        ("localhost:8000", True),  # no scheme
        ("http://127.0.0.1:8080", True),
        ("http://127.0.0.2:8080/v1", True),
        ("http://0.0.0.0:4000", True),
        ("http://10.0.0.5:8001/v1", True),
        ("http://172.16.3.4", True),
        ("http://172.32.0.1", False),  # outside 172.16/12
        ("http://192.168.1.20:11434", True),
        ("http://[::1]:8080", True),
        ("http://[fd12:3456::1]:8000", True),  # fc00::/7
        ("http://[::ffff:127.0.0.1]:80", True),
        ("http://gpu.local:8000", True),
        ("http://app.localhost", True),
        ("https://api.openai.com/v1", False),
        ("https://ollama.com", False),
        ("http://8.8.8.8", False),
        ("http://100.64.0.1", False),  # shared address space: not listed as local
        ("http://ollama:11434", False),  # a compose service name cannot be resolved here
        ("http://[not-an-ip", False),
        ("", False),
    ],
)
def test_is_local_url(url, local):
    assert g06.is_local_url(url) is local


@pytest.mark.parametrize(
    "params, kind",
    [
        ({"model": "ollama/llama3.1"}, "local"),
        ({"model": "ollama_chat/qwen3"}, "local"),
        ({"model": "llamafile/mistral"}, "local"),
        ({"model": "hosted_vllm/qwen"}, "remote"),  # no default server: api_base or env only
        ({"model": "lm_studio/qwen"}, "remote"),
        ({"model": "openai/gpt-4o"}, "remote"),
        ({"model": "llama3", "custom_llm_provider": "ollama"}, "local"),
        ({"model": "ollama/llama3.1", "api_base": "https://ollama.com"}, "remote"),
        ({"model": "openai/x", "base_url": "http://127.0.0.1:8080/v1"}, "local"),
        ({"model": "azure/gpt-4o", "api_base": "os.environ/AZURE_API_BASE"}, None),
        ({"model": "ollama/llama3", "api_base": None}, "local"),
    ],
)
def test_locality(params, kind):
    assert g06.locality({"model_name": "m", "litellm_params": params}) == kind


def test_environment_api_base_is_reported_and_skipped():
    text = (
        "model_list:\n  - model_name: azure\n    litellm_params:\n      model: azure/gpt-4o\n"
        "      api_base: os.environ/AZURE_API_BASE\n"
    )
    result = fix(text, G6)
    assert not result.changes
    assert "[0] azure" in result.findings[0].message and "os.environ" in result.findings[0].message


def test_many_deployments_are_one_batch(commits):
    lines = ["model_list:"]
    for i in range(300):
        lines += [f"  - model_name: m{i}", "    litellm_params:", f"      model: ollama/m{i}"]
    result = fix("\n".join(lines) + "\n", G6)
    assert len(result.changes) == 300
    assert sum(commits) <= 3  # not one per deployment
    assert (
        len([f for f in result.findings if "health_check_timeout" in f.message]) == 1
    )  # once, not per deployment


# --- G6: timeouts --------------------------------------------------------------------------------------


def test_request_timeout_beats_router_timeout_in_the_report():
    result = fix("litellm_settings:\n  request_timeout: 60\nrouter_settings:\n  timeout: 30\n", G6)
    assert not result.changes
    (found,) = result.findings
    assert (
        "when both are set, litellm_settings.request_timeout is the effective per-call timeout"
        in found.message
    )
    assert "router_settings.timeout only applies when request_timeout is unset" in found.message
    assert found.manual.startswith("if 30 s is the per-call timeout you meant")


def test_equal_request_and_router_timeouts_are_not_reported():
    assert not fix("litellm_settings:\n  request_timeout: 30\nrouter_settings:\n  timeout: 30\n", G6).findings


def test_old_timeout_value_is_carried_into_the_report():
    result = fix("litellm_settings:\n  timeout: 300\n  drop_params: true\n", G6)
    assert result.new_bytes == b"litellm_settings:\n  drop_params: true\n"
    (found,) = result.findings
    assert "300" in found.message and "600 s (the default)" in found.message
    assert found.manual == "for a per-call timeout of 300 s, set litellm_settings.request_timeout: 300"


@pytest.mark.parametrize(
    "settings, written, kind",
    [
        ("  stream_timeout: 45\n", b"router_settings:\n  stream_timeout: 45\n", "info"),
        ("  stream_timeout: 0\n", b"router_settings:\n  stream_timeout: 120\n", "warning"),  # 600 s before
        (
            "  stream_timeout: 0\n  request_timeout: 60\n",
            b"router_settings:\n  stream_timeout: 120\n",
            "info",
        ),
        ('  stream_timeout: "45"\n', b"router_settings:\n  stream_timeout: 45\n", "info"),
    ],
)
def test_stream_timeout_moves_to_router_settings(settings, written, kind):
    result = fix("litellm_settings:\n" + settings + "  drop_params: true\n", G6)
    assert result.new_bytes.endswith(written)
    assert (
        b"litellm_settings:\n" in result.new_bytes
        and b"  stream_timeout" not in result.new_bytes.split(b"router")[0]
    )
    stream = [f for f in result.findings if "stream_timeout" in f.message]
    assert stream and stream[0].kind == kind


def test_stream_timeout_that_is_not_a_number_stays():
    text = "litellm_settings:\n  stream_timeout: os.environ/STREAM_TIMEOUT\n"
    result = fix(text, G6)
    assert not result.changes and result.findings[0].kind == "warning"


# --- both, with the other fixes ------------------------------------------------------------------------


CROSS = [
    # model_list last: G5's new litellm_settings and G6's model_info share an insertion point
    "model_list:\n  - model_name: a\n    litellm_params:\n      model: ollama/llama3\n",
    # litellm_settings last: G2's new general_settings and G5's json_logs share one
    "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/gpt-4o\nlitellm_settings:\n  drop_params: true\n",
    "litellm_settings:\n  set_verbose: false\n  stream_timeout: 0\n  timeout: 30\n",
]


@pytest.mark.parametrize("text", CROSS, ids=range(len(CROSS)))
@pytest.mark.parametrize("selection", [["p1"], ["G5,G6"], None])
def test_with_the_other_fixes(text, selection):
    result = assert_good_fix(text.encode(), registry.select(selection))
    assert {"G5", "G6"} <= set(result.applied)


@pytest.mark.parametrize(
    "before",
    sorted((FIXTURES / "g05_logging").glob("*.before.yaml"))
    + sorted((FIXTURES / "g06_timeouts").glob("*.before.yaml")),
    ids=lambda p: f"{p.parent.name}/{p.name.removesuffix('.before.yaml')}",
)
def test_fixture_inputs_with_every_fix(before):
    assert_good_fix(before.read_bytes(), registry.select(["p0,p1,p2"]), unsafe=True)


@pytest.mark.parametrize(
    "block",
    [
        "  callback_settings:\n    otel:\n      message_logging: false\n",
        "  callback_settings:\n    otel:\n      message_logging: false\n  # the next key\n  drop_params: true\n",
        "  callback_settings:  # nested by mistake\n    otel:\n      message_logging: false\n",
        "  callback_settings:\n    otel:\n      message_logging: false  # no prompts\n",
        "  callback_settings:\n    otel:\n    # why\n      message_logging: false\n",
        "  callback_settings:\n    otel:\n# why\n      message_logging: false\n",
        "  # the sinks\n  callback_settings:\n    otel:\n      message_logging: false\n  drop_params: true\n",
        "  callback_settings:\n    # *the* sink & its options\n    otel: {message_logging: false}\n",
    ],
)
def test_nested_callback_settings_moves_with_its_comments(block):
    """Issue 10 item 11: the block moves to the top level and takes its comments along (it used to be
    left nested, with a warning, whenever it held a comment)."""
    before = "litellm_settings:\n  json_logs: true\n" + block
    result = assert_good_fix(before.encode(), [G5])
    new = result.new_bytes.decode()
    assert safe_load(new)["callback_settings"] == {"otel": {"message_logging": False}}
    assert "callback_settings" not in safe_load(new)["litellm_settings"]
    comments = [line.split("#", 1)[1] for line in block.splitlines() if "#" in line]
    for comment in comments:
        assert comment in new, new
    lines = new.splitlines()
    moved = "\n".join(
        lines[next(i for i, line in enumerate(lines) if i and line[:1] not in " ") :]
    )  # top level
    for comment in comments:
        if comment != " the next key":
            assert comment in moved, new  # it went along with the block
    assert [f.message.split(" from ")[0] for f in result.findings] == ["moved callback_settings"]
