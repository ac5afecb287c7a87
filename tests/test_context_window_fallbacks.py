"""G7 context-window fallbacks: the window lookup, the derivation order, and the repairs.

The expected windows were checked against litellm 1.110.2 itself (`litellm.get_model_info` and
`Router.get_router_model_info`, offline map): `ollama/llama3.1:latest` is not mapped (LiteLLM asks the
Ollama server), `ollama_chat/*` is never mapped, `openai/gpt-4o` is found as `gpt-4o`, while
`azure/gpt-4` and `openrouter/gpt-3.5-turbo` are not found (the bare entry belongs to another provider).
"""

from __future__ import annotations

import importlib

import pytest
import yaml

from autofix import litellm_data, registry
from autofix.document import Document
from autofix.runner import run

G7 = registry.find("G7")
W = importlib.import_module("autofix.migrations._context_windows")  # the window lookup G7 uses
L = importlib.import_module("autofix.migrations._fallback_lists")  # reading and merging the lists


def fixed(text: str):
    result = run(text.encode(), [G7])
    return result, yaml.safe_load(result.new_bytes)


def messages(result) -> str:
    return "\n".join(f.message for f in result.findings)


def test_metadata():
    assert (G7.id, G7.slug, G7.priority, G7.safety) == ("G7", "context-window-fallbacks", "p1", "safe")
    assert G7 in registry.select()
    assert "## Fix safety" in G7.doc and "## Example" in G7.doc


# ---- window lookup -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "key"),
    [
        ("ollama/llama3.1", "ollama/llama3.1"),
        ("ollama/LLAMA3.1", "ollama/llama3.1"),  # LiteLLM's lookup ignores case
        ("ollama_chat/llama3.1", "ollama/llama3.1"),  # the map has no ollama_chat/ keys: use ollama/<name>
        ("ollama_chat/deepseek-v3.1:671b-cloud", "ollama/deepseek-v3.1:671b-cloud"),
        ("ollama/llama3.1:latest", None),  # LiteLLM does not drop the tag
        ("ollama_chat/qwen2.5-coder:7b", None),  # no qwen2.5-coder entry at all
        ("gpt-4o", "gpt-4o"),
        ("openai/gpt-4o", "gpt-4o"),
        ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("azure/gpt-4o", "azure/gpt-4o"),
        ("azure/gpt-4", None),  # an azure deployment name is not looked up without its prefix
        ("openrouter/gpt-3.5-turbo", None),
        ("hosted_vllm/Qwen/Qwen2.5-Coder-7B-Instruct-AWQ", None),
        ("openai/mythomax-l2-13b-q5_k_m", None),
        ("", None),
    ],
)
def test_map_key(model, key):
    provider = model.partition("/")[0] if "/" in model else ""
    assert W.map_key(model, provider) == key


def test_snapshot_windows_used():
    assert litellm_data.context_window("ollama/llama3.1") == 8192
    assert litellm_data.context_window("ollama/deepseek-v3.1:671b-cloud") == 163840


def windows(model_list: str) -> dict[str, tuple]:
    doc = Document("model_list:\n" + model_list)
    groups = W.scan(doc).groups
    return {name: (g.window, [d.source for d in g.deployments]) for name, g in groups.items()}


def test_window_sources_in_order():
    found = windows(
        """
  - model_name: declared
    litellm_params: {model: ollama_chat/llama3.1, num_ctx: 4096}
    model_info: {max_input_tokens: 1000}
  - model_name: num-ctx
    litellm_params: {model: ollama_chat/llama3.1, num_ctx: 4096}
  - model_name: num-ctx-generate
    litellm_params: {model: ollama/llama3.1, num_ctx: 2048}
  - model_name: map
    litellm_params: {model: ollama_chat/llama3.1}
  - model_name: custom-provider
    litellm_params: {model: llama3.1, custom_llm_provider: ollama}
  - model_name: azure-base
    litellm_params: {model: azure/my-deployment, base_model: azure/gpt-4o}
  - model_name: unknown
    litellm_params: {model: ollama/llama3.1:latest}
"""
    )
    assert found == {
        "declared": (1000, ["model_info"]),
        "num-ctx": (4096, ["num_ctx"]),
        "num-ctx-generate": (2048, ["num_ctx"]),
        "map": (8192, ["map"]),
        "custom-provider": (8192, ["map"]),
        "azure-base": (128000, ["map"]),
        "unknown": (None, [""]),
    }


