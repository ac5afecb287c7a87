"""Load config files through the LiteLLM proxy's own config loader; report per file.

Run with the LiteLLM venv's python (not the project's):

    $VENV/bin/python tests/integration/load_configs.py CONFIG.yaml [CONFIG.yaml ...]

For each file it runs, in a forked child (so no config sees another's global state):

    asyncio.run(ProxyConfig().load_config(router=None, config_file_path=PATH))

(`litellm/proxy/proxy_server.py`: `async def load_config(self, router, config_file_path)`),
and prints one JSON object per line:

    {"path": ..., "loaded": true, "seconds": 0.4}
    {"path": ..., "loaded": false, "error": "ValueError: ...", "traceback_tail": "..."}

The heavy import happens once, in the parent, before any fork. The environment is the
caller's (the test suite builds it: offline switches, master key, placeholders).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import traceback

TIMEOUT_SECONDS = float(os.environ.get("LOAD_CONFIG_TIMEOUT", "60"))


def load_one(path: str) -> dict:
    from litellm.proxy.proxy_server import ProxyConfig

    started = time.monotonic()
    try:
        asyncio.run(ProxyConfig().load_config(router=None, config_file_path=path))
    except BaseException as error:  # noqa: BLE001 - SystemExit from the loader counts as a failure too
        tail = "".join(traceback.format_exception(error)[-3:])
        return {"path": path, "loaded": False, "error": f"{type(error).__name__}: {error}"[:1000],
                "traceback_tail": tail[-2000:], "seconds": round(time.monotonic() - started, 2)}
    return {"path": path, "loaded": True, "seconds": round(time.monotonic() - started, 2)}


def run_in_child(path: str) -> dict:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        code = 0
        try:
            # The loader logs to stdout/stderr; keep our stdout for the JSON lines.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            result = load_one(path)
        except BaseException as error:  # noqa: BLE001
            result = {"path": path, "loaded": False, "error": f"harness: {type(error).__name__}: {error}"}
            code = 1
        with os.fdopen(write_fd, "w") as out:
            out.write(json.dumps(result))
        os._exit(code)
    os.close(write_fd)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_fd)
            return {"path": path, "loaded": False, "error": f"timeout: no result within {TIMEOUT_SECONDS:.0f} s"}
        time.sleep(0.05)
    with os.fdopen(read_fd) as pipe:
        raw = pipe.read()
    try:
        return json.loads(raw)
    except ValueError:
        return {"path": path, "loaded": False, "error": f"child exited without a result (status {_status})"}


def main(paths: list[str]) -> int:
    import litellm.proxy.proxy_server  # noqa: F401 - import once, before forking

    for path in paths:
        print(json.dumps(run_in_child(os.path.abspath(path))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
