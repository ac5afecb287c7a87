"""G7: context_window_fallbacks + enable_pre_call_checks + an int max_input_tokens, live.

configs/g7_context_window.yaml: `small` (max_input_tokens 100) falls back to `big`.
"""

from __future__ import annotations

import secrets

import pytest
from itest_support import inference_calls, record

pytestmark = pytest.mark.integration


def test_oversized_prompt_to_small_is_answered_by_big(g7_proxy):
    upstream = g7_proxy.upstream
    small, big = len(inference_calls(upstream, "small-model")), len(inference_calls(upstream, "big-model"))
    prompt = "word " * 400 + secrets.token_hex(4)  # ~400 tokens > max_input_tokens 100
    response = g7_proxy.chat("small", prompt)
    small_calls = len(inference_calls(upstream, "small-model")) - small
    big_calls = len(inference_calls(upstream, "big-model")) - big
    record(
        f"G7: 400-token prompt to small: HTTP {response.status}, upstream calls small={small_calls} "
        f"big={big_calls}, x-litellm-attempted-fallbacks={response.headers.get('x-litellm-attempted-fallbacks')}"
    )
    assert response.status == 200, response
    assert big_calls == 1, f"big was called {big_calls} times"
    assert small_calls == 0, f"small was called {small_calls} times: the pre-call check did not drop it"


def test_short_prompt_stays_on_small(g7_proxy):
    """The control: a prompt that fits is served by small itself."""
    small = len(inference_calls(g7_proxy.upstream, "small-model"))
    response = g7_proxy.chat("small", "hi " + secrets.token_hex(4))
    assert response.status == 200, response
    assert len(inference_calls(g7_proxy.upstream, "small-model")) - small == 1
