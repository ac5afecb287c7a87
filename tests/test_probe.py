"""`autofix probe` against a stdlib fake of the LiteLLM 1.110.2 endpoints on 127.0.0.1.

The fake answers with the shapes the real proxy sends (measured; see autofix/probe.py): /cache/ping's
redis answer with host/port under health_check_cache_params.redis_kwargs, its two 503 forms (a JSON
string inside error.message), the 401 of an authenticated route without a key, /metrics in the
Prometheus text format.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from autofix.probe import probe, probe_command

KEY = "sk-test-3f9a1c5e7b2d4f6a8c0e"
KEY_ENV = "AUTOFIX_PROBE_TEST_KEY"

CACHE_PARAMS = json.dumps({"type": "redis", "namespace": None, "ttl": None, "max_messages": 4})
HEALTH_PARAMS = {
    "host": None,
    "port": None,
    "redis_kwargs": {"host": "10.1.2.3", "port": 6380, "socket_timeout": 5.0},
    "namespace": None,
    "redis_version": "7.0.15",
}
METRICS = (
    "# HELP python_gc_objects_collected_total Objects collected during gc\n"
    "# TYPE python_gc_objects_collected_total counter\n"
    'python_gc_objects_collected_total{generation="0"} 1.0\n'
    "# HELP litellm_requests_metric Total requests\n"
    "# TYPE litellm_requests_metric counter\n"
)


def _error(status: int, message: str, kind: str) -> tuple[int, object]:
    return status, {"error": {"message": message, "type": kind, "param": None, "code": str(status)}}


class FakeProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.cache = "redis"  # redis | down | none | local
        self.metrics = True
        self.metrics_auth = True
        self.echo_key = False  # a 401 that repeats the key it got (the probe must mask it)
        self.ready_status = 200
        self.redirect_cache_to: str | None = None
        self.seen_auth: list[tuple[str, str | None]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FakeProxy

    def log_message(self, *args):
        pass

    def _send(self, status: int, payload, content_type="application/json"):
        body = (
            payload.encode()
            if isinstance(payload, str) and content_type != "application/json"
            else (json.dumps(payload).encode())
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorised(self) -> bool:
        auth = self.headers.get("Authorization")
        self.server.seen_auth.append((self.path, auth))
        return auth == f"Bearer {KEY}"

    def _unauthorised(self):
        auth = self.headers.get("Authorization")
        if auth is None:
            return _error(401, "Authentication Error, No api key passed in.", "auth_error")
        message = "Authentication Error, invalid key"
        if self.server.echo_key:
            message += f": {auth.removeprefix('Bearer ')}"
        return _error(401, message, "auth_error")

    def do_GET(self):
        s = self.server
        if self.path == "/health/liveliness":
            return self._send(200, "I'm alive!")
        if self.path == "/health/readiness":
            if s.ready_status != 200:
                return self._send(s.ready_status, {"status": "healthy", "db": "disconnected"})
            return self._send(200, {"status": "healthy", "db": "Not connected"})
        if self.path.split("?")[0] == "/cache/ping":
            if s.redirect_cache_to and "?" not in self.path:
                self.server.seen_auth.append((self.path, self.headers.get("Authorization")))
                self.send_response(307)
                self.send_header("Location", s.redirect_cache_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if not self._authorised():
                return self._send(*self._unauthorised())
            if s.cache == "none":
                inner = {
                    "message": "Cache not initialized. litellm.cache is None",
                    "litellm_cache_params": "{}",
                    "health_check_cache_params": "{}",
                }
                return self._send(*_error(503, json.dumps(inner), "cache_ping_error"))
            if s.cache == "down":
                inner = {
                    "message": "Service Unhealthy",
                    "litellm_cache_params": CACHE_PARAMS,
                    "health_check_cache_params": json.dumps(HEALTH_PARAMS),
                }
                return self._send(*_error(503, json.dumps(inner), "cache_ping_error"))
            if s.cache == "local":
                return self._send(
                    200,
                    {
                        "status": "healthy",
                        "cache_type": "local",
                        "ping_response": None,
                        "set_cache_response": None,
                        "litellm_cache_params": "{}",
                        "health_check_cache_params": None,
                    },
                )
            return self._send(
                200,
                {
                    "status": "healthy",
                    "cache_type": "redis",
                    "ping_response": True,
                    "set_cache_response": "success",
                    "litellm_cache_params": CACHE_PARAMS,
                    "health_check_cache_params": HEALTH_PARAMS,
                },
            )
        if self.path == "/metrics":
            if not s.metrics:
                return self._send(404, {"detail": "Not Found"})
            if s.metrics_auth and not self._authorised():
                return self._send(401, "Unauthorized access to metrics endpoint: Authentication Error")
            return self._send(200, METRICS, "text/plain; version=0.0.4")
        return self._send(404, {"detail": "Not Found"})


@pytest.fixture
def fake():
    server = FakeProxy()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv(KEY_ENV, raising=False)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # a proxy must never be used for loopback


def _check(result: dict, name: str) -> dict:
    return next(c for c in result["checks"] if c["name"] == name)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    return path


CACHE_CONFIG = """\
litellm_settings:
  cache: true
  cache_params: {type: redis, host: 10.1.2.3, port: 6380}
  callbacks: [prometheus]
