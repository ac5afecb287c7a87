"""Helpers shared by the integration tests (import this, never `conftest`)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import proxy_harness as harness
import pytest
import yaml
from fake_upstream import FakeUpstreamServer

HERE = Path(__file__).resolve().parent
REPO_ROOT = harness.REPO_ROOT
FIXTURE = REPO_ROOT / "fixtures" / "litellm-unified.yaml"
CONFIGS = HERE / "configs"

# Numbers measured during the run, printed in the terminal summary (see MEASURED.md).
MEASUREMENTS: list[str] = []


def record(line: str) -> None:
    MEASUREMENTS.append(line)


# ------------------------------------------------------------------------------ upstream


@contextlib.contextmanager
def upstream_delay(server: FakeUpstreamServer, seconds: float, models=None):
    """Delay the upstream's answers (and stream chunks) for `models` (upstream names) meanwhile."""
    server.configure(seconds, models)
    try:
        yield server
    finally:
        server.configure(0.0, None)


def inference_calls(server: FakeUpstreamServer, model: str | None = None) -> list[dict]:
    """Completion/chat/embedding calls that reached the upstream (not GET /models, /api/show)."""
    return [
        c
        for c in server.snapshot()["calls"]
        if c["method"] == "POST" and c["path"] != "/api/show" and (model is None or c["model"] == model)
    ]


def wait_until_quiet(
    server: FakeUpstreamServer, *, at_least: int, quiet: float = 1.0, timeout: float = 60.0
) -> int:
    """Wait until the upstream has seen `at_least` inference calls and then none for `quiet` s."""
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(inference_calls(server))
        if count != last:
            last, since = count, time.monotonic()
        elif count >= at_least and time.monotonic() - since >= quiet:
            return count
        time.sleep(0.1)
    return last


def wait_for_fresh_minute(needed_seconds: float) -> None:
    """Rate-limit windows are calendar minutes: don't start a burst that could straddle one."""
    now = datetime.now(UTC)
    second = now.second + now.microsecond / 1e6
    if second > 60 - needed_seconds:
        time.sleep(60 - second + 0.2)


# --------------------------------------------------------------------------------- proxy


@dataclass(frozen=True)
class ProxySpec:
    """A proxy the tests can ask for by fixture name: its label and how to get its config.

    `source(fix_config)` returns the config to boot (fix_config runs the autofix CLI).
    """

    label: str
    source: Callable[[Callable], Path]


def config_file(name: str) -> Callable[[Callable], Path]:
    return lambda _fix: CONFIGS / name


# fixture name -> spec. conftest.py turns each into a module-scoped fixture.
PROXY_SPECS: dict[str, ProxySpec] = {
    "original_proxy": ProxySpec("original", lambda _fix: FIXTURE),
    "p0_proxy": ProxySpec("after-p0", lambda fix: fix(FIXTURE, only="p0")),
    "default_proxy": ProxySpec("after-default", lambda fix: fix(FIXTURE)),
    "g3_rate_limit_proxy": ProxySpec("g3-rate-limit", config_file("g3_rate_limit.yaml")),
    "g3_unenforced_proxy": ProxySpec("g3-unenforced", config_file("g3_rate_limit_unenforced.yaml")),
    "g6_stream_timeout_proxy": ProxySpec("g6-stream-timeout", config_file("g6_stream_timeout.yaml")),
    "g6_settle_a_proxy": ProxySpec("g6-settle-a", config_file("g6_settle_a.yaml")),
    "g6_settle_b_proxy": ProxySpec("g6-settle-b", config_file("g6_settle_b.yaml")),
    "g7_proxy": ProxySpec("g7-context-window", config_file("g7_context_window.yaml")),
}


