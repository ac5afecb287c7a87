"""The mutation benchmark's live figures: on a seeded sample of single mistakes injected into one config
the real proxy starts with, what LiteLLM 1.110.2 itself catches, side by side with autofix.

- `litellm --config X --validate_config` (the proxy's own check: it loads the config without building
  the router): detected when it exits non-zero;
- a real proxy start: detected when the proxy refuses to start, or its log names the mistake;
- autofix: as in benchmarks/mutations.py (a new finding on the mutated setting).

The unmutated base passes both (else the figures would mean nothing). The figures are printed and kept
in tests/integration/MUTATIONS.md by hand when they change; the test asserts the ordering the README
table states: autofix detects every mistake of the sample, LiteLLM's own checks far fewer.
"""

from __future__ import annotations

import random
import subprocess
import sys

import proxy_harness as harness
import pytest
from itest_support import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
from mutations import mutations_of, score  # noqa: E402

pytestmark = pytest.mark.integration

SAMPLE = 20
BASE = b"""\
model_list:
  - model_name: fake
    litellm_params:
      model: openai/fake-model
      api_base: http://127.0.0.1:1/v1
      api_key: os.environ/FAKE_UPSTREAM_KEY
router_settings:
  routing_strategy: simple-shuffle
  num_retries: 2
  timeout: 30
  allowed_fails: 3
  enable_pre_call_checks: true
  optional_pre_call_checks: [enforce_model_rate_limits]
litellm_settings:
  drop_params: true
  request_timeout: 600
  callbacks: [prometheus]
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
  background_health_checks: false
  alerting: [slack]
  alert_types: [llm_exceptions]
"""


def _validate(path, env) -> subprocess.CompletedProcess:
    argv = [str(harness.venv_dir() / "bin" / "litellm"), "--config", str(path), "--validate_config"]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=180, cwd=path.parent)


@pytest.fixture(scope="module")
def sample(integration_ready, tmp_path_factory):
    work = tmp_path_factory.mktemp("mutations")
    mutations = mutations_of("live-base", BASE, random.Random(13), 200)
    chosen = random.Random(13).sample(mutations, min(SAMPLE, len(mutations)))
    base = work / "base.yaml"
    base.write_bytes(BASE)
    return work, base, chosen


def test_litellm_and_autofix_side_by_side(sample):
    work, base, chosen = sample
    base_proxy = harness.Proxy(base, work / "base")
    env = dict(base_proxy.env, FAKE_UPSTREAM_KEY="sk-fake")
    assert _validate(base, env).returncode == 0
    base_proxy.env["FAKE_UPSTREAM_KEY"] = "sk-fake"
    base_proxy.start()
    base_proxy.stop()

    validate_hits, boot_hits, rows = 0, 0, []
    proxies = []
    for i, m in enumerate(chosen):
        path = work / f"m{i:02d}.yaml"
        path.write_bytes(m.text)
        caught = _validate(path, env).returncode != 0
        validate_hits += caught
        proxy = harness.Proxy(path, work / f"m{i:02d}")
        proxy.env["FAKE_UPSTREAM_KEY"] = "sk-fake"
        proxies.append((m, proxy, caught))
    for start in range(0, len(proxies), 4):  # four boots at a time
        group = proxies[start : start + 4]
        for _, proxy, _ in group:
            proxy.launch()
        for m, proxy, caught in group:
            try:
                proxy.wait_ready()
                log = proxy.log_text()
                booted_caught = str(m.after) in log and ("WARNING" in log or "ERROR" in log)
            except harness.ProxyBootError:
                booted_caught = True
            finally:
                proxy.stop()
            boot_hits += booted_caught
            rows.append(
                f"{m.label()}: validate_config {'caught' if caught else 'missed'}, "
                f"proxy start {'caught' if booted_caught else 'missed'}"
            )
    ours = score(chosen, {"live-base": BASE})
    n = len(chosen)
    print(f"\nsample: {n} mutations of one config the proxy starts with (seed 13)")
    print(f"autofix detects {ours['detected']}/{n}, repairs {ours['repaired']}/{n}")
    print(f"litellm --validate_config detects {validate_hits}/{n}; a real proxy start {boot_hits}/{n}")
    print("\n".join(rows))
    assert ours["detected"] == n, ours["missed"]
    assert validate_hits < n and boot_hits < n
