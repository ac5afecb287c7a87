"""Harness for the integration suite: isolation, Redis, the real LiteLLM proxy, HTTP helpers.

Nothing here depends on anything outside this repository and the LiteLLM venv
(``$AUTOFIX_LITELLM_VENV``, default ``~/.cache/autofix-litellm-venv``).
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import copy
import ctypes
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
LITELLM_VERSION = "1.110.2"

# Everything LiteLLM 1.110.2 would otherwise fetch on its own at import or startup.
OFFLINE_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # bundled cost map, no GitHub fetch at import
    "LITELLM_OFFLINE_MODE": "true",  # bundled copies for every other catalogue/check
    "LITELLM_TELEMETRY_DISABLED": "true",
    "HF_HUB_OFFLINE": "1",  # tokenizers never ask the Hugging Face hub
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
PASSTHROUGH_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR")


def venv_dir() -> Path:
    return Path(os.environ.get("AUTOFIX_LITELLM_VENV") or Path.home() / ".cache" / "autofix-litellm-venv")


# The older release the suite also boots (tests/integration/test_live_versions.py); install.sh makes its
# venv with requirements-litellm-1.80.txt.
OLD_LITELLM_VERSION = "1.80.17"


def old_venv_dir() -> Path:
    return Path(
        os.environ.get("AUTOFIX_LITELLM_OLD_VENV")
        or Path.home() / ".cache" / f"autofix-litellm-{OLD_LITELLM_VERSION}-venv"
    )


def integration_required() -> bool:
    return os.environ.get("AUTOFIX_REQUIRE_INTEGRATION", "") not in ("", "0", "false", "no")


def missing_prerequisites() -> list[str]:
    """Why the integration suite cannot run here ([] when it can)."""
    problems = []
    venv = venv_dir()
    if not (venv / "bin" / "litellm").exists():
        problems.append(
            f"LiteLLM venv not found: {venv}/bin/litellm is missing "
            "(run tests/integration/install.sh, or set AUTOFIX_LITELLM_VENV)"
        )
    else:
        version = installed_litellm_version(venv)
        if version != LITELLM_VERSION:
            problems.append(
                f"{venv} has litellm {version or '(none)'}, expected {LITELLM_VERSION} "
                "(run tests/integration/install.sh)"
            )
    if not shutil.which("redis-server"):
        problems.append("redis-server not found on PATH (apt-get install redis-server)")
    return problems


def installed_litellm_version(venv: Path) -> str | None:
    """litellm's version from its dist-info, without importing it (an import takes seconds)."""
    for dist in (venv / "lib").glob("python3*/site-packages/litellm-*.dist-info"):
        name = dist.name[len("litellm-") : -len(".dist-info")]
        if name and name[0].isdigit():
            return name
    return None


def site_packages(venv: Path) -> Path:
    found = sorted((venv / "lib").glob("python3*/site-packages/litellm"))
    if not found:
        raise FileNotFoundError(f"no litellm package under {venv}/lib")
    return found[0].parent


