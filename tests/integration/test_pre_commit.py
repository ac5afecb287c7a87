"""The real pre-commit runs autofix's hooks (.pre-commit-hooks.yaml) in a user's git repository.

The hook repository is this checkout as it is on disk (committed or not), made a commit in a temporary
repository: pre-commit clones the hook repository at a `rev:`, and CI's fresh clone and a developer's
edited working tree are tested alike. pre-commit (in its own venv) and the wheels the hook's environment
installs come from tests/integration/install.sh; the test itself needs no network (it runs inside the
suite's private network namespace, pip is told to use only that wheelhouse).

Shown: `autofix-check` fails on the bundled config while fixes are pending and passes after; `autofix`
rewrites it and pre-commit reports the file modified; a docker-compose.yaml and the pre-commit config are
untouched; `git status` shows nothing of the backup folder, and a `git commit` through the installed hook
is stopped, then goes through with the fixed config alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
UNIFIED = ROOT / "fixtures" / "litellm-unified.yaml"
COMPOSE = b"""\
# not a LiteLLM config: the hooks must leave it alone
services:
  proxy:
    image: ghcr.io/berriai/litellm:main-stable
    command: ["--config", "/app/config.yaml", "--port", "4000"]
    ports: ["4000:4000"]
"""
TIMEOUT = 900  # the first run builds the hook's environment (a venv, autofix and its dependencies)


def _venv() -> Path:
    return Path(
        os.environ.get("AUTOFIX_PRE_COMMIT_VENV") or Path.home() / ".cache" / "autofix-pre-commit-venv"
    )


def _required() -> bool:
    return os.environ.get("AUTOFIX_REQUIRE_INTEGRATION", "") not in ("", "0", "false", "no")


def _git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PIP_", "AUTOFIX_BACKUP"))}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
        NO_COLOR="1",
        HOME=str(home),
    )
    return env


def git(*args, cwd: Path, env: dict[str, str]) -> str:
    r = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"git {' '.join(args)}: {r.stdout}{r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def tools(tmp_path_factory):
    """pre-commit, the wheelhouse, and an environment that keeps pip off the network."""
    venv = _venv()
    pre_commit = venv / "bin" / "pre-commit"
    wheelhouse = venv / "wheelhouse"
    problems = [
        f"{p} is missing (run tests/integration/install.sh)"
        for p in (pre_commit, wheelhouse)
        if not p.exists()
    ]
    if shutil.which("git") is None:
        problems.append("git is not on PATH")
    if problems:
        if _required():
            pytest.fail("; ".join(problems) + " (AUTOFIX_REQUIRE_INTEGRATION is set)", pytrace=False)
        pytest.skip("; ".join(problems))
    home = tmp_path_factory.mktemp("home")
    env = _git_env(home)
    env.update(
        PRE_COMMIT_HOME=str(home / "pre-commit"),  # a fresh hook environment, built from this checkout
        VIRTUALENV_OVERRIDE_APP_DATA=str(home / "virtualenv"),
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return pre_commit, env


@pytest.fixture(scope="module")
def hook_repo(tools, tmp_path_factory) -> tuple[Path, str]:
    """This checkout's working tree (tracked and new files, as .gitignore leaves them) as one commit."""
    _, env = tools
    if not (ROOT / ".git").exists():
        pytest.skip(f"{ROOT} is not a git checkout")
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT, env=env)
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if not os.path.lexists(src):  # deleted in the working tree
            continue
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, repo / name, follow_symlinks=False)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    git("init", "-q", cwd=repo, env=env)
    git("add", "-A", cwd=repo, env=env)
    git("commit", "-q", "-m", "autofix under test", cwd=repo, env=env)
    return repo, git("rev-parse", "HEAD", cwd=repo, env=env).strip()


@pytest.fixture
def user_repo(tools, hook_repo, tmp_path) -> Path:
    """A user's repository: the bundled config, a compose file and a .pre-commit-config.yaml, committed."""
    _, env = tools
    repo_path, rev = hook_repo
    repo = tmp_path / "user"
    repo.mkdir()
    git("init", "-q", cwd=repo, env=env)
    shutil.copy(UNIFIED, repo / "config.yaml")
    (repo / "docker-compose.yaml").write_bytes(COMPOSE)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo_path}\n    rev: {rev}\n    hooks:\n      - id: autofix-check\n      - id: autofix\n"
    )
    git("add", "-A", cwd=repo, env=env)
    git("commit", "-q", "-m", "configs", cwd=repo, env=env)
    return repo