@pytest.mark.parametrize(
    ("value", "window", "converted"),
    [
        (8192, 8192, False),
        ('"8192"', 8192, True),
        ('"8192.0"', 8192, True),
        ("8192.0", 8192, True),
        ('"8k"', None, False),
        ('"128,000"', None, False),
        ("8192.5", None, False),
        ("true", None, False),
        ("0", None, False),
        ("-5", None, False),
    ],
)
def test_max_input_tokens_read_safely(value, window, converted):
    doc = Document(
        f"model_list:\n  - model_name: g\n    litellm_params: {{model: x}}\n    model_info: {{max_input_tokens: {value}}}\n"
    )
    result = W.scan(doc)
    assert result.groups["g"].window == window
    assert bool(result.converted) is converted
    assert bool(result.broken) is (window is None)


def test_group_window_is_the_smallest_deployment_and_unknown_if_any_is():
    found = windows(
        """
  - model_name: g
    litellm_params: {model: x}
    model_info: {max_input_tokens: 32768}
  - model_name: g
    litellm_params: {model: y}
    model_info: {max_input_tokens: 8192}
  - model_name: h
    litellm_params: {model: ollama_chat/llama3.1}
  - model_name: h
    litellm_params: {model: ollama_chat/unknown-model}
"""
    )
    assert found["g"][0] == 8192
    assert found["h"][0] is None


@pytest.mark.parametrize(
    ("api_base", "local"),
    [
        (None, True),
        ("http://127.0.0.1:11434", True),
        ("http://localhost:11434", True),
        ("http://192.168.1.20:11434", True),
        ("http://ollama.local:11434", True),
        ("https://ollama.com", False),
        ("os.environ/OLLAMA_BASE", False),
    ],
)
def test_local_ollama(api_base, local):
    assert W._local(api_base) is local


# ---- derivation ----------------------------------------------------------------------------------


def config(*groups, router="router_settings:\n  num_retries: 2\n"):
    lines = ["model_list:"]
    for name, window, *rest in groups:
        lines += [
            f"  - model_name: {name}",
            "    litellm_params:",
            f"      model: {rest[0] if rest else 'x/' + name}",
        ]
        info = [f"max_input_tokens: {window}"] if window else []
        if len(rest) > 1:
            info.append(f"mode: {rest[1]}")
        if info:
            lines += ["    model_info:"] + [f"      {i}" for i in info]
    return "\n".join(lines) + "\n" + router


def test_derivation_order_by_window_then_name():
    result, data = fixed(
        config(("zeta", 8192), ("alpha", 128000), ("beta", 8192), ("gamma", 32768), ("delta", 128000))
    )
    assert data["router_settings"]["context_window_fallbacks"] == [
        {"beta": ["gamma", "alpha", "delta"]},
        {"zeta": ["gamma", "alpha", "delta"]},
        {"gamma": ["alpha", "delta"]},
    ]
    assert data["router_settings"]["enable_pre_call_checks"] is True
    again = run(result.new_bytes, [G7])
    assert not again.changes


def test_only_groups_of_the_same_mode_fall_back_to_each_other():
    _, data = fixed(
        config(
            ("chat-small", 4096),
            ("chat-big", 32768),
            ("text-small", 2048, "x/a", "completion"),
            ("text-big", 16384, "x/b", "completion"),
            ("embedder", 512, "x/c", "embedding"),
            ("images", 1000, "x/d", "image_generation"),
            ("vectors", None, "openai/text-embedding-3-small"),  # no mode: left out by its name
            ("wild", 1000, "openai/*"),
        )
    )
    assert data["router_settings"]["context_window_fallbacks"] == [
        {"text-small": ["text-big"]},
        {"chat-small": ["chat-big"]},
    ]
    assert "max_input_tokens" not in str(data["model_list"][6])  # the embedding group is not pinned


def test_no_derivation_with_fewer_than_two_known_windows():
    # no api_base: nothing to ask /v1/models; ollama_chat/: get_model_info asks no server
    text = config(
        ("known", 8192), ("unknown-a", None, "hosted_vllm/a"), ("unknown-b", None, "ollama_chat/b:7b")
    )
    result, _ = fixed(text)
    assert not result.changed
    expected = "context window unknown for unknown-a, unknown-b: no context_window_fallbacks derived"
    assert expected in messages(result)


def test_unknown_windows_are_reported_not_guessed():
    text = config(("a", 8192), ("b", 32768), ("c", None, "ollama_chat/llama3.1:latest"))
    result, data = fixed(text)
    assert data["router_settings"]["context_window_fallbacks"] == [{"a": ["b"]}]
    assert "max_input_tokens" not in str(data["model_list"][2])
    assert "c (the map has ollama/llama3.1 (8192), but LiteLLM does not drop the tag" in messages(result)


def test_windows_from_the_map_are_pinned_as_integers_with_the_version():
    text = config(("small", None, "ollama_chat/llama3.1"), ("big", None, "openai/gpt-4o"))
    result, data = fixed(text)
    infos = [d["model_info"]["max_input_tokens"] for d in data["model_list"]]
    assert infos == [8192, 128000] and all(type(i) is int for i in infos)
    assert f"from LiteLLM {litellm_data.version()}'s model map" in messages(result)


