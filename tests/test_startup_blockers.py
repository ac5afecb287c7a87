"""A problem autofix knows stops the proxy from starting is never left with exit 0 (issue 10, item 6).

`callbacks: ["webhook"]` whose callback_settings entry only has a url: the proxy exits at startup
(`ValueError: Empty module name`, proven live in tests/integration/test_live_g5_webhook_sink.py).
Completing the sink is an unsafe fix; while it is hidden, --check/--dry-run/apply exit 1 and say why.
"""

from __future__ import annotations

import itertools
import json

import pytest
import yaml
from run_autofix import autofix

from autofix import registry
from autofix.litellm_data import names
from autofix.runner import run
from autofix.secrets import mask_line

G5 = registry.find("G5")
WEBHOOK = (
    'litellm_settings:\n  json_logs: true\n  callbacks: ["webhook"]\n'
    "  callback_settings:\n    webhook: {url: https://hooks.example.internal/litellm}\n"
)
CLEAN = "litellm_settings:\n  json_logs: true\n  callbacks: [prometheus]\n"


@pytest.fixture
def webhook(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(WEBHOOK)
    return path


def test_the_hidden_completion_blocks_startup():
    result = run(WEBHOOK.encode(), [G5])
    (hidden,) = [f for f in result.findings if f.kind == "unsafe"]
    assert hidden.blocks_startup
    assert "generic_api" in hidden.message and "url → endpoint" in hidden.message
    assert result.hidden_unsafe["G5"]
    done = run(WEBHOOK.encode(), [G5], unsafe=True)
    assert not any(f.blocks_startup for f in done.findings)


@pytest.mark.parametrize("mode", [["--check"], ["--dry-run"], ["apply"]])
def test_check_dry_run_and_apply_exit_1_while_it_remains(webhook, mode):
    # after the move of callback_settings is applied, --check has no safe fix left to count as pending
    autofix("apply", "--only", "G5", webhook)
    result = autofix(*mode, "--only", "G5", webhook)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "the proxy does not start" in result.stdout
    assert "1 file the proxy will not start with" in result.stdout


def test_with_unsafe_fixes_it_exits_0(webhook):
    assert autofix("apply", "--only", "G5", "--unsafe-fixes", webhook).returncode == 0
    assert autofix("--check", "--only", "G5", "--unsafe-fixes", webhook).returncode == 0


def test_a_clean_config_still_exits_0(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(CLEAN)
    assert autofix("--check", "--only", "G5", path).returncode == 0


def test_json_and_sarif_mark_it(webhook):
    autofix("apply", "--only", "G5", webhook)
    data = json.loads(autofix("--check", "--only", "G5", "--format", "json", webhook).stdout)
    assert data["summary"]["files_not_starting"] == 1
    (finding,) = [f for f in data["files"][0]["findings"] if f["blocks_startup"]]
    assert finding["kind"] == "unsafe"
    sarif = json.loads(autofix("--check", "--only", "G5", "--format", "sarif", webhook).stdout)
    assert "error" in {r["level"] for r in sarif["runs"][0]["results"]}


def test_the_manual_step_reads_as_written():
    result = run(WEBHOOK.encode(), [G5])
    (hidden,) = [f for f in result.findings if f.kind == "unsafe"]
    shown = mask_line(hidden.manual)
    assert "headers: {...}}}" in shown and "****" not in shown
    assert "callback_type: generic_api" in shown


@pytest.mark.parametrize(
    "line, masked",
    [
        ("x: {headers: {Authorization: Bearer sk-live-1234}}", "x: {headers: {Authorization: ****}}"),
        ("x: {password: hunter2, user: bob}", "x: {password: ****, user: bob}"),
        (
            "x: {headers: {X-Api-Key: abc}, endpoint: https://h}",
            "x: {headers: {X-Api-Key: ****}, endpoint: https://h}",
        ),
        ("x: {api_key: os.environ/K}", "x: {api_key: os.environ/K}"),
    ],
)
def test_flow_pairs_mask_whole_values_and_keep_the_structure(line, masked):
    assert mask_line(line) == masked


@pytest.mark.parametrize(
    "text, blocks",
    [
        ("general_settings:\n  master_key: sk-1234\n", True),  # X4: a publicly known key
        ("general_settings:\n  master_key: 1234\n", True),  # X4: not a string
        ("environment_variables:\n  LITELLM_MASTER_KEY: ''\n", True),
        ("litellm_settings:\n  cache: true\n  cache_params: {type: disk}\n", True),  # G4: unsupported type
        ("litellm_settings:\n  cache: true\n  cache_params: {type: redis, host: h, hots: x}\n", True),
        ("litellm_settings:\n  cache: 'true'\n  cache_params: {type: disk}\n", False),  # no cache is built
        ("litellm_settings:\n  callbacks:\n", True),  # G5: null callbacks are imported
        ("general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n", False),
    ],
)
def test_known_startup_failures_are_marked(text, blocks):
    result = run(text.encode(), registry.select(["G4,G5,X4"]))
    assert any(f.blocks_startup for f in result.findings) is blocks, [f.message for f in result.findings]


# ---- the class, not only the example: every shape of a half-done sink named by a callback list ----------

LOADABLE = (
    names("known_custom_logger_callbacks")
    | names("callback_special_hooks")
    | names("generic_api_compatible_callbacks")
)


def _entry(url_key, headers, callback_type):
    entry = {}
    if callback_type:
        entry["callback_type"] = callback_type
    if url_key:
        entry[url_key] = "https://hooks.example.internal/in"
    if headers:
        entry["headers"] = {"X-Team": "ml"}
    return entry or {"event_types": ["llm_api_success"]}


def _render(where, style, name, entry, listed_in):
    import json as _json

    flow = _json.dumps(entry).replace('"', "")
    if style == "flow":
        body = f"{name}: {flow}"
    else:
        body = f"{name}:\n" + "".join(
            f"  {k}: {_json.dumps(v).replace(chr(34), '') if isinstance(v, dict | list) else v}\n"
            for k, v in entry.items()
        )
    settings = f"litellm_settings:\n  json_logs: true\n  {listed_in}: [{name}]\n"
    if where == "nested":
        return settings + "  callback_settings:\n" + "".join(f"    {line}\n" for line in body.splitlines())
    return settings + "callback_settings:\n" + "".join(f"  {line}\n" for line in body.splitlines())


def _unloadable(data):
    top = data.get("callback_settings") or {}
    listed = (data.get("litellm_settings") or {}).get("callbacks") or []
    return [
        n
        for n in listed
        if isinstance(n, str)
        and "." not in n
        and n not in LOADABLE
        and not (
            isinstance(top.get(n), dict)
            and top[n].get("callback_type") == "generic_api"
            and top[n].get("endpoint") is not None
            and top[n].get("headers") is not None
        )
    ]


SHAPES = list(
    itertools.product(
        ("nested", "top"),
        ("block", "flow"),
        ("webhook", "my_sink"),
        ("url", "webhook_url", "endpoint", None),
        (False, True),  # headers
        (None, "generic_api", "webhook"),  # callback_type
        ("callbacks", "success_callback"),
    )
)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "-".join(str(p) for p in s))
def test_no_sink_shape_leaves_an_unloadable_callback_with_exit_0(shape):
    where, style, name, url_key, headers, callback_type, listed_in = shape
    entry = _entry(url_key, headers, callback_type)
    text = _render(where, style, name, entry, listed_in)
    assert yaml.safe_load(text)  # the generator writes valid YAML
    completable = url_key is not None and callback_type in (None, "generic_api")
    safe = run(text.encode(), [G5])
    left = _unloadable(yaml.safe_load(safe.new_bytes))
    blocking = [f for f in safe.findings if f.blocks_startup]
    # safe run: either the proxy starts, or a finding says it does not (so --check exits 1)
    assert not left or blocking, (text, left)
    complete = url_key == "endpoint" and headers and callback_type == "generic_api"
    # kept, pending the unsafe completion, only where the config holds the URL; otherwise removed
    assert bool(left) is (completable and listed_in == "callbacks" and not complete)
    unsafe = run(text.encode(), [G5], unsafe=True)
    data = yaml.safe_load(unsafe.new_bytes)
    assert not _unloadable(data), (text, unsafe.new_bytes.decode())
    assert not [f for f in unsafe.findings if f.blocks_startup]
    if completable:  # the sink the config meant is complete and still listed
        sink = data["callback_settings"][name]
        assert sink["callback_type"] == "generic_api" and sink["endpoint"] and sink["headers"] is not None
        assert name in data["litellm_settings"][listed_in]


@pytest.mark.parametrize("shape", SHAPES[::17], ids=lambda s: "-".join(str(p) for p in s))
@pytest.mark.parametrize("selection, unsafe", [(None, False), (["p0,p1,p2"], True)])
def test_sink_shapes_with_every_fix(shape, selection, unsafe):
    from checks import assert_good_fix

    where, style, name, url_key, headers, callback_type, listed_in = shape
    text = _render(where, style, name, _entry(url_key, headers, callback_type), listed_in)
    result = assert_good_fix(text.encode(), registry.select(selection), unsafe=unsafe)
    left = _unloadable(yaml.safe_load(result.new_bytes))
    assert not left or any(f.blocks_startup for f in result.findings)
    if unsafe:
        assert not left
