"""The audit's original config shows its defects on the live proxy (before any fix).

One proxy (fixture `original_proxy`) is booted on `fixtures/litellm-unified.yaml` (api_base
and Redis rewritten to the test services; LITELLM_MASTER_KEY supplied, the file has none)
and shared by these tests.
"""

from __future__ import annotations

import pytest
from itest_support import inference_calls, record

pytestmark = pytest.mark.integration

DEPLOYMENTS = 8  # model_list entries in the fixture


def test_list_valued_model_group_alias_gets_no_healthy_deployments(original_proxy):
    """(a) `model_group_alias: {code_generation: [a, b]}` loads, then every request fails."""
    response = original_proxy.chat("code_generation")
    assert response.status == 400, response
    assert "no healthy deployments" in response.error_message().lower(), response
    # The groups it lists do work on their own: the alias is what is broken.
    assert original_proxy.chat("qwen2.5-coder:7b").status == 200


def test_live_routing_strategy_is_usage_based_routing_v2(original_proxy):
    """(b) The live Router (/get/config/callbacks -> router_settings) runs usage-based-routing-v2."""
    live = original_proxy.live_router_settings()
    assert live.get("routing_strategy") == "usage-based-routing-v2", live


def test_metrics_not_served(original_proxy):
    """(c) `server_settings.prometheus` is ignored: no /metrics, even with the master key."""
    with_key = original_proxy.get("/metrics")
    assert with_key.status == 404, with_key
    assert original_proxy.get("/metrics", auth=False).status in (401, 404)


def test_health_makes_live_upstream_calls(original_proxy):
    """(d) Without background health checks, GET /health calls every deployment live."""
    before = len(inference_calls(original_proxy.upstream))
    response = original_proxy.get("/health", timeout=120)
    calls = len(inference_calls(original_proxy.upstream)) - before
    assert response.status == 200, response
    body = response.json
    assert body["healthy_count"] + body["unhealthy_count"] == DEPLOYMENTS, body
    assert calls >= DEPLOYMENTS, f"/health caused {calls} upstream calls, expected one per deployment"
    record(
        f"original fixture: GET /health caused {calls} live upstream calls "
        f"({response.seconds:.2f} s, {body['healthy_count']} healthy)"
    )


def test_redis_cache_is_live(original_proxy):
    """The fixture's Redis cache really is used: /cache/ping is healthy against the test Redis."""
    response = original_proxy.get("/cache/ping")
    assert response.status == 200, response
    body = response.json
    assert body["status"] == "healthy" and body["cache_type"] == "redis", body
    assert body["health_check_cache_params"]["redis_kwargs"]["port"] == original_proxy.redis.port, body


def test_cache_ping_reports_redis_down(original_proxy):
    """What `autofix probe` (G4) relies on: /cache/ping is 503 while Redis is down, 200 once back."""
    original_proxy.redis.stop()  # this proxy's own Redis: no other test sees it go down
    try:
        down = original_proxy.get("/cache/ping", timeout=60)
    finally:
        original_proxy.redis.start()
    record(f"original fixture: /cache/ping with Redis stopped: HTTP {down.status} after {down.seconds:.2f} s")
    assert down.status == 503, down
    back = original_proxy.get("/cache/ping", timeout=60)
    assert back.status == 200 and back.json["status"] == "healthy", back
