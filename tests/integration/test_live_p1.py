"""The default selection (p0 + p1) on the audit's config, proven on the live proxy: G5, G6, G7.

The booted config is `autofix apply fixtures/litellm-unified.yaml` (no --only: the default
selection), with only api_base/Redis pointed at the test services.
"""

from __future__ import annotations

import json

import pytest
import yaml
from itest_support import inference_calls, record, wait_until_quiet

pytestmark = pytest.mark.integration

DEPLOYMENTS = 8


@pytest.fixture(scope="module")
def fixed(default_proxy):
    wait_until_quiet(default_proxy.upstream, at_least=DEPLOYMENTS, quiet=1.0, timeout=90)
    return default_proxy


def test_default_output_is_what_the_tests_assume(default_proxy):
    data = yaml.safe_load(default_proxy.source.read_text())
    ls, rs = data["litellm_settings"], data["router_settings"]
    assert ls["json_logs"] is True and "set_verbose" not in ls  # G5
    assert "timeout" not in ls and "stream_timeout" not in ls and rs["stream_timeout"] == 120  # G6
    assert all("health_check_timeout" in m["model_info"] for m in data["model_list"])  # G6
    assert rs["context_window_fallbacks"]  # G7
    assert "context_window_fallback_dict" not in rs


def test_g5_json_logs_and_no_set_verbose_warning(fixed):
    assert fixed.chat("llama3.1:latest").status == 200
    log = fixed.log_text()
    json_lines = []
    for line in log.splitlines():
        try:
            json_lines.append(json.loads(line))
        except ValueError:
            continue
    assert json_lines, "no JSON log line: json_logs is not in effect\n" + log[-2000:]
    assert "set_verbose` is deprecated" not in log


def test_g6_g7_router_keys_are_accepted(fixed):
    """The router takes every key G6 and G7 wrote (an unknown one is logged "not a valid argument
    for Router.__init__()"). The live view has no stream_timeout; test_live_g6_timeouts.py shows a
    router_settings.stream_timeout bounding a delayed stream on the live proxy."""
    log = fixed.log_text()
    assert "not a valid argument" not in log, [ln for ln in log.splitlines() if "not a valid argument" in ln]


def test_g6_health_check_timeouts_are_used_by_the_background_checks(fixed):
    """Every deployment answered its probe within its own health_check_timeout: all healthy."""
    body = fixed.get("/health", timeout=120).json
    assert body["healthy_count"] == DEPLOYMENTS, body


def test_g7_context_window_fallbacks_are_live(fixed):
    live = fixed.live_router_settings()
    fallbacks = live.get("context_window_fallbacks")
    assert fallbacks, live
    groups = {next(iter(item)) for item in fallbacks}
    assert "gpt-oss:120b-cloud" in groups, fallbacks


def test_g7_oversized_prompt_falls_back_to_a_bigger_group(fixed):
    """gpt-oss:120b-cloud (131072 tokens, pinned as max_input_tokens by G7) gets a longer prompt:
    the pre-call check drops it and the router answers from deepseek-v3.1:671b-cloud."""
    before_small = len(inference_calls(fixed.upstream, "gpt-oss:120b-cloud"))
    prompt = "word " * 140_000
    response = fixed.chat("gpt-oss:120b-cloud", prompt, timeout=120)
    small_calls = len(inference_calls(fixed.upstream, "gpt-oss:120b-cloud")) - before_small
    record(
        f"after-default: oversized prompt to gpt-oss:120b-cloud -> {response.status}, "
        f"{small_calls} calls to it, fallbacks header {response.headers.get('x-litellm-attempted-fallbacks')}"
    )
    assert response.status == 200, response
    assert small_calls == 0
