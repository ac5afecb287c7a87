"""G6: which timeout applies, measured on the live proxy with a delayed upstream.

The fake upstream waits 1.5 s before answering and between stream chunks (model
`slow-model` only). Timeouts are compared with that delay (1 s vs 1.5 s vs 2 s): a 408
proves a limit below 1.5 s fired, a 200 proves the limit in force was above 1.5 s; no test
asserts on elapsed time. Results go to the terminal summary (and MEASURED.md).
"""

from __future__ import annotations

import pytest
from itest_support import record, upstream_delay
from proxy_harness import stream_error, stream_events

pytestmark = pytest.mark.integration

DELAY = 1.5


def describe(response) -> str:
    timeout = response.headers.get("x-litellm-timeout")
    return f"HTTP {response.status} after {response.seconds:.2f} s" + (
        f" (x-litellm-timeout: {timeout})" if timeout else ""
    )


def timed_out(response) -> bool:
    """408, or an error event inside a stream whose headers were already sent."""
    if response.status == 408:
        return True
    error = stream_error(response) if response.status == 200 else None
    return bool(error and "timeout" in error.lower())


def completed_stream(response) -> bool:
    return response.status == 200 and "[DONE]" in stream_events(response) and stream_error(response) is None


def slow_calls(proxy, *, stream: bool = False, repeat: int = 2):
    """A warm-up call (first requests pay for lazy imports), then `repeat` calls with the delay.
    The first delayed call is also the first on the error path, which is slower to answer."""
    assert proxy.chat("slow").status == 200
    with upstream_delay(proxy.upstream, DELAY, ["slow-model"]):
        return [proxy.chat("slow", stream=stream, timeout=60) for _ in range(repeat)]


def describe_all(responses) -> str:
    return "; ".join(describe(r) for r in responses)


def test_router_stream_timeout_bounds_streams(g6_stream_timeout_proxy):
    """configs/g6_stream_timeout.yaml: router stream_timeout 1 -> a 1.5 s stream times out."""
    responses = slow_calls(g6_stream_timeout_proxy, stream=True)
    record(f"G6 router stream_timeout 1 + request_timeout 5, stream: {describe_all(responses)}")
    assert all(timed_out(r) for r in responses), responses


def test_non_stream_call_keeps_request_timeout(g6_stream_timeout_proxy):
    """...while a non-stream call on the same proxy uses request_timeout 5 and succeeds."""
    responses = slow_calls(g6_stream_timeout_proxy, repeat=1)
    record(f"G6 router stream_timeout 1 + request_timeout 5, non-stream: {describe_all(responses)}")
    assert all(r.status == 200 for r in responses), responses


def test_settle_request_timeout_2_beats_router_timeout_1(g6_settle_a_proxy):
    """configs/g6_settle_a.yaml: 200 = request_timeout (2) won over router_settings.timeout (1)."""
    responses = slow_calls(g6_settle_a_proxy)
    record(f"G6 settle A: request_timeout 2 + router timeout 1, non-stream: {describe_all(responses)}")
    assert all(r.status == 200 for r in responses), (
        f"router timeout 1 won over request_timeout 2: {responses}"
    )


def test_litellm_settings_stream_timeout_is_never_read(g6_settle_a_proxy):
    """configs/g6_settle_a.yaml also has litellm_settings.stream_timeout: 1 (which G6 removes):
    a stream with 1.5 s gaps completes, bounded per read by request_timeout 2."""
    (response,) = slow_calls(g6_settle_a_proxy, stream=True, repeat=1)
    record(
        f"G6 settle A: litellm_settings.stream_timeout 1, stream with 1.5 s gaps: {describe(response)}, "
        f"completed={completed_stream(response)}"
    )
    assert completed_stream(response), f"litellm_settings.stream_timeout took effect: {response}"


def test_settle_request_timeout_1_beats_router_timeout_2(g6_settle_b_proxy):
    """configs/g6_settle_b.yaml: 408 = request_timeout (1) won over router_settings.timeout (2)."""
    responses = slow_calls(g6_settle_b_proxy)
    record(f"G6 settle B: request_timeout 1 + router timeout 2, non-stream: {describe_all(responses)}")
    assert all(r.status == 408 for r in responses), (
        f"router timeout 2 won over request_timeout 1: {responses}"
    )