"""
NO_CACHE_CONFIG = "litellm_settings:\n  json_logs: true\n"


# ------------------------------------------------------------------------------------- probe()


def test_healthy_redis(fake):
    result = probe(fake.url, KEY)
    assert result["reachable"] and result["healthy"], result
    cache = _check(result, "cache")
    assert cache["ok"] and cache["status"] == "ok" and cache["status_code"] == 200
    assert cache["cache_type"] == "redis"
    assert cache["redis_version"] == "7.0.15"
    assert (cache["redis_host"], cache["redis_port"]) == (
        "10.1.2.3",
        6380,
    )  # from redis_kwargs, not the nulls
    assert cache["ping_response"] is True and cache["set_cache_response"] == "success"
    assert "redis 7.0.15 at 10.1.2.3:6380" in cache["detail"]
    metrics = _check(result, "metrics")
    assert metrics["ok"] and metrics["litellm_metric_families"] == 1 and metrics["metric_families"] == 2
    assert [c["name"] for c in result["checks"]] == ["liveliness", "readiness", "cache", "metrics"]
    assert all(auth == f"Bearer {KEY}" for path, auth in fake.seen_auth)


def test_cache_down_is_unhealthy_with_where_it_was(fake):
    fake.cache = "down"
    result = probe(fake.url, KEY)
    assert result["reachable"] and not result["healthy"]
    cache = _check(result, "cache")
    assert not cache["ok"] and cache["status"] == "fail" and cache["status_code"] == 503
    assert "10.1.2.3:6380" in cache["detail"] and "Service Unhealthy" in cache["detail"]
    assert cache["cache_type"] == "redis"
    assert any(p.startswith("cache:") for p in result["problems"])


def test_no_cache_without_config_is_a_warning(fake):
    fake.cache = "none"
    result = probe(fake.url, KEY)
    cache = _check(result, "cache")
    assert cache["ok"] and cache["status"] == "warn" and "no cache configured" in cache["detail"]
    assert result["healthy"]


def test_no_cache_is_unhealthy_when_the_config_wants_one(fake):
    fake.cache = "none"
    result = probe(fake.url, KEY, {"litellm_settings": {"cache": True}})
    cache = _check(result, "cache")
    assert not cache["ok"] and "litellm_settings.cache: true" in cache["detail"]
    assert not result["healthy"]


def test_no_cache_is_fine_when_the_config_has_none(fake):
    fake.cache = "none"
    fake.metrics = False
    result = probe(fake.url, KEY, {"litellm_settings": {"cache": "true"}})  # a string builds no cache
    assert _check(result, "cache")["status"] == "ok"
    assert [c["name"] for c in result["checks"]] == ["liveliness", "readiness", "cache"]  # no prometheus
    assert result["healthy"]


def test_local_cache(fake):
    fake.cache = "local"
    cache = _check(probe(fake.url, KEY), "cache")
    assert cache["ok"] and cache["cache_type"] == "local" and "only redis is pinged" in cache["detail"]


def test_without_key_the_authenticated_checks_are_skipped_and_needed(fake):
    result = probe(fake.url, None, key_env="MY_KEY")
    cache, metrics = _check(result, "cache"), _check(result, "metrics")
    assert cache["status"] == "skip" and cache["status_code"] == 401 and not cache["ok"]
    assert "set MY_KEY (or --key-env NAME)" in cache["detail"]
    assert metrics["status"] == "skip" and metrics["ok"]  # metrics are optional without a config
    assert _check(result, "liveliness")["ok"] and _check(result, "readiness")["ok"]
    assert not result["healthy"]
    assert all(auth is None for path, auth in fake.seen_auth)


def test_wrong_key_is_a_failure(fake):
    result = probe(fake.url, "sk-wrong-wrong-wrong")
    cache = _check(result, "cache")
    assert cache["status"] == "fail" and "refused the key" in cache["detail"]


def test_metrics_404_without_config_is_only_reported(fake):
    fake.metrics = False
    result = probe(fake.url, KEY)
    metrics = _check(result, "metrics")
    assert metrics["ok"] and metrics["status"] == "info" and metrics["status_code"] == 404
    assert result["healthy"]


def test_metrics_404_with_prometheus_in_the_config_is_unhealthy(fake):
    fake.metrics = False
    result = probe(fake.url, KEY, {"litellm_settings": {"success_callback": ["prometheus"]}})
    assert not _check(result, "metrics")["ok"] and not result["healthy"]


def test_readiness_503_is_unhealthy(fake):
    fake.ready_status = 503
    result = probe(fake.url, KEY)
    ready = _check(result, "readiness")
    assert not ready["ok"] and ready["db"] == "disconnected"


def test_unreachable(closed_port):
    result = probe(f"http://127.0.0.1:{closed_port}", KEY, timeout=2)
    assert not result["reachable"] and not result["healthy"]
    assert result["error"] == f"cannot reach http://127.0.0.1:{closed_port}: connection refused"


def test_redirects_keep_the_key_on_the_same_origin_only(fake):
    other = FakeProxy()
    thread = threading.Thread(target=other.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        # another origin (another port): not followed, so the key never travels there
        fake.redirect_cache_to = other.url + "/cache/ping?moved"
        cache = _check(probe(fake.url, KEY), "cache")
        assert cache["status"] == "fail" and cache["status_code"] == 307
        assert other.seen_auth == []
        # the same origin: followed, with the key
        fake.redirect_cache_to = fake.url + "/cache/ping?moved"
        cache = _check(probe(fake.url, KEY), "cache")
        assert cache["status"] == "ok" and cache["status_code"] == 200
        assert ("/cache/ping?moved", f"Bearer {KEY}") in fake.seen_auth
    finally:
        other.shutdown()
        other.server_close()
        thread.join(timeout=5)


def test_not_a_litellm_proxy(fake):
    result = probe(fake.url + "/nothing-here", KEY)
    assert result["reachable"] and not result["healthy"]
    assert "is this a LiteLLM proxy" in _check(result, "liveliness")["detail"]


# ------------------------------------------------------------------------------ probe_command()


def test_command_healthy_text_table(fake, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(KEY_ENV, KEY)
    code = probe_command(fake.url, KEY_ENV, "text", _write(tmp_path, CACHE_CONFIG))
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"autofix probe {fake.url}"
    assert lines[1].split() == ["check", "status", "detail"]
    rows = {line.split()[0]: line.split()[1] for line in lines[2:-1]}
    assert rows == {"liveliness": "ok", "readiness": "ok", "cache": "ok", "metrics": "ok"}
    detail_col = lines[1].index("detail")
    assert all(line[detail_col - 2 : detail_col] == "  " for line in lines[2:-1])  # aligned
    assert lines[-1] == "healthy"
    assert "\033[" not in out  # NO_COLOR, and not a terminal
    assert KEY not in out + err


def test_command_json_output_parses(fake, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, KEY)
    fake.cache = "down"
    code = probe_command(url=fake.url, key_env=KEY_ENV, fmt="json")
    out, err = capsys.readouterr()
    assert code == 1
    data = json.loads(out)
    assert data["url"] == fake.url and data["healthy"] is False
    for check in data["checks"]:
        assert {"name", "ok", "status_code", "detail"} <= set(check)
    cache = _check(data, "cache")
    assert cache["ok"] is False and cache["status_code"] == 503 and cache["redis_version"] == "7.0.15"
    assert len(err.strip().splitlines()) == 1 and err.startswith("autofix probe: unhealthy: cache:")
    assert KEY not in out + err


def test_command_unreachable_exit_2(closed_port, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, KEY)
    code = probe_command(f"http://127.0.0.1:{closed_port}", KEY_ENV, "text", timeout=2)
    out, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == f"autofix probe: cannot reach http://127.0.0.1:{closed_port}: connection refused"
    assert "unreachable" in out


def test_command_without_key_exits_1_and_says_so(fake, capsys):
    code = probe_command(fake.url, KEY_ENV, "text")
    out, err = capsys.readouterr()
    assert code == 1
    first, second = err.strip().splitlines()
    assert first.startswith(f"autofix probe: {KEY_ENV} is not set")
    assert f"set {KEY_ENV} (or --key-env NAME)" in first
    assert second.startswith("autofix probe: unhealthy: cache: needs the master key")
    assert "liveliness  ok" in out


def test_key_is_never_printed_even_when_echoed(fake, monkeypatch, capsys):
    rejected = "sk-rejected-9d8c7b6a5f4e3d2c1b0a"
    monkeypatch.setenv(KEY_ENV, rejected)
    fake.echo_key = True  # the fake rejects this key and repeats it in its 401 message
    for fmt in ("text", "json"):
        assert probe_command(fake.url, KEY_ENV, fmt) == 1
        out, err = capsys.readouterr()
        assert "refused the key" in out
        assert rejected not in out + err
        assert "****" in out


def test_command_config_without_cache_or_prometheus(fake, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv(KEY_ENV, KEY)
    fake.cache = "none"
    code = probe_command(fake.url, KEY_ENV, "json", _write(tmp_path, NO_CACHE_CONFIG))
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and [c["name"] for c in data["checks"]] == ["liveliness", "readiness", "cache"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"fmt": "yaml"}, "unknown --format"),
        ({"url": "127.0.0.1:4000"}, "invalid --url"),
        ({"timeout": 0}, "invalid --timeout"),
        ({"config": Path("/nonexistent/config.yaml")}, "no such file"),
    ],
)
def test_command_usage_errors_exit_2(kwargs, message, capsys):
    assert probe_command(**kwargs) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_command_bad_config_exit_2(tmp_path, capsys):
    assert probe_command(config=_write(tmp_path, "- a\n- b\n")) == 2
    assert "not a LiteLLM config" in capsys.readouterr().err


def test_colour_only_on_a_terminal_without_no_color(fake, monkeypatch, capsys):
    from autofix import probe as mod
    from autofix.text import Painter

    monkeypatch.setenv(KEY_ENV, KEY)
    result = probe(fake.url, KEY)
    assert "\033[32m" in mod.render_text(result, colour=True)
    assert "\033[" not in mod.render_text(result, colour=False)
    monkeypatch.setattr(mod.sys.stdout, "isatty", lambda: True, raising=False)
    assert not Painter(mod.sys.stdout).colour  # NO_COLOR is set by the autouse fixture
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "xterm")
    assert Painter(mod.sys.stdout).colour