def _pre_commit(tools, repo: Path, *args: str) -> subprocess.CompletedProcess:
    pre_commit, env = tools
    return subprocess.run(
        [str(pre_commit), *args], cwd=repo, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )


def _fixed_by_autofix(tmp_path: Path) -> bytes:
    """What `autofix apply` (this checkout, no pre-commit) makes of the bundled config."""
    copy = tmp_path / "expected" / "config.yaml"
    copy.parent.mkdir()
    shutil.copy(UNIFIED, copy)
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "--litellm-only", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "AUTOFIX_BACKUP_DIR"},
    )
    assert r.returncode == 0, r.stdout + r.stderr
    return copy.read_bytes()


def test_the_hooks_in_a_real_pre_commit_run(tools, user_repo, tmp_path):
    _, env = tools
    original = UNIFIED.read_bytes()
    pre_config = (user_repo / ".pre-commit-config.yaml").read_bytes()

    r = _pre_commit(tools, user_repo, "run", "autofix-check", "--all-files")
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "Failed" in out and "would fix config.yaml" in out, out
    assert "docker-compose" not in out.replace("skipped docker-compose.yaml", ""), out
    assert (user_repo / "config.yaml").read_bytes() == original
    assert git("status", "--porcelain", "--untracked-files=all", cwd=user_repo, env=env) == ""

    r = _pre_commit(tools, user_repo, "run", "autofix", "--all-files")
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "files were modified by this hook" in out, out
    assert "fixed config.yaml" in out, out
    assert (user_repo / "config.yaml").read_bytes() == _fixed_by_autofix(tmp_path)
    assert (user_repo / "docker-compose.yaml").read_bytes() == COMPOSE
    assert (user_repo / ".pre-commit-config.yaml").read_bytes() == pre_config
    backups = user_repo / ".autofix-backups"
    assert [p.read_bytes() for p in backups.glob("config.yaml.*.bak")] == [original]
    assert git("status", "--porcelain", "--untracked-files=all", cwd=user_repo, env=env) == " M config.yaml\n"
    assert (
        git("status", "--porcelain", "--ignored", cwd=user_repo, env=env)
        == " M config.yaml\n!! .autofix-backups/\n"
    )

    for hook in ("autofix-check", "autofix"):  # nothing pending any more: both pass, nothing changes
        r = _pre_commit(tools, user_repo, "run", hook, "--all-files")
        assert r.returncode == 0 and "Passed" in r.stdout, r.stdout + r.stderr
    assert len(list(backups.glob("*.bak"))) == 1


def test_a_commit_through_the_installed_hook(tools, user_repo, tmp_path):
    """`pre-commit install`, then `git commit`: the hook fixes the staged config and stops the commit; the
    user looks, stages the fix and commits it. `git add -A` stages no backup."""
    _, env = tools
    (user_repo / ".pre-commit-config.yaml").write_text(
        (user_repo / ".pre-commit-config.yaml").read_text().replace("      - id: autofix-check\n", "")
    )
    git("commit", "-q", "-am", "only the fixing hook", cwd=user_repo, env=env)
    r = _pre_commit(tools, user_repo, "install")
    assert r.returncode == 0, r.stdout + r.stderr
    with (user_repo / "config.yaml").open("a") as f:
        f.write("# a change of the user's\n")
    git("add", "config.yaml", cwd=user_repo, env=env)
    head = git("rev-parse", "HEAD", cwd=user_repo, env=env)

    r = subprocess.run(
        ["git", "commit", "-m", "change"],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert r.returncode != 0, r.stdout + r.stderr
    assert "files were modified by this hook" in r.stdout + r.stderr
    assert git("rev-parse", "HEAD", cwd=user_repo, env=env) == head  # the commit was stopped

    git("add", "-A", cwd=user_repo, env=env)
    r = subprocess.run(
        ["git", "commit", "-m", "change, fixed"],
        cwd=user_repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert git("show", "--name-only", "--format=", "HEAD", cwd=user_repo, env=env) == "config.yaml\n"
    assert git("ls-files", cwd=user_repo, env=env).split() == [
        ".pre-commit-config.yaml",
        "config.yaml",
        "docker-compose.yaml",
    ]
    assert (user_repo / "docker-compose.yaml").read_bytes() == COMPOSE
    assert b"# a change of the user's\n" in (user_repo / "config.yaml").read_bytes()
