"""`autofix probe` against the real LiteLLM 1.110.2 proxy with a real Redis cache (G4).

One proxy for the module, booted by proxy_harness.Proxy on a config with
`cache: true`, `cache_params: {type: redis, host: 127.0.0.1, port: <the session's redis-server>}` and
the prometheus callback. Redis up: exit 0, cache_type redis, a redis_version. Redis stopped (the
session's `redis_server` fixture is stopped and started again on the same port): exit 1, the cache
check failed with the proxy's 503. The probe runs in this process (inside the harness's private
network namespace when there is one), so it only ever reaches 127.0.0.1.
"""

from __future__ import annotations

import json

import proxy_harness as harness
import pytest

from autofix.probe import probe_command

pytestmark = pytest.mark.integration

KEY_ENV = "AUTOFIX_PROBE_LIVE_KEY"


@pytest.fixture(scope="module")
def cache_config(redis_server, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("probe-live")
    config = {
        "model_list": [
            {
                "model_name": "fake",
                "litellm_params": {
                    "model": "openai/fake-model",
                    "api_base": "http://127.0.0.1:9/v1",  # never called: the probe makes no LLM request
                    "api_key": "sk-fake-upstream",
                },
            }
        ],
        "litellm_settings": {
            "cache": True,
            "cache_params": {"type": "redis", "host": "127.0.0.1", "port": redis_server.port},
            "callbacks": ["prometheus"],
        },
    }
    return harness.write_yaml(workdir / "probe.yaml", config)


@pytest.fixture(scope="module")
def cache_proxy(integration_ready, redis_server, cache_config):
    redis_server.start()  # no-op when it runs
    proxy = harness.Proxy(cache_config, cache_config.parent / "proxy")
    try:
        proxy.start()
    except harness.ProxyBootError as error:
        proxy.stop()
        pytest.fail(str(error), pytrace=False)
    yield proxy
    proxy.stop()


def _probe(capsys, proxy, config, fmt="json"):
    code = probe_command(url=proxy.base_url, key_env=KEY_ENV, fmt=fmt, config=config, timeout=15)
    out, err = capsys.readouterr()
    assert proxy.master_key not in out + err  # the key is never printed
    return code, out, err


def _cache(result: dict) -> dict:
    return next(c for c in result["checks"] if c["name"] == "cache")


def test_probe_healthy_with_redis_up(cache_proxy, cache_config, redis_server, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, cache_proxy.master_key)
    code, out, err = _probe(capsys, cache_proxy, cache_config)
    result = json.loads(out)
    assert code == 0, out + err
    assert err == ""
    assert result["healthy"] is True and result["reachable"] is True
    assert {c["name"]: c["status"] for c in result["checks"]} == {
        "liveliness": "ok",
        "readiness": "ok",
        "cache": "ok",
        "metrics": "ok",
    }
    cache = _cache(result)
    assert cache["status_code"] == 200 and cache["cache_type"] == "redis"
    assert isinstance(cache["redis_version"], str) and cache["redis_version"][0].isdigit()
    assert cache["ping_response"] is True and cache["set_cache_response"] == "success"
    # the top-level host/port of health_check_cache_params are null; the probe reads redis_kwargs
    assert (cache["redis_host"], int(cache["redis_port"])) == ("127.0.0.1", redis_server.port)
    metrics = next(c for c in result["checks"] if c["name"] == "metrics")
    assert metrics["status_code"] == 200 and metrics["metric_families"] > 0

    code, out, err = _probe(capsys, cache_proxy, cache_config, fmt="text")
    assert code == 0 and out.splitlines()[-1] == "healthy", out + err
    assert f"redis {cache['redis_version']} at 127.0.0.1:{redis_server.port}" in out


def test_probe_without_the_key_skips_the_cache_and_exits_1(cache_proxy, cache_config, monkeypatch, capsys):
    monkeypatch.delenv(KEY_ENV, raising=False)
    code, out, err = _probe(capsys, cache_proxy, cache_config)
    result = json.loads(out)
    assert code == 1
    assert f"set {KEY_ENV} (or --key-env NAME)" in err
    cache = _cache(result)
    assert cache["status"] == "skip" and cache["status_code"] == 401 and cache["ok"] is False
    assert all(c["ok"] for c in result["checks"] if c["name"] in ("liveliness", "readiness"))


def test_probe_unhealthy_with_redis_stopped(cache_proxy, cache_config, redis_server, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, cache_proxy.master_key)
    redis_server.stop()
    try:
        code, out, err = _probe(capsys, cache_proxy, cache_config)
    finally:
        redis_server.start()  # same port: the session's other tests keep their Redis
    result = json.loads(out)
    assert code == 1, out + err
    assert result["reachable"] is True and result["healthy"] is False
    cache = _cache(result)
    assert cache["ok"] is False and cache["status"] == "fail" and cache["status_code"] == 503
    assert f"127.0.0.1:{redis_server.port}" in cache["detail"]
    assert "Service Unhealthy" in cache["detail"]
    assert err.startswith("autofix probe: unhealthy: cache:") and len(err.strip().splitlines()) == 1
    assert all(c["ok"] for c in result["checks"] if c["name"] != "cache")  # the proxy itself is fine


def test_probe_unreachable_exits_2(integration_ready, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, "sk-unused-0000000000000000")
    port = harness.free_port()  # nothing listens there
    code = probe_command(url=f"http://127.0.0.1:{port}", key_env=KEY_ENV, fmt="text", timeout=5)
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == f"autofix probe: cannot reach http://127.0.0.1:{port}: connection refused"