# --------------------------------------------------------------------------- isolation

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def bring_loopback_up() -> None:
    """`ip link set lo up` without iproute2 (SIOCGIFFLAGS / SIOCSIFFLAGS)."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        ifreq = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, siocgifflags, ifreq))[1]
        if not flags & iff_up:
            fcntl.ioctl(s, siocsifflags, struct.pack("16sH14x", b"lo", flags | iff_up))


_isolation: dict = {"mode": None, "detail": "not decided yet"}


def isolation() -> dict:
    return dict(_isolation)


def enter_private_netns() -> dict:
    """Move this process into a new network namespace with only `lo` (up).

    Everything started afterwards (Redis, the fake upstream's threads, the proxy and its
    children) inherits it, so only loopback is reachable. A network namespace belongs to
    a thread, so this runs on the main thread, before the harness starts any thread.
    Falls back to the host loopback (free ports) when the kernel or privileges refuse.
    Idempotent: returns the decision made the first time.
    """
    if _isolation["mode"] is not None:
        return isolation()
    if os.environ.get("AUTOFIX_INTEGRATION_NO_NETNS", "") not in ("", "0"):
        _isolation.update(mode="host-loopback", detail="AUTOFIX_INTEGRATION_NO_NETNS is set")
        return isolation()
    if threading.current_thread() is not threading.main_thread():
        _isolation.update(
            mode="host-loopback", detail="not on the main thread; unshare(CLONE_NEWNET) skipped"
        )
        return isolation()
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    libc = ctypes.CDLL(None, use_errno=True)
    how = "unshare CLONE_NEWNET"
    if libc.unshare(CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        # Not root: a user namespace gives us the capability to raise `lo` in a network
        # namespace of our own. The same uid/gid are mapped, so files keep their owner.
        # (CLONE_NEWUSER needs a single-threaded process.)
        uid, gid = os.getuid(), os.getgid()
        if others or libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
            why = "other threads run" if others else os.strerror(ctypes.get_errno())
            _isolation.update(
                mode="host-loopback",
                detail=f"unshare(CLONE_NEWNET) refused: {os.strerror(errno)} (errno {errno}); "
                f"with a user namespace: {why}",
            )
            return isolation()
        for name, text in (
            ("uid_map", f"{uid} {uid} 1"),
            ("setgroups", "deny"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            try:
                Path(f"/proc/self/{name}").write_text(text)
            except OSError:
                pass  # the maps only matter for file ownership seen inside; the netns is what counts
        how = "unshare CLONE_NEWUSER|CLONE_NEWNET"
    try:
        bring_loopback_up()
    except OSError as error:  # cannot happen as root, but never leave the tests without loopback
        _isolation.update(
            mode="broken", detail=f"private netns entered but `lo` could not be raised: {error}"
        )
        raise
    detail = f"private network namespace ({how}): only 127.0.0.1 is reachable"
    if others:
        detail += f"; threads started earlier stay outside: {', '.join(others)}"
    _isolation.update(mode="netns", detail=detail)
    return isolation()


# ----------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _child_setup() -> None:  # preexec_fn: die with the test process (Linux PR_SET_PDEATHSIG)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def spawn(argv, *, env=None, cwd=None, log_path: Path | None = None) -> subprocess.Popen:
    """Start a process in its own process group (stopped with stop_process)."""
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            [str(a) for a in argv],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_child_setup,
        )
    finally:
        if log_path:
            log.close()


def stop_process(proc: subprocess.Popen | None, grace: float = 10.0) -> str:
    """SIGTERM to the process group we created for it, then SIGKILL. By PID only."""
    if proc is None:
        return "not started"
    if proc.poll() is not None:
        _kill_group(proc.pid, signal.SIGKILL)  # leftover children, if any
        return f"exited {proc.returncode}"
    _kill_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
        how = "SIGTERM"
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        how = "SIGKILL"
    _kill_group(proc.pid, signal.SIGKILL)
    return how


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def log_tail(path: Path, lines: int = 60) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


class RedisServer:
    """A throw-away redis-server on 127.0.0.1, no persistence. stop()/start() keep the port."""

    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "redis.log"

    def start(self, timeout: float = 10.0) -> RedisServer:
        if self.running:
            return self
        argv = [
            shutil.which("redis-server") or "redis-server",
            "--port",
            self.port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            self.workdir,
            "--protected-mode",
            "yes",
        ]
        self.proc = spawn(argv, cwd=self.workdir, log_path=self.log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited {self.proc.returncode}:\n{log_tail(self.log_path)}")
            if self.ping():
                return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}:\n{log_tail(self.log_path)}")

    def stop(self) -> str:
        how = stop_process(self.proc)
        self.proc = None
        return how

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *args: str) -> bytes:
        """One raw RESP command, e.g. command("DBSIZE")."""
        payload = f"*{len(args)}\r\n".encode() + b"".join(
            f"${len(a.encode())}\r\n{a}\r\n".encode() for a in args
        )
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(payload)
            return s.recv(65536)


# ----------------------------------------------------------------------------------- HTTP

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never use an HTTP proxy


@dataclass
class Response:
    status: int | None
    headers: dict = field(default_factory=dict)
    text: str = ""
    seconds: float = 0.0
    error: str | None = None

    @property
    def json(self):
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    def error_message(self) -> str:
        body = self.json
        if isinstance(body, dict):
            err = body.get("error", body.get("detail", body))
            return str(err.get("message", err) if isinstance(err, dict) else err)
        return self.text or self.error or ""

    def __str__(self) -> str:
        return f"HTTP {self.status} after {self.seconds:.2f}s: {(self.text or self.error or '')[:600]}"


def http(
    method: str,
    url: str,
    *,
    token: str | None = None,
    body=None,
    timeout: float = 30.0,
    headers: dict | None = None,
) -> Response:
    assert url.startswith("http://127.0.0.1:"), f"refusing to contact anything but 127.0.0.1: {url}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status, hdrs, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, hdrs, raw = error.code, error.headers, error.read()
    except (urllib.error.URLError, OSError) as error:
        return Response(None, error=str(getattr(error, "reason", error)), seconds=time.monotonic() - started)
    return Response(
        status,
        {k.lower(): v for k, v in hdrs.items()},
        raw.decode("utf-8", "replace"),
        time.monotonic() - started,
    )


# ------------------------------------------------------------------------ config rewriting

OPENAI_COMPATIBLE = ("openai", "hosted_vllm", "text-completion-openai")
OLLAMA = ("ollama", "ollama_chat")


def provider_of(params: dict) -> str:
    model = str(params.get("model", ""))
    return params.get("custom_llm_provider") or (model.split("/", 1)[0] if "/" in model else "")


def rewrite_for_boot(data: dict, upstream_base: str, redis_port: int | None) -> dict:
    """A copy of a parsed config with every upstream and Redis endpoint on the test services.

    - model_list[].litellm_params.api_base -> the fake upstream (``/v1`` appended for
      OpenAI-compatible providers; Ollama providers take the bare base)
    - litellm_settings.cache_params.host/port and router_settings.redis_host/redis_port -> the test Redis
    Everything else is kept as is.
    """
    data = copy.deepcopy(data)
    for deployment in data.get("model_list") or []:
        params = deployment.get("litellm_params") if isinstance(deployment, dict) else None
        if not isinstance(params, dict):
            continue
        provider = provider_of(params)
        if provider in OLLAMA:
            params["api_base"] = upstream_base
        elif provider in OPENAI_COMPATIBLE or "api_base" in params:
            params["api_base"] = upstream_base + "/v1"
    if redis_port is not None:
        litellm_settings = data.get("litellm_settings")
        cache_params = litellm_settings.get("cache_params") if isinstance(litellm_settings, dict) else None
        if isinstance(cache_params, dict) and ("host" in cache_params or "port" in cache_params):
            cache_params["host"], cache_params["port"] = "127.0.0.1", redis_port
        router = data.get("router_settings")
        if isinstance(router, dict) and ("redis_host" in router or "redis_port" in router):
            router["redis_host"], router["redis_port"] = "127.0.0.1", redis_port
    return data


def env_refs(node) -> set[str]:
    """Every NAME of an ``os.environ/NAME`` string in a parsed config."""
    found: set[str] = set()
    if isinstance(node, dict):
        for value in node.values():
            found |= env_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= env_refs(value)
    elif isinstance(node, str) and node.startswith("os.environ/"):
        found.add(node[len("os.environ/") :])
    return found


def placeholder_env(names, redis_port: int | None = None) -> dict:
    """Values for the ``os.environ/NAME`` references of a config: usable, but going nowhere.

    Redis host/port point at the test Redis (an unresolvable host makes every loader
    retry DNS for seconds); URLs point at a closed loopback port; a Redis password stays
    unset (the test Redis has none); anything else gets a readable placeholder.
    """
    env = {}
    for name in sorted(names):
        upper = name.upper()
        if upper == "REDIS_PASSWORD":
            continue
        if "REDIS" in upper and upper.endswith("HOST"):
            env[name] = "127.0.0.1"
        elif "REDIS" in upper and upper.endswith("PORT") and redis_port:
            env[name] = str(redis_port)
        elif upper.endswith("PORT"):
            env[name] = "9"
        elif upper.endswith(("_URL", "_BASE", "_ENDPOINT", "_HOST")):
            env[name] = "http://127.0.0.1:9" if not upper.endswith("_HOST") else "127.0.0.1"
        else:
            env[name] = f"placeholder-{name.lower().replace('_', '-')}"
    return env


def base_env(master_key: str) -> dict:
    """PATH/HOME/locale, the offline switches, LITELLM_LOG and the master key; nothing else."""
    env = {k: os.environ[k] for k in PASSTHROUGH_ENV if k in os.environ}
    env.setdefault("LANG", "C.UTF-8")
    env.update(OFFLINE_ENV)
    env.update(LITELLM_LOG="INFO", PYTHONUNBUFFERED="1", LITELLM_MASTER_KEY=master_key)
    return env


def proxy_env(
    config: dict, master_key: str, extra: dict | None = None, redis_port: int | None = None
) -> dict:
    """The proxy's environment, built from scratch."""
    env = base_env(master_key)
    general = config.get("general_settings") if isinstance(config.get("general_settings"), dict) else {}
    configured = general.get("master_key")
    if isinstance(configured, str) and configured.startswith("os.environ/"):
        env[configured[len("os.environ/") :]] = master_key
    for name, value in placeholder_env(env_refs(config) - set(env), redis_port).items():
        env.setdefault(name, value)
    env.update(extra or {})
    return env


