"""The LiteLLM data snapshot: structure, and facts checked against the 1.110.2 source.

Reads only autofix/data/litellm_1.110.2.json: needs neither LiteLLM nor the autofix package.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA_FILE = Path(__file__).resolve().parent.parent / "autofix" / "data" / "litellm_1.110.2.json"

STRING_LISTS = [
    "known_custom_logger_callbacks",
    "callback_special_hooks",
    "generic_api_compatible_callbacks",
    "legacy_success_callbacks",
    "router_settings_keys",
    "router_settings_forbidden",
    "top_level_sections",
    "top_level_warned_keys",
    "general_settings_declared",
    "general_settings_read",
    "general_settings_read_not_declared",
    "litellm_settings_special",
    "litellm_settings_read",
    "litellm_module_globals",
    "litellm_module_imported_names",
    "litellm_imported_names_read",
    "litellm_lazy_attributes",
    "cache_types",
    "cache_init_params",
    "routing_strategies",
    "optional_pre_call_checks",
    "alert_types",
    "general_settings_read_indirect",
    "general_settings_read_patterns",
    "litellm_getattr_read",
    "secret_pointer_params",
    "publicly_known_master_key_sha256",
    "alerting_channels",
]


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


# -- structure ------------------------------------------------------------------------------------


def test_version_and_generator(data: dict) -> None:
    assert data["litellm_version"] == "1.110.2"
    assert "scripts/gen_litellm_data.py" in data["generated_by"]["command"]


def test_file_is_rendered_deterministically(data: dict) -> None:
    # the generator writes json.dumps(sort_keys=True, indent=1) + newline: a hand edit shows here
    text = DATA_FILE.read_text(encoding="utf-8")
    assert text == json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("key", STRING_LISTS)
def test_lists_are_sorted_unique_nonempty_strings(data: dict, key: str) -> None:
    values = data[key]
    assert isinstance(values, list) and values, key
    assert all(isinstance(v, str) and v for v in values), key
    assert values == sorted(set(values)), f"{key} must be sorted and without duplicates"


@pytest.mark.parametrize("key", STRING_LISTS + ["context_windows"])
def test_every_list_names_its_source(data: dict, key: str) -> None:
    source = data["sources"][key]
    named = source.get("file") or source.get("files") or source.get("object") or source.get("objects")
    assert named, f"sources.{key} must name where the data came from"


def test_context_windows_are_positive_ints(data: dict) -> None:
    windows = data["context_windows"]
    assert len(windows) > 3000
    assert all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in windows.values())
    assert "sample_spec" not in windows
    fallback = data["context_windows_from_max_tokens"]
    assert isinstance(fallback, dict)
    assert not set(fallback) & set(windows), "a model is either from max_input_tokens or max_tokens"


def test_derived_lists_are_consistent(data: dict) -> None:
    assert set(data["general_settings_read_not_declared"]) == set(data["general_settings_read"]) - set(
        data["general_settings_declared"]
    )
    assert not set(data["router_settings_forbidden"]) & set(data["router_settings_keys"])
    assert not set(data["litellm_module_imported_names"]) & set(data["litellm_module_globals"])
    # imported names read back as litellm.NAME (settings that work) vs. never read (log_level, from _logging)
    assert set(data["litellm_imported_names_read"]) <= set(data["litellm_module_imported_names"])
    assert {"json_logs", "request_timeout", "set_verbose"} <= set(data["litellm_imported_names_read"])
    assert "log_level" not in data["litellm_imported_names_read"]


# -- facts read from LiteLLM 1.110.2 (the bundled map litellm/model_prices_and_context_window_backup.json:
# 29 ollama/* keys, no ollama_chat/* key, no qwen2.5-coder entry; the callback and settings names below)


def test_ollama_context_windows(data: dict) -> None:
    windows = data["context_windows"]
    assert windows["ollama/llama3.1"] == 8192
    assert windows["ollama/llama3"] == 8192
    assert windows["ollama/deepseek-v3.1:671b-cloud"] == 163840
    assert windows["ollama/qwen3-coder:480b-cloud"] == 262144
    assert not any(k.startswith("ollama_chat/") for k in windows)


def test_no_qwen25_coder_entry(data: dict) -> None:
    # other providers have keys containing the substring (e.g. cloudflare/@cf/qwen/qwen2.5-coder-32b-instruct),
    # but there is no plain or ollama entry for it
    keys = set(data["context_windows"]) | set(data["context_windows_from_max_tokens"])
    assert not any(
        k == "qwen2.5-coder" or k.startswith(("qwen2.5-coder:", "ollama/qwen2.5-coder")) for k in keys
    )


def test_callback_names(data: dict) -> None:
    known = set(data["known_custom_logger_callbacks"])
    assert {"prometheus", "otel", "generic_api", "langfuse", "s3_v2"} <= known
    assert "presidio" in data["callback_special_hooks"]
    assert "sumologic" in data["generic_api_compatible_callbacks"]
    assert {"sentry", "slack", "langfuse", "s3", "datadog"} <= set(data["legacy_success_callbacks"])
    for key in (
        "known_custom_logger_callbacks",
        "callback_special_hooks",
        "generic_api_compatible_callbacks",
        "legacy_success_callbacks",
    ):
        assert "webhook" not in data[key], key


def test_router_settings(data: dict) -> None:
    keys = set(data["router_settings_keys"])
    assert {
        "context_window_fallbacks",
        "enable_pre_call_checks",
        "optional_pre_call_checks",
        "stream_timeout",
    } <= keys
    assert "context_window_fallback_dict" not in keys
    # set by the proxy itself, not accepted from the file
    assert not {"model_list", "router_general_settings", "ignore_invalid_deployments"} & keys
    assert set(data["router_settings_forbidden"]) == {"health_check_interval", "health_check_concurrency"}


def test_top_level_sections(data: dict) -> None:
    sections = set(data["top_level_sections"])
    assert {
        "model_list",
        "litellm_settings",
        "general_settings",
        "router_settings",
        "environment_variables",
        "callback_settings",
        "include",
    } <= sections
    assert not {"server_settings", "rate_limit_settings", "debug", "test_mode"} & sections


def test_general_and_litellm_settings(data: dict) -> None:
    assert "health_check_details" in data["general_settings_read_not_declared"]
    assert {"background_health_checks", "health_check_interval"} <= set(data["general_settings_read"])
    assert "slack_webhook_url" not in data["general_settings_read"]
    special = set(data["litellm_settings_special"])
    assert {"cache", "callbacks", "success_callback", "json_logs", "drop_params"} <= special
    assert "timeout" not in special and "stream_timeout" not in special
    assert "timeout" in data["litellm_lazy_attributes"]  # setattr overwrites the timeout function
    assert "stream_timeout" not in data["litellm_module_globals"]
    assert "require_auth_for_metrics_endpoint" in data["litellm_module_globals"]


def test_value_sets(data: dict) -> None:
    assert "disk" not in data["cache_types"]
    assert {"local", "redis", "redis-semantic", "s3"} <= set(data["cache_types"])
    assert {"type", "host", "port", "password", "namespace", "ttl", "max_messages"} <= set(
        data["cache_init_params"]
    )
    assert {"simple-shuffle", "usage-based-routing-v2", "usage-based-routing"} <= set(
        data["routing_strategies"]
    )
    assert "enforce_model_rate_limits" in data["optional_pre_call_checks"]
    assert {"llm_exceptions", "llm_too_slow", "budget_alerts", "outage_alerts"} <= set(data["alert_types"])
