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


# ---- a file that is not a LiteLLM config is never edited ---------------------------------------------

NOT_LITELLM = {
    "docker-compose.yaml": "services:\n  litellm:\n    image: ghcr.io/berriai/litellm:main-latest\n"
                           "    ports: [\"4000:4000\"]\n  db:\n    image: postgres:16\n",
    "not-litellm.yaml": "not: litellm\n",
    "deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: litellm\n"
                       "spec:\n  replicas: 2\n",
    "workflow.yml": "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    # LiteLLM's section names nested deeper, or a lookalike at the top: still not a LiteLLM config
    "values.yaml": "litellm:\n  model_list: []\n  litellm_settings: {set_verbose: true}\n",
    "flow.yaml": "{services: {web: {image: nginx}}, server_settings: {port: 4000}}\n",
}


@pytest.mark.parametrize("name", sorted(NOT_LITELLM))
def test_a_named_file_without_a_litellm_section_is_refused_and_untouched(tmp_path, name):
    path = tmp_path / name
    path.write_text(NOT_LITELLM[name])
    for args in (["--dry-run"], ["apply"], ["apply", "--only", "p0,p1,p2", "--unsafe-fixes"],
                 ["--check", "--format", "json"]):
        r = autofix(*args, path)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and str(path) in lines[0] and "no LiteLLM section" in lines[0], r.stderr
        assert "--assume-litellm" in lines[0]
        assert path.read_text() == NOT_LITELLM[name]
        assert not (tmp_path / ".autofix-backups").exists()
    r = autofix("apply", "--unsafe-fixes", "-", stdin=NOT_LITELLM[name])
    assert r.returncode == 2 and r.stdout == "" and "<stdin>: no LiteLLM section" in r.stderr


def test_the_user_can_say_it_is_a_litellm_config(tmp_path):
    path = tmp_path / "not-litellm.yaml"
    path.write_text("not: litellm\n")
    r = autofix("apply", "--assume-litellm", path)
    assert r.returncode == 0, r.stderr
    assert "general_settings:" in path.read_text()
    r = autofix("apply", "--assume-litellm", "-", stdin="not: litellm\n")
    assert r.returncode == 0 and "general_settings:" in r.stdout


def test_fragments_with_a_litellm_section_are_fixed_as_before(tmp_path):
    """An included models.yaml (only model_list) or a router_settings-only file is LiteLLM."""
    models = tmp_path / "models.yaml"
    models.write_text("model_list:\n  - model_name: gpt\n    litellm_params: {model: openai/gpt-4o}\n")
    router = tmp_path / "router.yaml"
    router.write_text("router_settings:\n  routing_strategy: usage-based-routing-v2\n")
    r = autofix("apply", models, router)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "health_check_timeout: 30" in models.read_text()
    assert "simple-shuffle" in router.read_text()


def test_a_folder_run_skips_them_and_the_others_are_fixed(tmp_path):
    for name, text in NOT_LITELLM.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "config.yaml").write_text("router_settings:\n  routing_strategy: usage-based-routing-v2\n")
    r = autofix("apply", tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert all((tmp_path / n).read_text() == t for n, t in NOT_LITELLM.items())
    assert "simple-shuffle" in (tmp_path / "config.yaml").read_text()
