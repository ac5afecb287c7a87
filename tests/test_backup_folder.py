"""Where backups go: never into a git commit by accident, and anywhere the user says (--backup-dir DIR,
AUTOFIX_BACKUP_DIR), one subfolder a config so configs of the same name never mix."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from run_autofix import autofix as run_autofix

ROOT = Path(__file__).resolve().parent.parent
UNIFIED = ROOT / "fixtures" / "litellm-unified.yaml"
NOTE = "backups go to "


def autofix(*args, cwd, env=None):
    return run_autofix(*args, cwd=cwd, env=env, without=("AUTOFIX_BACKUP_DIR",))


def git(*args, cwd):
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=60
    ).stdout


def _subfolder(root: Path, config: Path) -> Path:
    real = os.path.realpath(config)
    return root / f"{config.name}-{hashlib.sha256(os.fsencode(real)).hexdigest()[:16]}"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_backups_stay_out_of_git_and_the_first_apply_says_where_they_go(tmp_path):
    git("init", "-q", cwd=tmp_path)
    config = tmp_path / "config.yaml"
    shutil.copy(UNIFIED, config)
    git("add", "config.yaml", cwd=tmp_path)
    git(
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-q",
        "-m",
        "config",
        cwd=tmp_path,
    )

    r = autofix("apply", "config.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert NOTE not in r.stderr  # text output: the note is on stdout, beside the backup's name
    notes = [line for line in r.stdout.splitlines() if NOTE in line]
    assert notes == [
        f"autofix: backups go to {tmp_path / '.autofix-backups'}{os.sep} (git ignores it); keep "
        "them elsewhere with --backup-dir DIR or AUTOFIX_BACKUP_DIR=DIR"
    ], r.stderr
    assert list((tmp_path / ".autofix-backups").glob("config.yaml.*.bak"))
    assert git("status", "--porcelain", "--untracked-files=all", cwd=tmp_path) == " M config.yaml\n"
    git("add", "-A", cwd=tmp_path)
    assert git("diff", "--cached", "--name-only", cwd=tmp_path) == "config.yaml\n"

    config.write_bytes(UNIFIED.read_bytes())  # a second apply, into the folder that exists: no note
    r = autofix("apply", "config.yaml", cwd=tmp_path)
    assert r.returncode == 0 and NOTE not in r.stdout + r.stderr, r.stdout
    assert len(list((tmp_path / ".autofix-backups").glob("config.yaml.*.bak"))) == 2


def test_a_folder_made_before_gets_its_gitignore_and_one_of_the_users_is_kept(tmp_path):
    folder = tmp_path / ".autofix-backups"
    folder.mkdir()
    shutil.copy(UNIFIED, tmp_path / "config.yaml")
    r = autofix("apply", "config.yaml", cwd=tmp_path)
    assert r.returncode == 0 and NOTE not in r.stdout + r.stderr, r.stdout
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"

    (folder / ".gitignore").write_text("*.bak\n")  # the user's own: left alone
    shutil.copy(UNIFIED, tmp_path / "config.yaml")
    assert autofix("apply", "config.yaml", cwd=tmp_path).returncode == 0
    assert (folder / ".gitignore").read_text() == "*.bak\n"


def test_nothing_is_written_when_the_backup_folder_is_a_file(tmp_path):
    shutil.copy(UNIFIED, tmp_path / "config.yaml")
    (tmp_path / ".autofix-backups").write_text("not a folder\n")
    r = autofix("apply", "config.yaml", cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "the config was not changed" in r.stderr
    assert (tmp_path / "config.yaml").read_bytes() == UNIFIED.read_bytes()


@pytest.mark.parametrize("how", ["--backup-dir", "AUTOFIX_BACKUP_DIR"])
def test_a_backup_dir_holds_one_subfolder_per_config_and_restore_finds_it(tmp_path, how):
    work = tmp_path / "work"
    (work / "prod").mkdir(parents=True)
    (work / "dev").mkdir()
    prod, dev = work / "prod" / "config.yaml", work / "dev" / "config.yaml"
    shutil.copy(UNIFIED, prod)
    shutil.copy(UNIFIED, dev)
    dev.write_text(dev.read_text().replace("usage-based-routing-v2", "usage-based-routing"))
    originals = {prod: prod.read_bytes(), dev: dev.read_bytes()}
    (work / "link.yaml").symlink_to("prod/config.yaml")
    option, env = (["--backup-dir", "../kept"], None) if how == "--backup-dir" else ([], {how: "../kept"})
    kept = tmp_path / "kept"  # relative to the folder autofix runs in

    r = autofix("apply", "prod/config.yaml", "dev/config.yaml", "--jobs", "2", *option, cwd=work, env=env)
    assert r.returncode == 0, r.stderr
    assert [line for line in r.stdout.splitlines() if NOTE in line] == [
        f"autofix: backups go to {kept}{os.sep} (git ignores it); keep them elsewhere with --backup-dir DIR "
        "or AUTOFIX_BACKUP_DIR=DIR"
    ]
    assert sorted(p.name for p in kept.iterdir()) == sorted(
        [".gitignore", _subfolder(kept, prod).name, _subfolder(kept, dev).name]
    )
    assert (kept / ".gitignore").read_text().splitlines()[-1] == "*"
    for config in (prod, dev):
        (bak,) = _subfolder(kept, config).glob("config.yaml.*.bak")
        assert bak.read_bytes() == originals[config]
        assert not (config.parent / ".autofix-backups").exists()

    # restore finds them with the same option or variable, through a symlink too, and says where else to look
    # without it
    r = autofix("restore", "link.yaml", cwd=work)
    assert r.returncode == 2 and "--backup-dir DIR or AUTOFIX_BACKUP_DIR" in r.stderr, r.stderr
    r = autofix("restore", "link.yaml", *option, cwd=work, env=env)
    assert r.returncode == 0, r.stderr
    assert str(_subfolder(kept, prod)) in r.stdout
    assert prod.read_bytes() == originals[prod] and dev.read_bytes() != originals[dev]
    assert autofix("restore", "dev/config.yaml", *option, cwd=work, env=env).returncode == 0
    assert dev.read_bytes() == originals[dev]


def test_the_option_wins_over_the_variable_and_json_output_stays_json(tmp_path):
    shutil.copy(UNIFIED, tmp_path / "config.yaml")
    r = autofix(
        "apply",
        "config.yaml",
        "--backup-dir",
        "chosen",
        "--format",
        "json",
        cwd=tmp_path,
        env={"AUTOFIX_BACKUP_DIR": "env"},
    )
    assert r.returncode == 0, r.stderr
    (entry,) = json.loads(r.stdout)["files"]  # machine-readable output: the backup is named there, no note
    assert Path(entry["backup"]).parent == _subfolder(tmp_path / "chosen", tmp_path / "config.yaml")
    assert NOTE not in r.stderr
    assert (tmp_path / "chosen").is_dir() and not (tmp_path / "env").exists()
    assert not (tmp_path / ".autofix-backups").exists()


def test_in_process_the_option_lasts_for_one_command(tmp_path, monkeypatch):
    from autofix import writer

    monkeypatch.delenv("AUTOFIX_BACKUP_DIR", raising=False)
    config = tmp_path / "config.yaml"
    with writer.backup_dir_option(str(tmp_path / "kept")):
        assert writer.backup_folder(config) == _subfolder(tmp_path / "kept", config)
    assert writer.backup_folder(config) == tmp_path / ".autofix-backups"
    with writer.backup_dir_option(None):
        assert writer.backup_folder(config) == tmp_path / ".autofix-backups"
