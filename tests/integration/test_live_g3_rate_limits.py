"""G3/G9: rpm limits and simple-shuffle, on the live proxy (hand-written configs).

simple-shuffle uses rpm/tpm only as routing weights; the limits are enforced only by the
`enforce_model_rate_limits` pre-call check, which G3 (and G9) add to router_settings.
The same check on autofix's own output is in test_live_p0.py (rpm 50 on the audit's config).
"""

from __future__ import annotations

import pytest
from itest_support import inference_calls, record, wait_for_fresh_minute

pytestmark = pytest.mark.integration


def burst(proxy, count: int) -> list[int]:
    wait_for_fresh_minute(needed_seconds=10)
    return [proxy.chat("limited").status for _ in range(count)]


def test_enforce_model_rate_limits_gives_429_on_the_third_request(g3_rate_limit_proxy):
    """configs/g3_rate_limit.yaml: rpm 2 + simple-shuffle + enforce_model_rate_limits."""
    proxy = g3_rate_limit_proxy
    before = len(inference_calls(proxy.upstream, "limited-model"))
    statuses = burst(proxy, 3)
    fourth = proxy.chat("limited")  # to read the error text
    reached = len(inference_calls(proxy.upstream, "limited-model")) - before
    record(
        f"G3: rpm 2 + enforce_model_rate_limits: statuses {statuses}; 4th: {fourth.status} "
        f"{fourth.error_message()[:90]!r}"
    )
    assert statuses == [200, 200, 429], statuses
    assert fourth.status == 429 and "rate limit" in fourth.error_message().lower(), fourth
    assert reached == 2, f"{reached} requests reached the upstream, expected 2"


def test_without_the_check_simple_shuffle_does_not_enforce_rpm(g3_unenforced_proxy):
    """The control (configs/g3_rate_limit_unenforced.yaml): why G3 must add the check."""
    statuses = burst(g3_unenforced_proxy, 4)
    record(f"G3 control: rpm 2 without the check: statuses {statuses}")
    assert statuses == [200, 200, 200, 200], statuses
