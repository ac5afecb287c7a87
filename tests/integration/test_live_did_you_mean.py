"""X6 did-you-mean on the live proxy: the config of issue 13, before and after the fix.

- before: LiteLLM 1.110.2 refuses to start (`Invalid routing_strategy: 'simple-shufle'`);
- after `python -m autofix apply --only p0,p1,p2 --unsafe-fixes`: the proxy starts; the live router
  reports `routing_strategy: simple-shuffle`; no "not a valid argument for Router.__init__()" warning
  (the renamed `enable_pre_call_checks` is a Router argument); the renamed `general_settings` holds
  the master key and the settings G2/G10 added (no second section beside a misspelled one).

Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import proxy_harness as harness
import pytest
import yaml
from itest_support import REPO_ROOT

pytestmark = pytest.mark.integration

EXAMPLE = REPO_ROOT / "fixtures" / "x06_did_you_mean" / "issue-example.before.yaml"


def _apply(path: Path) -> str:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    argv = [sys.executable, "-m", "autofix", "apply", "--only", "p0,p1,p2", "--unsafe-fixes", str(path)]
    result = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def boots(integration_ready, tmp_path_factory):
    work = tmp_path_factory.mktemp("did-you-mean")
    before = work / "before.yaml"
    before.write_bytes(EXAMPLE.read_bytes())
    after = work / "after.yaml"
    after.write_bytes(EXAMPLE.read_bytes())
    _apply(after)
    proxies = {
        "before": harness.Proxy(before, work / "before"),
        "after": harness.Proxy(after, work / "after"),
    }
    for proxy in proxies.values():
        proxy.launch()
    yield proxies
    for proxy in proxies.values():
        proxy.stop()


def test_before_the_fix_the_proxy_refuses_to_start(boots):
    proxy = boots["before"]
    with pytest.raises(harness.ProxyBootError) as failed:
        proxy.wait_ready()
    assert "Invalid routing_strategy: 'simple-shufle'" in str(failed.value) + proxy.log_text()


def test_after_the_fix_the_proxy_starts_with_the_renamed_settings(boots):
    proxy = boots["after"].wait_ready()
    fixed = yaml.safe_load(proxy.config_path.read_text())
    assert set(fixed) == {"general_settings", "router_settings", "litellm_settings"}
    assert fixed["general_settings"]["master_key"] == "os.environ/LITELLM_MASTER_KEY"
    assert fixed["general_settings"]["background_health_checks"] is True
    assert fixed["litellm_settings"]["drop_params"] is True
    live = proxy.live_router_settings()
    assert live.get("routing_strategy") == "simple-shuffle"
    assert "not a valid argument for Router.__init__()" not in proxy.log_text()
    assert proxy.get("/v1/models").status == 200
    assert proxy.get("/v1/models", auth=False).status == 401
