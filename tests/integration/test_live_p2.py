"""G8, G9, G10: `autofix apply --only p2` (and `--only p0,p1,p2`), proven on the live proxy.

Two boots, shared by the tests of this module (each boot costs 10-30 s; the pool boots them together):

- `p2_proxy`: a hand-written config in the audit's P2 forms (below), after `autofix apply --only p2`:
  `litellm_settings.otel_settings` with the vendor name `honeycomb` as exporter, an endpoint and a
  headers mapping; `rate_limit_settings.limits.limited.rpm: 2`; `general_settings.slack_webhook_url`
  holding a literal URL. The endpoint and the webhook point at a tiny HTTP sink in this test process
  (127.0.0.1), so the spans and the Slack alert the proxy sends can be read back.
  Expected after P2: `callbacks: [otel]` and `environment_variables` OTEL_ENDPOINT/OTEL_HEADERS (G8, no
  OTEL_EXPORTER: `honeycomb` is no exporter, the endpoint selects OTLP over HTTP); `litellm_params.rpm: 2`
  and `optional_pre_call_checks: [enforce_model_rate_limits]` (G9); `alerting: [slack]`,
  `alerting_threshold: 300` and `environment_variables.SLACK_WEBHOOK_URL` (G10).
- `all_fixes_proxy`: the audit's `fixtures/litellm-unified.yaml` after `autofix apply --only p0,p1,p2`:
  every fix together boots, and tracing with no exporter and no endpoint prints spans to the console.

`alerting_threshold` is not shown by any endpoint of a proxy without a database (`/alerting/settings`,
`/config/list` and `/config/field/info` need one), so it is read through the proxy's own loader
(`ProxyConfig().load_config`, the code the proxy runs at startup) on the same file.
"""

from __future__ import annotations

import gzip
import json
import secrets
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import proxy_harness as harness
import pytest
import yaml
from itest_support import (
    FIXTURE,
    PROXY_SPECS,
    ProxySpec,
    inference_calls,
    pooled_fixture,
    record,
    wait_for_fresh_minute,
)

pytestmark = pytest.mark.integration

HONEYCOMB_TEAM = "test-team-" + secrets.token_hex(4)  # sent as a header with every OTLP export


# ----------------------------------------------------------------------------------- sink


class Sink(ThreadingHTTPServer):
    """Records every POST it receives (path, headers, body); answers 200 with an empty JSON body."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SinkHandler)
        self.lock = threading.Lock()
        self.posts: list[dict] = []
        threading.Thread(target=self.serve_forever, name="p2-sink", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def received(self, path: str) -> list[dict]:
        with self.lock:
            return [p for p in self.posts if p["path"] == path]

    def wait_for(self, path: str, predicate=lambda post: True, timeout: float = 20.0) -> dict | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for post in self.received(path):
                if predicate(post):
                    return post
            time.sleep(0.2)
        return None


class _SinkHandler(BaseHTTPRequestHandler):
    server: Sink

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        with self.server.lock:
            self.server.posts.append(
                {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


_SINK: list[Sink] = []


def sink() -> Sink:
    """One sink for the module, started the first time a config needs its port."""
    if not _SINK:
        _SINK.append(Sink())
    return _SINK[0]


# -------------------------------------------------------------------------------- configs

BEFORE_P2 = """\
# The audit's P2 forms (gaps 8, 9, 10), as a user would have written them.
model_list:
  - model_name: limited
    litellm_params:
      model: openai/limited-model
      api_base: http://127.0.0.1:1/v1
      api_key: fake-key
  - model_name: free
    litellm_params:
      model: openai/free-model
      api_base: http://127.0.0.1:1/v1
      api_key: fake-key

litellm_settings:
  otel_settings:
    exporter: honeycomb  # not an exporter LiteLLM knows
    endpoint: {sink}
    headers:
      x-honeycomb-team: {team}

router_settings:
  routing_strategy: simple-shuffle
  num_retries: 0

rate_limit_settings:
  enabled: true
  limits:
    limited:
      rpm: 2

general_settings:
  slack_webhook_url: {sink}/hook

environment_variables:
  OTEL_BSP_SCHEDULE_DELAY: "200"  # export spans after 0.2 s, not 5 s
