"""G5 and `callbacks: ["webhook"]`, proven on the live proxy.

The config of issue 10 item 6: `litellm_settings.callbacks: ["webhook"]` with a nested
`callback_settings.webhook: {url: ...}`, plus one deployment on the fake upstream. Three boots, launched
together by one module fixture:

- `before`: the config as written. Proven: the proxy exits during startup with
  `ValueError: Empty module name` (LiteLLM imports the unknown bare name as a Python module,
  `proxy/common_utils/callback_utils.py` `initialize_callbacks_on_proxy` → `get_instance_fn`), and
  `autofix --check` exits 1 on it, and again after the default (safe) `apply`, which leaves the name
  in place because completing the sink is an unsafe fix.
- `completed`: after `autofix apply --only G5 --unsafe-fixes`, which moved the block to the top level with
  its comments and completed it there. Proven: the proxy boots and, after a chat
  request, the sink's endpoint (the fake upstream, path `/litellm-logs`) receives LiteLLM's POST with
  the logged request: `callback_settings.webhook` became `{callback_type: generic_api, endpoint,
  headers: {}}` (`litellm_core_utils/logging_callback_manager.py` `add_custom_callback_generic_api_str`).
- `no_url`: `callbacks: ["prometheus", "webhook"]` whose `callback_settings.webhook` holds no URL, after the
  default `apply`. Proven: G5 removed `webhook` and the proxy boots, `/metrics` served.

Only 127.0.0.1 is contacted (the sink URL is the fake upstream's).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import proxy_harness as harness
import pytest
import yaml
from fake_upstream import FakeUpstreamServer
from itest_support import REPO_ROOT, record

pytestmark = pytest.mark.integration

SINK_PATH = "/litellm-logs"
BEFORE = """\
model_list:
  - model_name: fake
    litellm_params:
      model: openai/fake-model
      api_base: {upstream}/v1
      api_key: sk-fake-upstream
litellm_settings:
  callbacks: ["webhook"]
  # the team's log collector
  callback_settings:
    webhook: {{url: {upstream}{sink}}}  # staging for now
"""
NO_URL = """\
model_list:
  - model_name: fake
    litellm_params:
      model: openai/fake-model
      api_base: {upstream}/v1
      api_key: sk-fake-upstream
litellm_settings:
  callbacks: ["prometheus", "webhook"]
callback_settings:
  webhook:
    event_types: [llm_api_success]
