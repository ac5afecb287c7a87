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


def _validate_all(paths, env) -> list[bool]:
    """`litellm --config X --validate_config` on each file, four at a time: True where it exits non-zero."""
    argv = [str(harness.venv_dir() / "bin" / "litellm"), "--config", "{}", "--validate_config"]
    caught = []
    for start in range(0, len(paths), 4):
        procs = [
            subprocess.Popen(
                [a.format(p) for a in argv],
                env=env,
                cwd=p.parent,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for p in paths[start : start + 4]
        ]
        caught += [proc.wait(timeout=300) != 0 for proc in procs]
    return caught


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
    n = len(chosen)
    ours = score(chosen, {"live-base": BASE})
    print(f"\nsample: {n} mutations of one config the proxy starts with (seed 13)")
    print(f"autofix detects {ours['detected']}/{n}, repairs {ours['repaired']}/{n}")
    base_proxy = harness.Proxy(base, work / "base")
    env = dict(base_proxy.env, FAKE_UPSTREAM_KEY="sk-fake")
    assert _validate_all([base], env) == [False]
    base_proxy.env["FAKE_UPSTREAM_KEY"] = "sk-fake"
    base_proxy.start()
    base_proxy.stop()

    paths = []
    for i, m in enumerate(chosen):
        path = work / f"m{i:02d}.yaml"
        path.write_bytes(m.text)
        paths.append(path)
    validated = _validate_all(paths, env)
    print(f"litellm --validate_config detects {sum(validated)}/{n}", flush=True)
    boot_hits = 0
    proxies = []
    for i, (m, path) in enumerate(zip(chosen, paths, strict=True)):
        proxy = harness.Proxy(path, work / f"m{i:02d}")
        proxy.env["FAKE_UPSTREAM_KEY"] = "sk-fake"
        proxies.append((m, proxy, validated[i]))
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
            print(
                f"{m.label()}: validate_config {'caught' if caught else 'missed'}, "
                f"proxy start {'caught' if booted_caught else 'missed'}",
                flush=True,
            )
    print(f"a real proxy start detects {boot_hits}/{n}")
    assert ours["detected"] == n, ours["missed"]
    assert sum(validated) < n and boot_hits < n
