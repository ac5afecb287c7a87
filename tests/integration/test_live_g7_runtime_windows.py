"""G7 and the local groups whose window LiteLLM only learns at run time, proven on the live proxy.

LiteLLM 1.110.2's pre-call check (`router_rust/steps/precall.py` `_max_input_tokens`) reads a deployment's
window through `get_model_info(model=...)` with no api_base (`router_rust/surface/model_info.py`
`_model_info_row`), and for hosted_vllm/openai deployments from the window the router discovers on the
deployment's own server (`llms/openai_like/model_info.py`: `/v1/models`, `max_model_len`). So:

- `ollama/<name>:<tag>` (not in LiteLLM's map) gets its window from the Ollama server's `/api/show`
  (`llms/ollama/common_utils.py` `get_runtime_model_info`), asked at OLLAMA_API_BASE or
  http://localhost:11434, NOT at the deployment's api_base;
- `hosted_vllm/<name>` gets it from its server's `/v1/models` (`max_model_len`).

One fake upstream (tests/integration/fake_upstream.py) plays both servers: `/api/show` answers
`llama.context_length: 8192`, `/v1/models` answers `max_model_len` 8192 (set for this module). Two boots:

- `default_base`: the upstream listens on 127.0.0.1:11434, Ollama's default, as in the audited config
  (`api_base: http://127.0.0.1:11434`). Proven: a 9,000-token prompt to the Ollama group and to the
  vLLM group is answered by `big` through context_window_fallbacks, with no call to the small models:
  the router learned both windows (8192) from the servers, and G7's fallbacks for such groups fire.
- `other_base`: the Ollama deployment's api_base is another port, and OLLAMA_API_BASE points nowhere.
  Proven: LiteLLM never asks that server's `/api/show`, so the window stays unknown and the same
  prompt goes to the Ollama model itself (a real Ollama truncates it silently at num_ctx): a fallback
  for such a group cannot fire, which is why G7 reports it instead of deriving one.

Needs the private network namespace (port 11434 must be free): skipped on the host loopback.
"""

from __future__ import annotations

import secrets

import fake_upstream
import proxy_harness as harness
import pytest
from fake_upstream import FakeUpstreamServer
from itest_support import record

pytestmark = pytest.mark.integration

OLLAMA_DEFAULT_PORT = 11434
WINDOW = 8192  # what both fake servers report
CONFIG = """\
model_list:
  - model_name: local-ollama
    litellm_params:
      model: ollama/mystery-coder:7b
      api_base: {ollama_base}
  - model_name: local-vllm
    litellm_params:
      model: hosted_vllm/mystery-vllm
      api_base: {upstream}/v1
  - model_name: big
    litellm_params:
      model: openai/big-model
      api_base: {upstream}/v1
      api_key: fake-key
    model_info:
      max_input_tokens: 1000000
router_settings:
  enable_pre_call_checks: true
  num_retries: 0
  context_window_fallbacks:
    - local-ollama: [big]
    - local-vllm: [big]
"""


class _Boot:
    def __init__(self, label: str, workdir, port: int, env_extra: dict):
        workdir.mkdir(parents=True, exist_ok=True)
        self.upstream = FakeUpstreamServer(port, models=("mystery-vllm", "big-model")).start()
        base = self.upstream.base_url
        config = workdir / f"{label}.yaml"
        config.write_text(CONFIG.format(ollama_base=base, upstream=base))
        self.proxy = harness.Proxy(config, workdir, env_extra=env_extra)
        self.proxy.upstream = self.upstream
        self.label = label

    def stop(self) -> None:
        self.proxy.stop()
        self.upstream.stop()


@pytest.fixture(scope="module")
def boots(integration_ready, tmp_path_factory):
    if integration_ready["mode"] != "netns":
        pytest.skip("needs the private network namespace: the fake Ollama takes port 11434")
    if harness.port_open(OLLAMA_DEFAULT_PORT):
        pytest.skip("port 11434 is taken")
    saved = fake_upstream.CONTEXT_LENGTH
    fake_upstream.CONTEXT_LENGTH = WINDOW  # the vLLM server's max_model_len
    work = tmp_path_factory.mktemp("g7-runtime")
    started: dict[str, _Boot] = {}
    try:
        started["default_base"] = _Boot("default_base", work / "default", OLLAMA_DEFAULT_PORT, {})
        started["other_base"] = _Boot(
            "other_base",
            work / "other",
            0,
            {"OLLAMA_API_BASE": "http://127.0.0.1:9"},  # nothing listens there
        )
        for boot in started.values():
            boot.proxy.launch()
        for boot in started.values():
            try:
                boot.proxy.wait_ready()
            except harness.ProxyBootError as error:
                pytest.fail(f"the {boot.label} proxy did not boot: {error}", pytrace=False)
            record(f"boot g7-runtime-{boot.label}: {boot.proxy.boot_seconds:.1f} s to /health/liveliness")
        yield started
    finally:
        fake_upstream.CONTEXT_LENGTH = saved
        for boot in started.values():
            boot.stop()


def _calls(upstream, path=None, model=None):
    return [
        c
        for c in upstream.snapshot()["calls"]
        if (path is None or c["path"] == path) and (model is None or c["model"] == model)
    ]


def _oversized() -> str:
    return "word " * (WINDOW + 800) + secrets.token_hex(4)


@pytest.mark.parametrize(
    "group, small_path, small_model",
    [
        ("local-ollama", "/api/generate", "mystery-coder:7b"),
        ("local-vllm", "/chat/completions", "mystery-vllm"),
    ],
)
def test_a_window_the_server_reports_makes_the_fallback_fire(boots, group, small_path, small_model):
    boot = boots["default_base"]
    before_small = len(_calls(boot.upstream, small_path, small_model))
    before_big = len(_calls(boot.upstream, "/chat/completions", "big-model"))
    response = boot.proxy.chat(group, _oversized(), timeout=120)
    small = len(_calls(boot.upstream, small_path, small_model)) - before_small
    big = len(_calls(boot.upstream, "/chat/completions", "big-model")) - before_big
    record(f"G7 runtime window, {group} at the default base: HTTP {response.status}, small={small} big={big}")
    assert response.status == 200, response
    assert (small, big) == (0, 1), f"small={small} big={big}: the router did not learn the window"
    if group == "local-ollama":
        assert _calls(boot.upstream, "/api/show"), "LiteLLM never asked /api/show"


def test_an_ollama_server_off_the_default_base_is_never_asked(boots):
    boot = boots["other_base"]
    response = boot.proxy.chat("local-ollama", _oversized(), timeout=120)
    show = _calls(boot.upstream, "/api/show")
    small = _calls(boot.upstream, "/api/generate", "mystery-coder:7b")
    big = _calls(boot.upstream, "/chat/completions", "big-model")
    record(
        f"G7 runtime window, local-ollama off the default base: HTTP {response.status}, /api/show calls "
        f"{len(show)}, small={len(small)} big={len(big)}"
    )
    assert not show  # the deployment's own server is never asked for the window
    assert len(small) == 1 and not big  # sent to the small model: no fallback