"""


def _autofix(*args: str | Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    argv = [sys.executable, "-m", "autofix", *(str(a) for a in args)]
    return subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


class _Boot:
    def __init__(self, label: str, text: str, workdir: Path):
        workdir.mkdir(parents=True, exist_ok=True)
        self.upstream = FakeUpstreamServer(0).start()
        self.config = workdir / f"{label}.yaml"
        self.config.write_text(text.format(upstream=self.upstream.base_url, sink=SINK_PATH))
        self.proxy: harness.Proxy | None = None
        self.workdir = workdir

    def launch(self) -> _Boot:
        self.proxy = harness.Proxy(self.config, self.workdir)
        self.proxy.upstream = self.upstream
        self.proxy.launch()
        return self

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        self.upstream.stop()


@pytest.fixture(scope="module")
def boots(integration_ready, tmp_path_factory):
    work = tmp_path_factory.mktemp("g5-webhook")
    started: dict[str, _Boot] = {}
    outputs: dict[str, subprocess.CompletedProcess] = {}
    try:
        before = started["before"] = _Boot("before", BEFORE, work / "before")
        outputs["check_before"] = _autofix("--check", "--only", "G5", before.config)
        safe = _Boot("safe", BEFORE, work / "safe")
        try:
            outputs["apply_safe"] = _autofix("apply", "--only", "G5", safe.config)
            outputs["check_safe"] = _autofix("--check", "--only", "G5", safe.config)
            outputs["safe_text"] = safe.config.read_text()
        finally:
            safe.stop()
        completed = started["completed"] = _Boot("completed", BEFORE, work / "completed")
        outputs["apply_unsafe"] = _autofix("apply", "--only", "G5", "--unsafe-fixes", completed.config)
        outputs["check_completed"] = _autofix("--check", "--only", "G5", "--unsafe-fixes", completed.config)
        no_url = started["no_url"] = _Boot("no_url", NO_URL, work / "no_url")
        outputs["apply_no_url"] = _autofix("apply", "--only", "G5", no_url.config)
        for boot in started.values():
            boot.launch()
        yield started, outputs
    finally:
        for boot in started.values():
            boot.stop()


def _wait_ready(boot: _Boot) -> harness.Proxy:
    try:
        boot.proxy.wait_ready()
    except harness.ProxyBootError as error:
        pytest.fail(f"the proxy did not boot: {error}", pytrace=False)
    record(f"boot g5-{boot.config.stem}: {boot.proxy.boot_seconds:.1f} s to /health/liveliness")
    return boot.proxy


def test_the_original_config_does_not_start_and_check_says_so(boots):
    started, outputs = boots
    proxy = started["before"].proxy
    with pytest.raises(harness.ProxyBootError):
        proxy.wait_ready()
    assert "Empty module name" in proxy.log_text()
    check = outputs["check_before"]
    assert check.returncode == 1, check.stdout + check.stderr


def test_the_safe_run_keeps_the_name_and_exits_1(boots):
    _, outputs = boots
    apply = outputs["apply_safe"]
    assert apply.returncode == 1, apply.stdout + apply.stderr  # a startup-fatal problem remains
    assert "will not start" in apply.stdout and "--unsafe-fixes" in apply.stdout
    assert yaml.safe_load(outputs["safe_text"])["litellm_settings"]["callbacks"] == ["webhook"]
    check = outputs["check_safe"]
    assert check.returncode == 1, check.stdout + check.stderr
    assert "the proxy does not start" in check.stdout  # --check names the reason, not only the file


def test_the_completed_sink_boots_and_receives_the_logs(boots):
    started, outputs = boots
    apply = outputs["apply_unsafe"]
    assert apply.returncode == 0, apply.stdout + apply.stderr
    assert outputs["check_completed"].returncode == 0
    boot = started["completed"]
    fixed = yaml.safe_load(boot.config.read_text())
    assert fixed["callback_settings"]["webhook"] == {
        "callback_type": "generic_api",
        "endpoint": boot.upstream.base_url + SINK_PATH,
        "headers": {},
    }
    assert fixed["litellm_settings"]["callbacks"] == ["webhook"]
    text = boot.config.read_text()
    assert "\n# the team's log collector\ncallback_settings:\n" in text, text  # its comments moved along
    assert "}  # staging for now\n" in text, text
    proxy = _wait_ready(boot)
    response = proxy.chat("fake")
    assert response.status == 200, response
    deadline = time.monotonic() + 30  # the generic_api logger flushes every 5 s
    posts: list[dict] = []
    while time.monotonic() < deadline and not posts:
        posts = [c for c in boot.upstream.snapshot()["calls"] if c["path"] == SINK_PATH]
        time.sleep(0.5)
    assert posts, f"no POST reached {SINK_PATH}: {boot.upstream.snapshot()['by_path']}"
    record(f"g5 webhook sink: {len(posts)} POST(s) to the endpoint after 1 chat request")


def test_a_sink_without_a_url_loses_the_name_and_boots(boots):
    started, outputs = boots
    apply = outputs["apply_no_url"]
    assert apply.returncode == 0, apply.stdout + apply.stderr
    boot = started["no_url"]
    assert yaml.safe_load(boot.config.read_text())["litellm_settings"]["callbacks"] == ["prometheus"]
    proxy = _wait_ready(boot)
    assert proxy.get("/metrics").status == 200