def test_an_int_max_input_tokens_is_never_replaced():
    text = config(("small", 4000, "ollama_chat/llama3.1"), ("big", None, "openai/gpt-4o"))
    _, data = fixed(text)
    assert data["model_list"][0]["model_info"]["max_input_tokens"] == 4000


def test_explicit_false_pre_call_checks_is_reported_not_changed():
    text = config(("a", 8192), ("b", 32768), router="router_settings:\n  enable_pre_call_checks: false\n")
    result, data = fixed(text)
    assert data["router_settings"]["enable_pre_call_checks"] is False
    assert any(
        f.kind == "warning" and "enable_pre_call_checks is false" in f.message for f in result.findings
    )


def test_derivation_size_guard():
    groups = [(f"g{i:03}", 1000 + i) for i in range(150)]  # 150 groups → 11175 fallbacks
    result, _ = fixed(config(*groups))
    assert not result.changed
    assert "would make a list of 11175 fallbacks" in messages(result)


def test_many_deployments_one_pass_no_commit_per_deployment(monkeypatch):
    text = config(
        *[(f"g{i % 10}", None, "ollama_chat/llama3.1" if i % 2 else "openai/gpt-4o") for i in range(400)]
    )
    commits = []
    original = Document.commit
    monkeypatch.setattr(Document, "commit", lambda self: (commits.append(1), original(self))[1])
    result, data = fixed(text)
    assert sum(1 for d in data["model_list"] if "model_info" in d) == 400
    assert len(commits) < 20  # the runner's own commits, not one per deployment
    assert result.changed


# ---- repairs -------------------------------------------------------------------------------------


def test_parse_shapes():
    assert L.parse({"a": "b", "c": ["d", "e"]}).items == [{"a": ["b"]}, {"c": ["d", "e"]}]
    assert L.parse([{"a": "b", "c": ["d"]}]).items == [{"a": ["b"]}, {"c": ["d"]}]
    assert L.parse(["big"]).items == ["big"]  # LiteLLM's other form: a plain string item is kept
    assert L.parse([{"a": ["b"]}]).notes == []
    for bad in ("a", 3, [{"a": 3}], [{"a": [1]}], [[]], [{"a": None}]):
        assert L.parse(bad) is None


def test_merge_without_duplicates():
    into = [{"a": ["b"]}, "x"]
    added = L.merge(into, [{"a": ["b", "c"]}, {"d": ["a"]}, "x", {"a": ["c"]}])
    assert into == [{"a": ["b", "c"]}, "x", {"d": ["a"]}]
    assert added == ["a → c", "d → a"]


def test_unreadable_shape_is_left_alone_and_reported():
    text = config(
        ("a", 8192), ("b", 32768), router="router_settings:\n  context_window_fallback_dict: {a: 3}\n"
    )
    result, _ = fixed(text)
    assert not result.changed
    assert any("cannot rewrite without guessing" in f.message for f in result.findings)


def test_both_keys_merged_never_losing_data():
    text = config(
        ("a", 8192),
        ("b", 16384),
        ("c", 32768),
        router="router_settings:\n  context_window_fallbacks: [{a: [b]}]\n  context_window_fallback_dict: {a: c, b: [c]}\n",
    )
    result, data = fixed(text)
    rs = data["router_settings"]
    assert rs["context_window_fallbacks"] == [{"a": ["b", "c"]}, {"b": ["c"]}]
    assert "context_window_fallback_dict" not in rs
    assert "added a → c, b → c" in messages(result)


def test_working_litellm_settings_list_is_kept():
    text = config(
        ("a", 8192), ("b", 32768), router="litellm_settings:\n  context_window_fallbacks: [{a: [b]}]\n"
    )
    result, _ = fixed(text)
    assert not result.changed


def test_litellm_settings_list_moves_when_the_router_list_would_hide_it():
    text = config(
        ("a", 8192),
        ("b", 32768),
        ("c", 65536),
        router="litellm_settings:\n  context_window_fallbacks: [{a: [b]}]\n"
        "router_settings:\n  context_window_fallback_dict: {b: c}\n",
    )
    _, data = fixed(text)
    assert data["router_settings"]["context_window_fallbacks"] == [{"b": ["c"]}, {"a": ["b"]}]
    assert "litellm_settings" not in data


def test_litellm_settings_list_hidden_by_a_working_router_list_is_reported():
    text = config(
        ("a", 8192),
        ("b", 32768),
        router="litellm_settings:\n  context_window_fallbacks: [{a: [b]}]\n"
        "router_settings:\n  enable_pre_call_checks: true\n  context_window_fallbacks: [{b: [a]}]\n",
    )
    result, _ = fixed(text)
    assert not result.changed
    assert any("is not used" in f.message for f in result.findings)