"""


def _p2_source(fix_config) -> Path:
    src = Path(tempfile.mkdtemp(prefix="autofix-p2-")) / "p2_forms.yaml"
    src.write_text(BEFORE_P2.format(sink=sink().url, team=HONEYCOMB_TEAM))
    return fix_config(src, only="p2")


# Registered like the specs in itest_support.PROXY_SPECS: the pool boots them together.
PROXY_SPECS.setdefault("p2_proxy", ProxySpec("after-p2", _p2_source))
PROXY_SPECS.setdefault(
    "all_fixes_proxy", ProxySpec("after-p0-p1-p2", lambda fix: fix(FIXTURE, only="p0,p1,p2"))
)


p2_proxy = pooled_fixture("p2_proxy")
all_fixes_proxy = pooled_fixture("all_fixes_proxy")


# -------------------------------------------------------------------------------- helpers


def traceparent() -> tuple[str, str]:
    trace_id = secrets.token_hex(16)
    return trace_id, f"00-{trace_id}-{secrets.token_hex(8)}-01"


def chat_with_headers(proxy, model: str, headers: dict, text: str | None = None) -> harness.Response:
    body = {"model": model, "messages": [{"role": "user", "content": text or f"hi {secrets.token_hex(4)}"}]}
    return harness.http(
        "POST",
        proxy.base_url + "/v1/chat/completions",
        token=proxy.master_key,
        body=body,
        headers=headers,
        timeout=60,
    )


def _alert_text(post: dict) -> str:
    try:
        return str(json.loads(post["body"]).get("text", ""))
    except ValueError:
        return ""


def config_callbacks(proxy) -> dict:
    response = proxy.get("/get/config/callbacks")
    assert response.status == 200, response
    return response.json


def load_with_proxy_loader(path: Path) -> dict:
    """Slack alerting as the proxy's own loader sets it up from `path` (venv python, no server)."""
    script = (
        "import asyncio, json, os, sys\n"
        "from litellm.proxy import proxy_server\n"
        "loop = asyncio.new_event_loop(); asyncio.set_event_loop(loop)\n"
        "loop.run_until_complete(proxy_server.ProxyConfig().load_config(router=None, config_file_path=sys.argv[1]))\n"
        "s = proxy_server.proxy_logging_obj.slack_alerting_instance\n"
        "print('RESULT ' + json.dumps({'alerting': s.alerting, 'alerting_threshold': s.alerting_threshold}), flush=True)\n"
        "os._exit(0)\n"  # background tasks the loader starts never finish cancelling
    )
    config = yaml.safe_load(path.read_text())
    env = harness.proxy_env(config, "sk-" + secrets.token_hex(24))
    result = subprocess.run(
        [str(harness.python_for_venv()), "-c", script, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=path.parent,
    )
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, f"the loader failed (exit {result.returncode}):\n{result.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT ") :])


# ------------------------------------------------------------------------ the P2 output


def test_p2_output_is_what_the_tests_assume(p2_proxy):
    """Guards the premise (the fixture pairs check the YAML byte for byte)."""
    data = yaml.safe_load(p2_proxy.source.read_text())
    env = data["environment_variables"]
    assert data["litellm_settings"] == {"callbacks": ["otel"]}  # otel_settings moved out
    assert env["OTEL_ENDPOINT"] == sink().url and env["OTEL_HEADERS"] == f"x-honeycomb-team={HONEYCOMB_TEAM}"
    assert "OTEL_EXPORTER" not in env  # 'honeycomb' is no exporter: not written
    assert data["model_list"][0]["litellm_params"]["rpm"] == 2
    assert "rate_limit_settings" not in data
    assert data["router_settings"]["optional_pre_call_checks"] == ["enforce_model_rate_limits"]
    assert data["general_settings"] == {"alerting": ["slack"], "alerting_threshold": 300}
    assert env["SLACK_WEBHOOK_URL"] == sink().url + "/hook"


# --------------------------------------------------------------------------------- G8


def test_g8_otel_callback_is_live_with_its_environment_variables(p2_proxy):
    body = config_callbacks(p2_proxy)
    otel = [c for c in body["callbacks"] if c.get("name") == "otel"]
    assert otel, body["callbacks"]
    variables = otel[0]["variables"]
    assert variables.get("OTEL_ENDPOINT") and variables.get("OTEL_HEADERS"), variables
    record(f"after-P2: /get/config/callbacks lists otel with {sorted(k for k, v in variables.items() if v)}")


def test_g8_spans_reach_the_endpoint_in_the_callers_trace(p2_proxy):
    """A traceparent sent with a request: the proxy's spans, exported with OTLP over HTTP to the
    migrated OTEL_ENDPOINT (with the migrated OTEL_HEADERS), carry the caller's trace id."""
    trace_id, header = traceparent()
    started = time.monotonic()
    response = chat_with_headers(p2_proxy, "free", {"traceparent": header})
    assert response.status == 200, response
    assert response.headers.get("x-litellm-call-id"), response.headers
    post = sink().wait_for("/v1/traces", lambda p: bytes.fromhex(trace_id) in p["body"])
    exports = sink().received("/v1/traces")
    assert post is not None, (
        f"no OTLP export with trace id {trace_id} reached {sink().url}/v1/traces "
        f"({len(exports)} exports seen)\n{harness.log_tail(p2_proxy.log_path, 30)}"
    )
    assert post["headers"].get("x-honeycomb-team") == HONEYCOMB_TEAM, post["headers"]
    assert post["headers"].get("content-type", "").startswith("application/x-protobuf"), post["headers"]
    record(
        f"after-P2: OTLP/HTTP export with the caller's trace id after {time.monotonic() - started:.1f} s "
        f"({len(exports)} exports, x-honeycomb-team header present)"
    )


