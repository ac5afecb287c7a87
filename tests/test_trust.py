"""Trust on whatever a user points autofix at: a bug in one fix never escapes as a traceback, a file
that is not a LiteLLM config is never edited, and a finding's line is the line in the file on disk."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIFIED = ROOT / "fixtures" / "litellm-unified.yaml"

# A child that runs the real CLI with G5's fix replaced by one that raises on files holding a marker,
# the way a bug in a fix would (a test hook, not a production one).
BROKEN_G5 = """
import sys
from autofix import registry
from autofix.cli import main
g5 = next(m for m in registry.all_migrations() if m.id == "G5")
original = g5.fix
def broken(ctx):
    if ctx.doc.get(("litellm_settings", "marker"), None) == "boom":
        raise AttributeError("'ConfigSet' object has no attribute 'text'")
    return original(ctx)
object.__setattr__(g5, "fix", broken)
main(sys.argv[1:])
"""


def autofix(*args, cwd=None, env=None, stdin=None, broken=False):
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    cmd = [sys.executable, "-c", BROKEN_G5] if broken else [sys.executable, "-m", "autofix"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=full_env,
                          timeout=120, input=stdin)


GOOD = "litellm_settings:\n  set_verbose: true\n"
BAD = "litellm_settings:\n  marker: boom\n  set_verbose: true\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("command", ["check", "apply"])
def test_a_bug_in_one_fix_is_one_line_for_that_file_and_the_others_go_on(tmp_path, jobs, command):
    files = [tmp_path / f"{n}.yaml" for n in ("a", "b", "c")]
    for f, text in zip(files, (GOOD, BAD, GOOD), strict=True):
        f.write_text(text)
    r = autofix(command, "--jobs", jobs, *files, broken=True)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    lines = [ln for ln in r.stderr.splitlines() if "internal error" in ln]
    assert lines == [f"{files[1]}: internal error in G5 (AttributeError: 'ConfigSet' object has no attribute "
                     "'text'): nothing written"], r.stderr
    assert files[1].read_text() == BAD
    if command == "apply":
        assert all("json_logs: true" in f.read_text() for f in (files[0], files[2]))
        assert r.stdout.count("fixed ") == 2
    else:
        assert r.stdout.count("+  json_logs: true") == 2
    assert "1 error" in r.stdout


def test_the_traceback_only_with_the_debug_switch(tmp_path):
    f = tmp_path / "config.yaml"
    f.write_text(BAD)
    for how in (["--debug"], ["--debug", "--jobs", "2", tmp_path / "other.yaml"]):
        (tmp_path / "other.yaml").write_text(GOOD)
        r = autofix("--dry-run", *how, f, broken=True)
        assert r.returncode == 2
        assert "Traceback (most recent call last)" in r.stderr and "in broken" in r.stderr, r.stderr
    r = autofix("--dry-run", f, broken=True, env={"AUTOFIX_DEBUG": "1"})
    assert r.returncode == 2 and "Traceback (most recent call last)" in r.stderr


def test_a_bug_on_stdin_is_one_line_too():
    r = autofix("apply", "-", stdin=BAD, broken=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "<stdin>: internal error in G5 (AttributeError:" in r.stderr
    assert r.stdout == ""
