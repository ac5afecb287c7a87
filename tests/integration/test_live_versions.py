"""`--target-version` on a second real release: LiteLLM 1.80.17 next to 1.110.2.

`configs/v180_written_for_1.80.yaml` is a config written for 1.80: `router_settings.health_check_interval`
(which 1.80 drops without a word and 1.81+ refuses at startup) and `usage-based-routing-v2`.

- written for 1.80, it boots on the real 1.80.17 proxy, and 1.110.2 refuses it (the breaking change);
- fixed with `--target-version 1.80` it still boots on 1.80.17, every key the fixes wrote is one the
  1.80 data says it reads, the router keys written are Router arguments of 1.80 and live in its
  router (as far as /get/config/callbacks shows them), and the moved health-check interval is in
  effect (the background checks repeat every 2 s; written for 1.80, they ran once in 300 s);
- fixed for the newest release (the default target) it boots on 1.110.2;
- the bundled audited config fixed with `--target-version 1.80` boots on 1.80.17, every router key
  written being a Router argument there.

The 1.80.17 venv comes from install.sh (`~/.cache/autofix-litellm-1.80.17-venv`,
requirements-litellm-1.80.txt); without it these tests fail under AUTOFIX_REQUIRE_INTEGRATION=1 and
are skipped otherwise.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import proxy_harness as harness
import pytest
import yaml
from fake_upstream import FakeUpstreamServer
from itest_support import CONFIGS, FIXTURE, ProxyPool, autofix_failure, inference_calls, record, run_autofix

from autofix import versions
from autofix.changes import MISSING

pytestmark = pytest.mark.integration

WRITTEN_FOR_180 = CONFIGS / "v180_written_for_1.80.yaml"
OLD = harness.OLD_LITELLM_VERSION
SECTIONS = ("general_settings", "litellm_settings", "router_settings")


@pytest.fixture(scope="module")
def old_venv() -> Path:
    venv = harness.old_venv_dir()
    found = harness.installed_litellm_version(venv) if (venv / "bin" / "litellm").exists() else None
    if found != OLD:
        message = f"litellm {OLD} venv not found at {venv} (has {found}); run tests/integration/install.sh"
        if harness.integration_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return venv


class Booted:
    """A proxy on a config, with its own fake upstream and Redis; stopped by close()."""

    def __init__(self, src: Path, workdir: Path, venv: Path | None):
        self.upstream = FakeUpstreamServer(0, log_path=str(workdir / "upstream-calls.jsonl")).start()
        self.redis = harness.RedisServer(workdir / "redis").start()
        path = ProxyPool.boot_copy(src, workdir, src.stem, self.upstream.base_url, self.redis.port)
        self.proxy = harness.Proxy(path, workdir, redis_port=self.redis.port, venv=venv)
        self.proxy.upstream = self.upstream

    def start(self) -> harness.Proxy:
        self.proxy.launch()
        return self.proxy.wait_ready()

    def close(self) -> None:
        self.proxy.stop()
        self.upstream.stop()
        self.redis.stop()


def fixed_copy(src: Path, dest: Path, *options: str) -> Path:
    shutil.copyfile(src, dest)
    result = run_autofix(dest, options=options)
    assert result.returncode == 0, autofix_failure(result, dest)
    return dest


def written_paths(before: Path, after: Path) -> list[tuple[str, str]]:
    """(section, key) of every general/litellm/router_settings key the fixes added or changed."""
    old = yaml.safe_load(before.read_text()) or {}
    new = yaml.safe_load(after.read_text()) or {}
    out = []
    for section in SECTIONS:
        for key, value in (new.get(section) or {}).items():
            if (old.get(section) or {}).get(key, MISSING) != value:
                out.append((section, key))
    return out


@pytest.fixture(scope="module")
def old_router_args(old_venv) -> set[str]:
    """What 1.80's proxy passes on from router_settings: the arguments of its Router (the proxy
    filters router_settings by `inspect.getfullargspec(litellm.Router).args`)."""
    code = "import inspect, json, litellm; print(json.dumps(inspect.getfullargspec(litellm.Router).args))"
    env = harness.base_env("sk-unused")
    out = subprocess.run(
        [old_venv / "bin" / "python", "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def assert_router_keys_taken(written, fixed: Path, live: dict, router_args: set[str]) -> None:
    """Each router_settings key written is a Router argument of the running release, and the live
    router (/get/config/callbacks shows a fixed subset of its settings) holds the value written."""
    data = yaml.safe_load(fixed.read_text())
    for section, key in written:
        if section != "router_settings":
            continue
        assert key in router_args, f"router_settings.{key} is no Router argument of {OLD}"
        if key in live:
            assert live[key] == data["router_settings"][key], (key, live[key])


@pytest.fixture(scope="module")
def boots(tmp_path_factory):
    started: list[Booted] = []

    def boot(src: Path, venv: Path | None, label: str) -> Booted:
        b = Booted(src, tmp_path_factory.mktemp(label), venv)
        started.append(b)
        return b

    yield boot
    for b in started:
        b.close()


DEPLOYMENTS = 2
INTERVAL = 2  # the config's health_check_interval, in router_settings


def health_rounds(upstream, rounds: int, timeout: float) -> int:
    """Wait until the background health checks made `rounds` rounds (one call per deployment each),
    or `timeout` seconds passed; the number of rounds seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(inference_calls(upstream)) < rounds * DEPLOYMENTS:
        time.sleep(0.25)
    return len(inference_calls(upstream)) // DEPLOYMENTS


