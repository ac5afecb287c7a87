"""G1, G2, G3: `autofix apply --only p0` on the audit's config, proven on the live proxy.

The config booted here is autofix's output for `fixtures/litellm-unified.yaml` (then only
api_base/Redis are pointed at the test services). Expected after P0:
  litellm_settings.callbacks: [prometheus]                     (G1; server_settings.prometheus gone)
  general_settings: background_health_checks: true, health_check_interval: 300,
                    health_check_details: false                (G2)
  router_settings.routing_strategy: simple-shuffle,
  router_settings.optional_pre_call_checks: [enforce_model_rate_limits]   (G3)
"""

from __future__ import annotations

import time

import pytest
import yaml
from itest_support import inference_calls, record, wait_for_fresh_minute, wait_until_quiet

pytestmark = pytest.mark.integration

DEPLOYMENTS = 8  # model_list entries in the fixture
RATE_LIMITED_GROUP = "qwen-coder-vllm"  # the fixture's only deployment of this group has rpm: 50
RATE_LIMITED_UPSTREAM_MODEL = "Qwen/Qwen2.5-Coder-7B-Instruct-AWQ"


@pytest.fixture(scope="module")
def p0(p0_proxy):
    """The proxy on autofix's P0 output, once its startup background health check is done."""
    # G2: the first background health-check run starts with the proxy; let it finish so that
    # the /health test below measures /health alone.
    calls = wait_until_quiet(p0_proxy.upstream, at_least=DEPLOYMENTS, quiet=1.0, timeout=90)
    record(f"after-P0: {calls} upstream calls from the startup background health check")
    return p0_proxy


def test_p0_output_is_what_the_tests_assume(p0_proxy):
    """Guards the premise of this module (the engine's unit tests check the YAML in detail)."""
    data = yaml.safe_load(p0_proxy.source.read_text())
    assert "prometheus" in data["litellm_settings"]["callbacks"]
    assert data["general_settings"]["background_health_checks"] is True
    assert data["router_settings"]["routing_strategy"] == "simple-shuffle"
    assert "enforce_model_rate_limits" in data["router_settings"]["optional_pre_call_checks"]
    assert "prometheus" not in (data.get("server_settings") or {})


def test_g1_metrics_served_with_key_and_401_without(p0):
    assert p0.chat("llama3.1:latest").status == 200  # some traffic for the counters
    with_key = p0.get("/metrics")
    assert with_key.status == 200, with_key
    assert "litellm_" in with_key.text, with_key.text[:500]
    without_key = p0.get("/metrics", auth=False)
    assert without_key.status == 401, without_key


def test_g2_health_is_answered_from_background_results(p0):
    """GET /health serves the background run's results: it causes no upstream call."""
    before = len(inference_calls(p0.upstream))
    response = p0.get("/health", timeout=120)
    time.sleep(0.5)  # a live check would have been awaited by /health anyway; this is a margin
    caused = len(inference_calls(p0.upstream)) - before
    assert response.status == 200, response
    body = response.json
    assert body["healthy_count"] + body["unhealthy_count"] == DEPLOYMENTS, body
    assert caused == 0, f"GET /health caused {caused} upstream calls; background checks are not in use"
    record(f"after-P0: GET /health caused {caused} upstream calls ({response.seconds:.2f} s)")


def test_g2_health_details_hidden(p0):
    """health_check_details: false keeps only the model (and an error, if any) per endpoint."""
    body = p0.get("/health", timeout=120).json
    endpoints = body["healthy_endpoints"] + body["unhealthy_endpoints"]
    assert endpoints and all("api_base" not in e for e in endpoints), endpoints[:2]


def test_g3_live_routing_strategy_is_simple_shuffle(p0):
    live = p0.live_router_settings()
    assert live.get("routing_strategy") == "simple-shuffle", live


def test_g3_rpm_limit_enforced_under_simple_shuffle(p0):
    """The fixture's `rpm: 50` on qwen-coder-vllm is enforced: the 51st request in a minute is 429."""
    wait_for_fresh_minute(needed_seconds=15)
    before = len(inference_calls(p0.upstream, RATE_LIMITED_UPSTREAM_MODEL))
    statuses = []
    started = time.monotonic()
    for _ in range(52):
        statuses.append(p0.chat(RATE_LIMITED_GROUP).status)
        if statuses[-1] != 200:
            break
    elapsed = time.monotonic() - started
    reached = len(inference_calls(p0.upstream, RATE_LIMITED_UPSTREAM_MODEL)) - before
    record(
        f"after-P0: rpm 50 on {RATE_LIMITED_GROUP}: {statuses.count(200)} x 200 then "
        f"{statuses[-1]} ({elapsed:.1f} s for {len(statuses)} requests)"
    )
    assert statuses[:50] == [200] * 50, statuses
    assert statuses[50] == 429, statuses
    assert reached == 50, f"{reached} requests reached the upstream, expected 50"