# ----------------------------------------------------------------------------------- proxy


class ProxyBootError(AssertionError):
    pass


class Proxy:
    """The real `litellm` proxy on a config file, on 127.0.0.1:free port."""

    def __init__(
        self,
        config_path: Path,
        workdir: Path,
        *,
        env_extra: dict | None = None,
        redis_port: int | None = None,
        boot_timeout: float = 180.0,
        venv: Path | None = None,
    ):
        self.venv = Path(venv) if venv is not None else venv_dir()  # whose `litellm` to run
        self.config_path = Path(config_path)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config = yaml.safe_load(self.config_path.read_text()) or {}
        general = self.config.get("general_settings") or {}
        literal = general.get("master_key")
        if isinstance(literal, str) and literal and not literal.startswith("os.environ/"):
            self.master_key = literal
        else:
            self.master_key = "sk-" + secrets.token_hex(24)
        self.env = proxy_env(self.config, self.master_key, env_extra, redis_port)
        self.port = free_port()
        self.log_path = self.workdir / "proxy.log"
        self.boot_timeout = boot_timeout
        self.proc: subprocess.Popen | None = None
        self.boot_seconds: float | None = None
        self._started_at = 0.0
        self.source: Path | None = None  # the config this boot copy was made from
        self.upstream = None  # the fake upstream this proxy's api_base points at, when the caller set one
        self.redis = None  # the RedisServer of this proxy, when the caller set one

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Proxy:
        """launch() and wait_ready()."""
        self.launch()
        return self.wait_ready()

    def launch(self) -> Proxy:
        """Start the process; returns at once (boot several, then wait for each)."""
        argv = [
            self.venv / "bin" / "litellm",
            "--config",
            self.config_path,
            "--host",
            "127.0.0.1",
            "--port",
            self.port,
        ]
        self._started_at = time.monotonic()
        self.proc = spawn(argv, env=self.env, cwd=self.workdir, log_path=self.log_path)
        return self

    def wait_ready(self) -> Proxy:
        """Wait for 200 from /health/liveliness; ProxyBootError (with the log tail) otherwise."""
        while time.monotonic() - self._started_at < self.boot_timeout:
            if self.proc.poll() is not None:
                raise ProxyBootError(
                    self.failure(f"the proxy exited with code {self.proc.returncode} during startup")
                )
            if http("GET", self.base_url + "/health/liveliness", timeout=2).status == 200:
                self.boot_seconds = time.monotonic() - self._started_at
                return self
            time.sleep(0.2)
        raise ProxyBootError(self.failure(f"no 200 from /health/liveliness within {self.boot_timeout:.0f} s"))

    def failure(self, message: str) -> str:
        return (
            f"{message}\nconfig: {self.config_path}\n--- proxy log tail ({self.log_path}) ---\n"
            f"{log_tail(self.log_path)}"
        )

    def stop(self) -> str:
        how = stop_process(self.proc, grace=15)
        self.proc = None
        return how

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ---- requests ------------------------------------------------------------------
    def get(self, path: str, *, auth: bool = True, timeout: float = 30.0) -> Response:
        return http("GET", self.base_url + path, token=self.master_key if auth else None, timeout=timeout)

    def post(self, path: str, body, *, auth: bool = True, timeout: float = 60.0) -> Response:
        return http(
            "POST", self.base_url + path, token=self.master_key if auth else None, body=body, timeout=timeout
        )

    def chat(
        self, model: str, text: str | None = None, *, stream: bool = False, timeout: float = 60.0, **extra
    ) -> Response:
        text = text or f"Say hello ({secrets.token_hex(6)})"  # unique: never served from a cache
        body = {"model": model, "messages": [{"role": "user", "content": text}], "stream": stream, **extra}
        return self.post("/v1/chat/completions", body, timeout=timeout)

    def live_router_settings(self) -> dict:
        response = self.get("/get/config/callbacks")
        assert response.status == 200, self.failure(f"/get/config/callbacks: {response}")
        return response.json.get("router_settings") or {}

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def stream_events(response: Response) -> list[str]:
    """The `data:` payloads of an SSE response body."""
    return [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]


def stream_error(response: Response) -> str | None:
    """The error a proxy reported inside an SSE stream (it may have sent 200 headers first)."""
    for event in stream_events(response):
        if event == "[DONE]":
            continue
        try:
            payload = json.loads(event)
        except ValueError:
            continue
        if isinstance(payload, dict) and "error" in payload:
            return json.dumps(payload["error"])
    return None


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def python_for_venv() -> Path:
    return venv_dir() / "bin" / "python"


def this_python() -> str:
    return sys.executable