def test_written_for_180_boots_on_180_and_110_refuses_it(old_venv, boots):
    b = boots(WRITTEN_FOR_180, old_venv, "orig-180")
    proxy = b.start()
    record(f"v180 config on litellm {OLD}: booted in {proxy.boot_seconds:.1f} s")
    assert proxy.live_router_settings().get("routing_strategy") == "usage-based-routing-v2"
    # 1.80 drops router_settings.health_check_interval: one background round, then 300 s (the default)
    assert health_rounds(b.upstream, 1, 90) == 1
    assert health_rounds(b.upstream, 2, 5 * INTERVAL) == 1, "the router_settings interval took effect on 1.80"

    refused = boots(WRITTEN_FOR_180, None, "orig-110").proxy.launch()
    with pytest.raises(harness.ProxyBootError):
        refused.wait_ready()
    assert "is NOT a valid router_settings parameter" in refused.log_text(), refused.failure("no ValueError")


def test_fixed_for_180_boots_on_180_with_the_fixes_in_effect(old_venv, old_router_args, boots, tmp_path):
    fixed = fixed_copy(WRITTEN_FOR_180, tmp_path / "v180-for-180.yaml", "--target-version", "1.80")
    data = yaml.safe_load(fixed.read_text())
    assert data["general_settings"]["health_check_interval"] == INTERVAL
    assert "health_check_interval" not in data["router_settings"]
    # G3 would write enforce_model_rate_limits (1.81+): refused for 1.80, the strategy stays
    assert data["router_settings"]["routing_strategy"] == "usage-based-routing-v2"
    written = written_paths(WRITTEN_FOR_180, fixed)
    assert written, "the fixes wrote nothing"
    for section, key in written:
        assert versions.reads(section, key, OLD), f"{section}.{key} is not read by {OLD}"

    b = boots(fixed, old_venv, "fixed-180")
    proxy = b.start()
    live = proxy.live_router_settings()
    assert_router_keys_taken(written, fixed, live, old_router_args)
    assert live["routing_strategy"] == "usage-based-routing-v2"
    assert live["context_window_fallbacks"] == [{"llama": ["gpt-4o-mini"]}]
    # the moved interval reaches the proxy: the background checks run every INTERVAL seconds
    rounds = health_rounds(b.upstream, 3, 90)
    assert rounds >= 3, f"{rounds} background health rounds on {OLD}: the moved interval is not in effect"
    response = proxy.get("/health", timeout=60)
    assert response.status == 200 and response.json["healthy_count"] == DEPLOYMENTS, response
    record(
        f"v180 config fixed for 1.80 on {OLD}: booted in {proxy.boot_seconds:.1f} s, health rounds every {INTERVAL} s"
    )


def test_fixed_for_newest_boots_on_110(boots, tmp_path):
    fixed = fixed_copy(WRITTEN_FOR_180, tmp_path / "v180-for-110.yaml")
    data = yaml.safe_load(fixed.read_text())
    assert data["router_settings"]["routing_strategy"] == "simple-shuffle"
    proxy = boots(fixed, None, "fixed-110").start()
    assert proxy.live_router_settings().get("routing_strategy") == "simple-shuffle"
    record(
        f"v180 config fixed for {versions.newest()} on litellm 1.110.2: booted in {proxy.boot_seconds:.1f} s"
    )


def test_audited_config_fixed_for_180_boots_on_180(old_venv, old_router_args, boots, tmp_path):
    fixed = fixed_copy(FIXTURE, tmp_path / "unified-for-180.yaml", "--target-version", "1.80")
    written = written_paths(FIXTURE, fixed)
    for section, key in written:
        assert versions.reads(section, key, OLD), f"{section}.{key} is not read by {OLD}"
    proxy = boots(fixed, old_venv, "unified-180").start()
    assert_router_keys_taken(written, fixed, proxy.live_router_settings(), old_router_args)
    record(f"audited config fixed for 1.80 on litellm {OLD}: booted in {proxy.boot_seconds:.1f} s")