# --------------------------------------------------------------------------------- G9


def test_g9_moved_rpm_2_gives_429_on_the_third_request(p2_proxy):
    wait_for_fresh_minute(needed_seconds=10)
    before = len(inference_calls(p2_proxy.upstream, "limited-model"))
    statuses = [p2_proxy.chat("limited").status for _ in range(3)]
    fourth = p2_proxy.chat("limited")
    reached = len(inference_calls(p2_proxy.upstream, "limited-model")) - before
    record(
        f"after-P2: moved rpm 2: statuses {statuses}; 4th: {fourth.status} {fourth.error_message()[:80]!r}"
    )
    assert statuses == [200, 200, 429], statuses
    assert fourth.status == 429 and "rate limit" in fourth.error_message().lower(), fourth
    assert reached == 2, f"{reached} requests reached the upstream, expected 2"
    assert p2_proxy.chat("free").status == 200  # the other group has no limit


# -------------------------------------------------------------------------------- G10


def test_g10_slack_alerting_is_live_with_the_migrated_webhook(p2_proxy):
    body = config_callbacks(p2_proxy)
    assert list(body["active_alerting_destinations"]) == ["slack"], body["active_alerting_destinations"]
    slack = [a for a in body["alerts"] if a.get("name") == "slack"]
    assert slack and slack[0]["variables"].get("SLACK_WEBHOOK_URL"), body["alerts"]


def test_g10_an_alert_reaches_the_webhook(p2_proxy):
    """`/health/services?service=slack` sends a test alert; the proxy posts it (batched, ~5 s) to the
    SLACK_WEBHOOK_URL that autofix moved out of general_settings.slack_webhook_url."""
    started = time.monotonic()
    response = p2_proxy.get("/health/services?service=slack")
    assert response.status == 200, response
    post = sink().wait_for("/hook", lambda p: "test slack alert" in _alert_text(p).lower(), timeout=20)
    others = [_alert_text(p).split("\n")[2:3] for p in sink().received("/hook") if p is not post]
    assert post is not None, (
        f"no test alert reached {sink().url}/hook (others: {others})\n"
        + harness.log_tail(p2_proxy.log_path, 30)
    )
    assert "Missing SLACK_WEBHOOK_URL" not in p2_proxy.log_text()
    posts = sink().received("/hook")
    limited = [p for p in posts if "rate limit exceeded" in _alert_text(p).lower()]
    record(
        f"after-P2: Slack test alert reached the webhook after {time.monotonic() - started:.1f} s "
        f"({len(posts)} alert posts in all, {len(limited)} of them llm_exceptions for rate-limit 429s)"
    )


def test_g10_loader_sets_slack_and_threshold_300(p2_proxy):
    loaded = load_with_proxy_loader(p2_proxy.source)
    record(
        f"after-P2: the proxy's loader sets alerting {loaded['alerting']}, threshold {loaded['alerting_threshold']}"
    )
    assert loaded == {"alerting": ["slack"], "alerting_threshold": 300}


# ------------------------------------------------------------------ every fix together


def test_all_fixes_boot_together_with_otel_and_slack(all_fixes_proxy):
    data = yaml.safe_load(all_fixes_proxy.source.read_text())
    assert data["litellm_settings"]["callbacks"] == ["prometheus", "otel"]
    assert "rate_limit_settings" not in data and data["general_settings"]["alerting"] == ["slack"]
    body = config_callbacks(all_fixes_proxy)
    names = {c.get("name") for c in body["callbacks"]}
    assert {"prometheus", "otel"} <= names, names
    assert list(body["active_alerting_destinations"]) == ["slack"]
    assert body["router_settings"].get("routing_strategy") == "simple-shuffle"


def test_all_fixes_console_spans_carry_the_callers_trace(all_fixes_proxy):
    """No exporter and no endpoint: the spans go to the console (the proxy's stdout, its log here)."""
    trace_id, header = traceparent()
    response = chat_with_headers(all_fixes_proxy, "llama3.1:latest", {"traceparent": header})
    assert response.status == 200, response
    deadline = time.monotonic() + 20  # the console exporter's batch flushes every 5 s
    while time.monotonic() < deadline and f"0x{trace_id}" not in all_fixes_proxy.log_text():
        time.sleep(0.5)
    assert f"0x{trace_id}" in all_fixes_proxy.log_text(), harness.log_tail(all_fixes_proxy.log_path, 30)
    record("after-P0+P1+P2: a console span carries the caller's trace id")