def test_rename_then_merge_reports_missing_and_shrinking_groups():
    text = config(
        ("a", 8192),
        ("b", 32768),
        router="router_settings:\n  context_window_fallback_dict: {b: a, a: nope}\n",
    )
    result, data = fixed(text)
    assert data["router_settings"]["context_window_fallbacks"] == [{"b": ["a"]}, {"a": ["nope"]}]
    text_ = messages(result)
    assert "no model_name in model_list: nope" in text_
    assert "not larger: b (32768) → a (8192)" in text_


def test_shared_model_info_is_reported_not_edited():
    text = """x-info: &info
  tags: [shared]
model_list:
  - model_name: a
    litellm_params: {model: openai/gpt-4o}
    model_info: *info
  - model_name: c
    litellm_params: {model: ollama_chat/llama3.1}
"""
    result, data = fixed(text)
    assert data["router_settings"]["context_window_fallbacks"] == [{"c": ["a"]}]
    assert data["model_list"][0]["model_info"] == {"tags": ["shared"]}
    assert data["model_list"][1]["model_info"] == {"max_input_tokens": 8192}
    assert any(
        f.kind == "warning" and "max_input_tokens 128000 not written" in f.message for f in result.findings
    )


# ---- windows LiteLLM learns at run time (issue 10, item 9; proven live in
# tests/integration/test_live_g7_runtime_windows.py) ----------------------------------------------------


@pytest.mark.parametrize(
    ("api_base", "default"),
    [
        (None, True),  # LiteLLM's default, http://localhost:11434
        ("http://127.0.0.1:11434", True),
        ("http://localhost:11434/", True),
        ("localhost:11434", True),
        ("http://127.0.0.1:11435", False),
        ("http://192.168.1.20:11434", False),  # another host: LiteLLM still asks localhost
        ("https://ollama.com", False),
        ("os.environ/OLLAMA_BASE", False),
    ],
)
def test_only_the_default_ollama_is_asked(api_base, default):
    assert W._ollama_default_base(api_base) is default


def test_runtime_sources():
    doc = Document(
        """model_list:
  - model_name: ollama-default
    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: "http://127.0.0.1:11434"}
  - model_name: ollama-elsewhere
    litellm_params: {model: ollama/qwen2.5-coder:7b, api_base: "http://10.0.0.5:11434"}
  - model_name: ollama-chat
    litellm_params: {model: ollama_chat/qwen2.5-coder:7b}
  - model_name: vllm
    litellm_params: {model: hosted_vllm/org/model, api_base: "http://127.0.0.1:8001/v1"}
  - model_name: vllm-no-base
    litellm_params: {model: hosted_vllm/org/model}
  - model_name: llama-cpp
    litellm_params: {model: openai/mythomax, api_base: "http://127.0.0.1:8080/v1"}
"""
    )
    groups = W.scan(doc).groups
    assert {name: g.runtime for name, g in groups.items()} == {
        "ollama-default": [W.RUNTIME_OLLAMA],
        "ollama-elsewhere": [],
        "ollama-chat": [],
        "vllm": [W.RUNTIME_VLLM],
        "vllm-no-base": [],
        "llama-cpp": [],
    }
    assert all(g.window is None for g in groups.values())
    assert "not this deployment's api_base" in groups["ollama-elsewhere"].deployments[0].hint


def test_runtime_groups_fall_back_to_every_known_group_smallest_first():
    text = config(
        ("big", 131072),
        ("small", 8192),
        ("local-ollama", None, "ollama/qwen2.5-coder:7b"),
        ("local-vllm", None, "hosted_vllm/org/m"),
        ("far-ollama", None, "ollama/llama3.1:latest"),
    )
    text = text.replace(
        "model: hosted_vllm/org/m", "model: hosted_vllm/org/m\n      api_base: http://127.0.0.1:8001/v1"
    )
    text = text.replace(
        "model: ollama/llama3.1:latest",
        "model: ollama/llama3.1:latest\n      api_base: http://10.1.1.1:11434",
    )
    result, data = fixed(text)
    assert data["router_settings"]["context_window_fallbacks"] == [
        {"small": ["big"]},
        {"local-ollama": ["small", "big"]},
        {"local-vllm": ["small", "big"]},
    ]
    found = messages(result)
    assert "also cover local-ollama (from the context_length of Ollama's /api/show" in found
    assert "local-vllm (from the max_model_len of its vLLM server's /v1/models)" in found
    assert "far-ollama (LiteLLM asks only the Ollama at OLLAMA_API_BASE or localhost:11434" in found
    assert "truncated silently" in found  # /api/show's context_length is not the num_ctx Ollama serves
    assert "max_input_tokens" not in str(data["model_list"][2:])  # a run-time window is never written
