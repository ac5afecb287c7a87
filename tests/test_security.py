"""No one but the person running autofix decides what it does (issue 16).

- The lock that makes two applies on one config take turns is a file beside the config's real file,
  which only those who may write that folder can create; nothing in a folder shared by every user
  (the old `$TMPDIR/autofix-locks`) is used any more, and a run leaves no lock file behind.
- An `include:` that reaches outside the root config's folder (an absolute path, `../`, a symlink
  pointing out) is read but never written unless `--edit-outside-includes` is given: the fix that would
  change it is reported with the exact changes to make by hand.
- Every output counts and names every file changed or to change, included files too.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

CONFIG = b"router_settings:\n  routing_strategy: usage-based-routing-v2\n"
MODELS = (
    b"# models, kept in their own file\n"
    b"model_list:\n"
    b"  - model_name: small\n"
    b"    litellm_params:\n"
    b"      model: openai/small\n"
    b"      api_base: http://127.0.0.1:8001/v1\n"
)
NOBODY = 65534


def _autofix(
    *args: str, cwd: Path, tmp: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    if tmp is not None:
        env["TMPDIR"] = str(tmp)
    return subprocess.run(
        [sys.executable, "-m", "autofix", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry below `folder` (symlinks by their target), to show nothing there changed."""
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        key = str(p.relative_to(folder))
        if p.is_symlink():
            out[key] = "-> " + os.readlink(p)
        elif p.is_file():
            out[key] = p.read_bytes()
        else:
            out[key] = f"<{stat.filemode(p.lstat().st_mode)}>"
    return out


# ---- the lock ---------------------------------------------------------------------------------------


def test_an_old_shared_lock_folder_taken_by_someone_else_is_not_used(tmp_path):
    """Before, `$TMPDIR/autofix-locks/<sha256 of the real path>.lock` was the lock: another user could put a
    symlink there (the apply died with an OSError traceback) or a file of theirs with mode 600 (every other
    user's apply failed). Now that folder is not used at all: both applies work and leave it as it was."""
    tmp = tmp_path / "tmp"
    locks = tmp / "autofix-locks"
    locks.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"not autofix's to touch\n")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for config in (a, b):
        config.write_bytes(CONFIG)
    old_name = {c: hashlib.sha256(str(c.resolve()).encode()).hexdigest()[:32] + ".lock" for c in (a, b)}
    (locks / old_name[a]).symlink_to(victim)
    (locks / old_name[b]).write_bytes(b"")
    (locks / old_name[b]).chmod(0o600)
    if os.geteuid() == 0:  # make it really someone else's, as on a shared machine
        for p in (locks / old_name[a], locks / old_name[b], locks):
            os.lchown(p, NOBODY, NOBODY)
    locks.chmod(0o755)
    before = _snapshot(tmp)
    r = _autofix("apply", "a.yaml", "b.yaml", cwd=tmp_path, tmp=tmp)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and r.stderr == ""
    assert b"simple-shuffle" in a.read_bytes() and b"simple-shuffle" in b.read_bytes()
    assert victim.read_bytes() == b"not autofix's to touch\n"
    assert _snapshot(tmp) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".autofix-lock")]


@pytest.mark.parametrize("kind", ["symlink", "dangling symlink", "folder", "fifo"])
def test_something_in_the_lock_files_place_is_one_line_and_nothing_is_written(tmp_path, kind):
    """Only those who may write the config's folder can put something where the lock file goes, but even
    then: one line naming it, exit 2, the config, the thing and a symlink's target untouched."""
    folder = tmp_path / "conf"
    folder.mkdir()
    config = folder / "config.yaml"
    config.write_bytes(CONFIG)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious\n")
    lock = folder / ".config.yaml.autofix-lock"
    if kind == "symlink":
        lock.symlink_to(victim)
    elif kind == "dangling symlink":
        lock.symlink_to(tmp_path / "would-be-created")
    elif kind == "folder":
        lock.mkdir()
    else:
        os.mkfifo(lock)
    r = _autofix("apply", "config.yaml", cwd=folder)
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert (
        str(lock) in lines[0] and "in the way of autofix's lock file" in lines[0] and "remove it" in lines[0]
    )
    assert config.read_bytes() == CONFIG
    assert victim.read_bytes() == b"precious\n"
    assert not (tmp_path / "would-be-created").exists()
    assert not (folder / ".autofix-backups").exists()


