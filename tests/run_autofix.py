"""autofix run as a user runs it, in a subprocess: the helper the command-line tests share."""

from __future__ import annotations

import os
import subprocess
import sys


def autofix(*args, cwd=None, env=None, stdin=None, without=(), timeout=120) -> subprocess.CompletedProcess:
    """`python -m autofix ARGS`: this environment less the variables named in `without`, with
    NO_COLOR=1 and `env` on top; text in and out unless `stdin` is bytes."""
    full_env = {k: v for k, v in os.environ.items() if k not in without}
    full_env.update({"NO_COLOR": "1", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "autofix", *map(str, args)],
        capture_output=True,
        text=stdin is None or isinstance(stdin, str),
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        input=stdin,
    )
