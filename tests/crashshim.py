"""Kill the current process at a chosen point of its file writes, for tests/test_crash_safety.py.

Not a production hook: the test runs the child as

    python -c "import crashshim; crashshim.install('os.write', 3, 'mid'); from autofix.cli import main; main([...])"

and `install` wraps the functions autofix/writer.py uses for its writes (`os.open`, `os.write`,
`os.fsync`, `os.close`, `os.fchmod`, `os.replace`, `os.mkdir`, `os.unlink`, `tempfile.mkstemp`). Every
call of a wrapped function is counted from `install` on; on the n-th call of the chosen one the process
sends itself SIGKILL:

- `before`: before the call is made;
- `after`: after it returned (or raised);
- `mid` (os.write only): after writing the first half of the bytes.

`install('trace', 0, '', path)` kills nothing and writes one line per call (function, caller module,
argument) to `path`, so the test can enumerate every kill point of a clean run.
`install('signal', 0, '', fd)` writes "ready" to the inherited pipe `fd` when the backup folder is made
(`os.mkdir`), the start of the write phase, so the parent can kill at a random moment of that phase.
`install('sleep', n, '', seconds)` sleeps before the n-th `os.replace`: another run then surely waits.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time

FUNCTIONS = (
    "os.open",
    "os.write",
    "os.fsync",
    "os.close",
    "os.fchmod",
    "os.replace",
    "os.mkdir",
    "os.unlink",
    "tempfile.mkstemp",
)

_counts: dict[str, int] = {}


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(10)  # never reached: SIGKILL is not deliverable late, but do not go on writing


def _caller() -> str:
    frame = sys._getframe(2)
    return f"{frame.f_globals.get('__name__', '?')}:{frame.f_code.co_name}"


def _describe(name: str, args: tuple) -> str:
    if name == "os.write":
        return f"fd={args[0]} bytes={len(args[1])}"
    if name == "tempfile.mkstemp":
        return ""
    first = args[0] if args else ""
    return os.path.basename(os.fspath(first)) if isinstance(first, str | bytes | os.PathLike) else str(first)


def install(target: str, n: int, when: str = "before", arg: str = "") -> None:
    trace = open(arg, "a", buffering=1) if target == "trace" else None  # noqa: SIM115
    real = {
        name: getattr(os if name.startswith("os.") else tempfile, name.split(".")[1]) for name in FUNCTIONS
    }
    real_write = real["os.write"]

    def wrap(name: str):
        fn = real[name]

        def wrapper(*args, **kwargs):
            count = _counts[name] = _counts.get(name, 0) + 1
            if trace is not None:
                trace.write(f"{name}\t{_caller()}\t{_describe(name, args)}\n")
            elif target == "signal" and name == "os.mkdir" and _describe(name, args) == ".autofix-backups":
                real_write(int(arg), b"ready\n")
            elif target == "sleep" and name == "os.replace" and count == n:
                time.sleep(float(arg))
            elif name == target and count == n:
                if when == "before":
                    _die()
                elif when == "mid":
                    fd, data = args[0], memoryview(args[1])
                    real_write(fd, data[: max(1, len(data) // 2)])
                    _die()
                try:
                    return fn(*args, **kwargs)
                finally:
                    _die()  # also when the call raised (os.mkdir of a folder that exists)
            return fn(*args, **kwargs)

        return wrapper

    for name in FUNCTIONS:
        module = os if name.startswith("os.") else tempfile
        setattr(module, name.split(".")[1], wrap(name))