def test_a_lock_file_left_by_a_killed_run_is_taken_over_and_removed(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_bytes(CONFIG)
    (tmp_path / ".config.yaml.autofix-lock").write_bytes(b"")
    r = _autofix("apply", "config.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert b"simple-shuffle" in config.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".autofix-backups", "config.yaml"]


def test_a_symlinked_config_is_locked_beside_its_target(tmp_path):
    from autofix.writer import lock, lock_path

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "config.yaml").write_bytes(CONFIG)
    link = tmp_path / "link.yaml"
    link.symlink_to("real/config.yaml")
    assert lock_path(link) == tmp_path / "real" / ".config.yaml.autofix-lock"
    with lock(link) as held:
        assert held == lock_path(link) and held.is_file()
        assert stat.S_IMODE(held.stat().st_mode) & 0o077 == 0  # no one else may open it
    assert not held.exists() and not (tmp_path / ".link.yaml.autofix-lock").exists()


@pytest.fixture
def shared_folder():
    """A folder every user can reach (pytest's tmp_path is private to root), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="autofix-sec-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.skipif(
    os.geteuid() != 0, reason="needs root to act as another user (uid 65534) in a child process"
)
def test_another_user_who_can_read_the_config_cannot_stop_an_apply(shared_folder):
    """User `nobody` can read the config and its folder, so can flock both: neither is the lock. It cannot
    create the lock file, nor open one left behind (mode 600), so it cannot hold the lock at all."""
    python = shutil.which("python3", path="/usr/bin:/bin:/usr/local/bin")
    if python is None:
        pytest.skip("no system python3 for the child that acts as another user")
    folder = shared_folder / "conf"
    folder.mkdir(mode=0o755)
    config = folder / "config.yaml"
    config.write_bytes(CONFIG)
    config.chmod(0o644)
    leftover = folder / ".config.yaml.autofix-lock"
    fd = os.open(leftover, os.O_CREAT | os.O_WRONLY, 0o600)  # as a killed run of root's leaves it
    os.close(fd)
    code = f"""
import errno, fcntl, os, sys
held = []
for p in ({str(config)!r}, {str(folder)!r}):
    fd = os.open(p, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    held.append(fd)
try:
    os.open({str(leftover)!r}, os.O_RDONLY)
    print("opened the lock file")
except PermissionError:
    print("cannot open the lock file")
try:
    os.open({str(folder / ".other.yaml.autofix-lock")!r}, os.O_RDONLY | os.O_CREAT, 0o666)
    print("created a lock file")
except PermissionError:
    print("cannot create a lock file")
print("ready", flush=True)
sys.stdin.read()
"""
    child = subprocess.Popen(
        [python, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        user=NOBODY,
        group=NOBODY,
        extra_groups=[],
        cwd="/",
    )
    try:
        said = [child.stdout.readline().strip() for _ in range(3)]
        assert said == ["cannot open the lock file", "cannot create a lock file", "ready"], said
        # were the config or its folder the lock, this apply would wait 120 s for the child and time out
        r = _autofix("apply", "config.yaml", cwd=folder, timeout=60)
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert b"simple-shuffle" in config.read_bytes()
    assert not leftover.exists()


@pytest.mark.skipif(
    os.geteuid() != 0, reason="needs root to act as another user (uid 65534) in a child process"
)
def test_a_user_who_cannot_write_the_folder_takes_no_lock(shared_folder):
    """Such a user cannot write the config either (the atomic replace needs the folder), so there is nothing
    to take turns on: no lock file, no error (a clean config is checked as usual; one with fixes fails on
    its write with one line)."""
    python = shutil.which("python3", path="/usr/bin:/bin:/usr/local/bin")
    repo = Path(__file__).resolve().parents[1]
    if python is None:
        pytest.skip("no system python3 for the child that acts as another user")
    config = shared_folder / "config.yaml"
    config.write_bytes(CONFIG)
    config.chmod(0o644)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path\n"
        "try:\n    from autofix.writer import lock\nexcept ImportError:\n    print('cannot import'); sys.exit()\n"
        "with lock(Path(sys.argv[2])) as held:\n    print(held)\n"
    )
    r = subprocess.run(
        [python, "-c", code, str(repo), str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        user=NOBODY,
        group=NOBODY,
        extra_groups=[],
        cwd="/",
    )
    if r.stdout.strip() == "cannot import" or "Permission denied" in r.stderr:
        pytest.skip(f"user {NOBODY} cannot read this checkout at {repo}")
    assert r.returncode == 0 and r.stdout.strip() == "None", r.stdout + r.stderr
    assert sorted(p.name for p in shared_folder.iterdir()) == ["config.yaml"]


# ---- includes outside the config's folder ------------------------------------------------------------


def _layout(tmp_path: Path, how: str) -> tuple[Path, Path, Path]:
    """proj/config.yaml including ../outside/models.yaml: by absolute path, by ../, or through a symlink
    proj/models.yaml that points out of proj/. Returns (proj, config, the outside file)."""
    proj, outside = tmp_path / "proj", tmp_path / "outside"
    proj.mkdir()
    outside.mkdir()
    models = outside / "models.yaml"
    models.write_bytes(MODELS)
    if how == "absolute":
        entry = str(models)
    elif how == "../":
        entry = "../outside/models.yaml"
    else:
        (proj / "models.yaml").symlink_to("../outside/models.yaml")
        entry = "models.yaml"
    config = proj / "config.yaml"
    config.write_bytes(b"include:\n  - " + entry.encode() + b"\n" + CONFIG)
    return proj, config, models


HOW = ["absolute", "../", "symlink"]


@pytest.mark.parametrize("how", HOW)
def test_an_include_outside_the_folder_is_read_but_never_written(tmp_path, how):
    proj, config, models = _layout(tmp_path, how)
    before = _snapshot(models.parent)
    r = _autofix("apply", "config.yaml", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and r.stderr == ""
    assert models.read_bytes() == MODELS
    assert _snapshot(models.parent) == before  # no .autofix-backups, temp or lock file out there
    assert b"simple-shuffle" in config.read_bytes()  # the config itself is fixed
    if how == "symlink":
        assert (proj / "models.yaml").is_symlink()
    refused = [line for line in r.stdout.splitlines() if " G6 refused: " in line]
    assert len(refused) == 1, r.stdout
    assert "models.yaml" in refused[0].split(":")[0] and "--edit-outside-includes" in refused[0]
    (manual,) = [line for line in r.stdout.split("manual steps (", 1)[1].splitlines() if " G6: edit " in line]
    assert "models.yaml: add model_list[0].model_info.health_check_timeout: 10" in manual
    assert "G6 note: added" not in r.stdout  # the fix was not made: no note says it was
    assert "1 file changed: config.yaml" in r.stdout
    # LiteLLM reads the include: a second run finds the same, and the merged deployments are still seen
    again = _autofix("--dry-run", "config.yaml", cwd=proj)
    assert again.returncode == 0 and "G6 refused" in again.stdout and "+++" not in again.stdout
    assert models.read_bytes() == MODELS


@pytest.mark.parametrize("how", HOW)
def test_edit_outside_includes_opts_in(tmp_path, how):
    proj, config, models = _layout(tmp_path, how)
    preview = _autofix("--dry-run", "--edit-outside-includes", "config.yaml", cwd=proj)
    assert preview.returncode == 1 and "health_check_timeout: 10" in preview.stdout
    assert models.read_bytes() == MODELS
    r = _autofix("apply", "--edit-outside-includes", "config.yaml", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    assert b"health_check_timeout: 10" in models.read_bytes()
    baks = list((models.parent / ".autofix-backups").glob("models.yaml.*.bak"))
    assert len(baks) == 1 and baks[0].read_bytes() == MODELS
    assert "2 files changed: config.yaml, " in r.stdout and "refused" not in r.stdout
    if how == "symlink":
        assert (proj / "models.yaml").is_symlink()


def test_a_fix_half_outside_is_not_made_at_all(tmp_path):
    """G2 moves router_settings.health_check_interval (outside) to general_settings (the config): making only
    the config's half would leave the interval in both; the whole fix waits, and the manual step lists
    every change in both files."""
    proj, outside = tmp_path / "proj", tmp_path / "outside"
    proj.mkdir()
    outside.mkdir()
    router = outside / "router.yaml"
    router.write_bytes(b"router_settings:\n  health_check_interval: 60\n  num_retries: 2\n")
    config = proj / "config.yaml"
    config.write_bytes(b"include:\n  - ../outside/router.yaml\nlitellm_settings:\n  json_logs: true\n")
    r = _autofix("apply", "--format", "json", "config.yaml", cwd=proj)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert router.read_bytes() == b"router_settings:\n  health_check_interval: 60\n  num_retries: 2\n"
    assert b"general_settings" not in config.read_bytes()
    (g2,) = [f for f in doc["files"][0]["findings"] if f["id"] == "G2" and f["kind"] == "refused"]
    assert g2["file"] == "../outside/router.yaml" and g2["line"] == 2
    assert g2["manual"] == (
        "edit ../outside/router.yaml: delete router_settings.health_check_interval; and config.yaml: "
        "add general_settings.health_check_interval: 60; add general_settings.background_health_checks: true; "
        "add general_settings.health_check_details: false (or let autofix make them with --edit-outside-includes)"
    )


def test_a_folder_run_does_not_fix_an_outside_include_on_its_own(tmp_path):
    """Found in the same folder run, the outside file is still skipped (fixed on its own, its new top-level
    sections would replace the including config's), and the reason says it is not fixed through it."""
    proj, config, models = _layout(tmp_path, "../")
    r = _autofix("apply", ".", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (
        "skipped outside/models.yaml: included by proj/config.yaml from outside its folder (fixed through it "
        "only with --edit-outside-includes)" in r.stdout
    )
    assert models.read_bytes() == MODELS and not (models.parent / ".autofix-backups").exists()
    assert "1 file changed: proj/config.yaml" in r.stdout


def test_a_symlink_to_a_file_inside_the_folder_is_edited(tmp_path):
    proj = tmp_path / "proj"
    (proj / "shared").mkdir(parents=True)
    (proj / "shared" / "models.yaml").write_bytes(MODELS)
    (proj / "models.yaml").symlink_to("shared/models.yaml")
    (proj / "config.yaml").write_bytes(b"include:\n  - models.yaml\n" + CONFIG)
    r = _autofix("apply", "config.yaml", cwd=proj)
    assert r.returncode == 0, r.stderr
    assert b"health_check_timeout: 10" in (proj / "shared" / "models.yaml").read_bytes()
    assert (proj / "models.yaml").is_symlink() and "refused" not in r.stdout


# ---- every output counts and names every file ---------------------------------------------------------


def _pair(tmp_path: Path) -> Path:
    (tmp_path / "models.yaml").write_bytes(MODELS)
    (tmp_path / "config.yaml").write_bytes(b"include:\n  - models.yaml\n" + CONFIG)
    return tmp_path


def test_every_output_names_every_file_it_changes(tmp_path):
    proj = _pair(tmp_path)
    both = "config.yaml, models.yaml"
    r = _autofix("--dry-run", "config.yaml", cwd=proj)
    assert r.returncode == 1 and f"2 files to change: {both}" in r.stdout
    r = _autofix("--check", "config.yaml", cwd=proj)
    assert r.returncode == 1 and f"(changes {both})" in r.stdout.splitlines()[0]
    assert f"2 files to change: {both}" in r.stdout
    r = _autofix("--check", "--format", "json", "config.yaml", cwd=proj)
    doc = json.loads(r.stdout)
    assert doc["summary"]["files_pending"] == 2 and doc["summary"]["files_to_change"] == [
        "config.yaml",
        "models.yaml",
    ]
    assert doc["files"][0]["files_to_change"] == ["config.yaml", "models.yaml"]
    g6 = next(f for f in doc["files"][0]["fixes"] if f["id"] == "G6")
    assert g6["files"] == ["models.yaml"]
    r = _autofix("--check", "--format", "sarif", "config.yaml", cwd=proj)
    results = json.loads(r.stdout)["runs"][0]["results"]
    g6 = next(x for x in results if x["ruleId"] == "G6" and x["message"]["text"].startswith("autofix would"))
    assert [loc["physicalLocation"]["artifactLocation"]["uri"] for loc in g6["locations"]] == ["models.yaml"]
    r = _autofix("--check", "--format", "github", "config.yaml", cwd=proj)
    assert any(
        line.startswith("::warning file=models.yaml,line=") and "title=autofix G6::" in line
        for line in r.stdout.splitlines()
    )
    assert "::warning file=config.yaml," in r.stdout

    r = _autofix("apply", "--format", "json", "config.yaml", cwd=proj)
    doc = json.loads(r.stdout)
    assert doc["summary"]["files_changed"] == 2 and doc["summary"]["changed_files"] == [
        "config.yaml",
        "models.yaml",
    ]
    entry = doc["files"][0]
    assert entry["changed_files"] == ["config.yaml", "models.yaml"]
    assert [Path(b["file"]).name for b in entry["backups"]] == ["config.yaml", "models.yaml"]
    assert all(Path(b["backup"]).is_file() for b in entry["backups"])


def test_the_text_summary_counts_included_files(tmp_path):
    proj = _pair(tmp_path)
    r = _autofix("apply", "config.yaml", cwd=proj)
    assert r.returncode == 0, r.stderr
    assert "2 files changed: config.yaml, models.yaml" in r.stdout
    assert "  also changed: models.yaml (included)" in r.stdout
    assert r.stdout.count("  backup: ") == 2 and r.stdout.count("  undo:   autofix restore ") == 2


def test_only_an_included_file_changes(tmp_path):
    """Before, nothing named the included file nor its backup when the config itself had nothing to fix."""
    proj = _pair(tmp_path)
    r = _autofix("apply", "--only", "G6", "config.yaml", cwd=proj)
    assert r.returncode == 0, r.stderr
    assert "  changed: models.yaml (included; config.yaml itself is unchanged)" in r.stdout
    assert r.stdout.count("  backup: ") == 1 and "models.yaml." in r.stdout.split("  backup: ")[1]
    assert "1 file changed: models.yaml" in r.stdout