class ProxyPool:
    """Boots the real proxy for each spec, each with its own fake upstream and its own Redis
    (so call counts, rate-limit counters and "Redis down" never mix); stops them by PID.

    Each boot costs ~10 s of CPU, mostly imports. To save wall time without disturbing timing
    tests, a boot is done together with the next one(s) the session will need (`order`, from
    the collected tests), and the caller waits for all of them: no proxy ever boots while a
    test runs. AUTOFIX_INTEGRATION_PARALLEL_BOOTS (default 2) sets the batch size.
    """

    def __init__(
        self,
        tmp_path_factory,
        fix_config: Callable,
        order: list[str],
        batch: int = 2,
    ):
        self.tmp_path_factory = tmp_path_factory
        self.fix_config = fix_config
        self.order = order
        self.batch = max(1, batch)
        self.proxies: dict[str, harness.Proxy] = {}
        self.errors: dict[str, str] = {}
        self.released: set[str] = set()

    # ---- boot ---------------------------------------------------------------------
    @staticmethod
    def boot_copy(src: Path, workdir: Path, label: str, upstream_url: str, redis_port: int) -> Path:
        """The copy used only for booting: api_base -> its fake upstream, Redis -> its Redis."""
        data = yaml.safe_load(Path(src).read_text()) or {}
        rewritten = harness.rewrite_for_boot(data, upstream_url, redis_port)
        return harness.write_yaml(workdir / f"{label}.boot.yaml", rewritten)

    def _launch(self, key: str) -> None:
        spec = PROXY_SPECS[key]
        upstream = redis = None
        try:
            src = Path(spec.source(self.fix_config))
            workdir = self.tmp_path_factory.mktemp(f"proxy-{spec.label}")
            upstream = FakeUpstreamServer(0, log_path=str(workdir / "upstream-calls.jsonl")).start()
            redis = harness.RedisServer(workdir / "redis").start()
            path = self.boot_copy(src, workdir, spec.label, upstream.base_url, redis.port)
            proxy = harness.Proxy(path, workdir, redis_port=redis.port)
            proxy.source, proxy.upstream, proxy.redis = src, upstream, redis
            self.proxies[key] = proxy.launch()
        except BaseException as error:  # noqa: BLE001 - incl. pytest.fail() from fix_config
            if upstream is not None:
                upstream.stop()
            if redis is not None:
                redis.stop()
            self.errors[key] = f"could not start the {spec.label} proxy: {error}"
            if not isinstance(error, Exception | pytest.fail.Exception):
                raise

    def _wait(self, key: str) -> None:
        proxy = self.proxies.get(key)
        if proxy is None:
            return
        try:
            proxy.wait_ready()
            record(f"boot {PROXY_SPECS[key].label}: {proxy.boot_seconds:.1f} s to /health/liveliness")
        except harness.ProxyBootError as error:
            self.errors[key] = str(error)
            self._stop(key)

    def acquire(self, key: str) -> harness.Proxy:
        if key not in self.proxies and key not in self.errors:
            self.released.discard(key)
            batch = [key] + [
                k
                for k in self.order
                if k != key and k not in self.proxies and k not in self.errors and k not in self.released
            ][: self.batch - 1]
            for k in batch:
                self._launch(k)
            for k in batch:
                self._wait(k)
        if key in self.errors:
            pytest.fail(self.errors[key], pytrace=False)
        return self.proxies[key]

    # ---- stop ---------------------------------------------------------------------
    def _stop(self, key: str) -> None:
        proxy = self.proxies.pop(key, None)
        if proxy is not None:
            proxy.stop()
            if proxy.upstream is not None:
                proxy.upstream.stop()
            if proxy.redis is not None:
                proxy.redis.stop()

    def release(self, key: str) -> None:
        self._stop(key)
        self.errors.pop(key, None)
        self.released.add(key)

    def stop_all(self) -> None:
        for key in list(self.proxies):
            self._stop(key)


# ------------------------------------------------------------------------------- autofix


def run_autofix(
    *paths: Path, only: str | None = None, options: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """`python -m autofix apply [--only ONLY] [OPTIONS] PATH...` with this interpreter, from the repo root."""
    argv = [sys.executable, "-m", "autofix", "apply", *options]
    if only:
        argv += ["--only", only]
    argv.extend(str(p) for p in paths)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    return subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)


def autofix_failure(result: subprocess.CompletedProcess, path: Path) -> str:
    return (
        f"`python -m autofix apply` failed on {path} (exit {result.returncode}; is the autofix CLI there?)"
        f"\n--- stdout ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-3000:]}"
    )


def pooled_fixture(key: str):
    """A module-scoped fixture that takes the proxy `key` (a PROXY_SPECS entry) from the pool."""

    def proxy_fixture(proxy_pool):
        proxy = proxy_pool.acquire(key)
        yield proxy
        proxy_pool.release(key)

    proxy_fixture.__name__ = key
    proxy_fixture.__doc__ = f"The live proxy booted on {PROXY_SPECS[key].label!r} (module scope; .upstream is its own fake upstream)."
    return pytest.fixture(scope="module", name=key)(proxy_fixture)
