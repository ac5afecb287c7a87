"""Load config files through the LiteLLM proxy's own config loader; report per file.

Run with the LiteLLM venv's python (not the project's):

    $VENV/bin/python tests/integration/load_configs.py MANIFEST.json [--jobs 2] [--timeout 30]

MANIFEST.json is a list of {"id": str, "path": str, "env": {NAME: value}, "log": str}.
For each entry, a child forked from this process (so no config sees another's global
state, and the 10 s import happens only once) sets ``env``, sends its output to ``log``
and runs the loader the proxy itself runs at startup
(``litellm/proxy/proxy_server.py``: ``async def load_config(self, router, config_file_path)``):

    ProxyConfig().load_config(router=None, config_file_path=PATH)   # awaited on a fresh loop

One JSON object per entry is printed on stdout, in manifest order:

    {"id": ..., "path": ..., "loaded": true, "seconds": 0.4}
    {"id": ..., "path": ..., "loaded": false, "error": "ValueError: ...", "log_tail": "..."}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
import traceback


def load_one(path: str) -> dict:
    """The proxy's loader on one file, in this (child) process.

    Like asyncio.run(load_config(...)) but without asyncio.run's final cleanup: some configs
    start background tasks (MCP servers, ...) that the running proxy keeps, and that never
    finish cancelling, so asyncio.run would hang after load_config has returned. The child
    exits right after reporting, so the loop is never closed.
    """
    from litellm.proxy.proxy_server import ProxyConfig

    started = time.monotonic()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(ProxyConfig().load_config(router=None, config_file_path=path))
    except BaseException as error:  # noqa: BLE001 - a SystemExit from the loader is a failure too
        traceback.print_exc()
        return {
            "loaded": False,
            "error": f"{type(error).__name__}: {error}"[:1500],
            "seconds": round(time.monotonic() - started, 2),
        }
    return {"loaded": True, "seconds": round(time.monotonic() - started, 2)}


def start_child(entry: dict) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_fd)
        try:
            log_fd = os.open(entry["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log_fd, 1)
            os.dup2(log_fd, 2)
            os.environ.update(entry.get("env") or {})
            result = load_one(entry["path"])
        except BaseException as error:  # noqa: BLE001
            result = {"loaded": False, "error": f"harness: {type(error).__name__}: {error}"}
        try:
            os.write(write_fd, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    return pid, read_fd


def warm_up(path: str, timeout: float) -> None:
    """Import, in this parent, the modules load_config imports lazily (about 1 s per child).

    A throw-away child loads one config and reports which modules that imported; the parent
    imports just those modules (no config is loaded here, so no config state is inherited).
    """
    import importlib
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".modules") as listing:
        pid = os.fork()
        if pid == 0:
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                known = set(sys.modules)
                load_one(path)
                with open(listing.name, "w") as out:
                    out.write("\n".join(sorted(set(sys.modules) - known)))
            finally:
                os._exit(0)
        deadline = time.monotonic() + timeout
        while not os.waitpid(pid, os.WNOHANG)[0]:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            time.sleep(0.05)
        chunks = listing.read().split()
    for name in chunks:
        if name.startswith("litellm") and name not in sys.modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - only a speed-up
                pass


def log_tail(path: str, lines: int = 25) -> str:
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def run(manifest: list[dict], jobs: int, timeout: float) -> list[dict]:
    results: dict[int, dict] = {}
    pending = list(enumerate(manifest))
    running: dict[int, tuple[int, int, float]] = {}  # index -> (pid, fd, started)
    while pending or running:
        while pending and len(running) < jobs:
            index, entry = pending.pop(0)
            pid, fd = start_child(entry)
            running[index] = (pid, fd, time.monotonic())
        for index, (pid, fd, started) in list(running.items()):
            entry = manifest[index]
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done and time.monotonic() - started > timeout:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                os.close(fd)
                results[index] = {
                    "loaded": False,
                    "timeout": True,
                    "error": f"timeout: load_config did not return within {timeout:.0f} s",
                }
            elif done:
                with os.fdopen(fd) as pipe:
                    raw = pipe.read()
                try:
                    results[index] = json.loads(raw)
                except ValueError:
                    results[index] = {
                        "loaded": False,
                        "error": f"the loader process died (wait status {status})",
                    }
            else:
                continue
            del running[index]
            results[index].update(id=entry.get("id"), path=entry["path"])
            if not results[index]["loaded"]:
                results[index]["log_tail"] = log_tail(entry["log"])
        time.sleep(0.05)
    return [results[i] for i in range(len(manifest))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("manifest")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument(
        "--no-warm-up", action="store_true", help="do not pre-import the loader's lazy modules"
    )
    args = parser.parse_args(argv)
    with open(args.manifest) as f:
        manifest = json.load(f)

    import litellm.proxy.proxy_server  # noqa: F401 - the slow import, once, before any fork

    if manifest and not args.no_warm_up:
        warm_up(manifest[0]["path"], args.timeout)
    for result in run(manifest, args.jobs, args.timeout):
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
