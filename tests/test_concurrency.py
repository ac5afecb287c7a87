"""Concurrency: two `autofix apply` runs on one file take turns, and a file that changes on disk while
autofix works is never overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autofix import registry
from autofix.batch import fix_file

TESTS = Path(__file__).resolve().parent
OLD = (
    b"model_list:\n"
    b"  - model_name: llama  # local\n"
    b"    litellm_params:\n"
    b"      model: ollama/llama3.1\n"
    b"      rpm: 10\n"
    b"router_settings:\n"
    b"  routing_strategy: usage-based-routing-v2\n"
)
ROUNDS = 8 if os.environ.get("AUTOFIX_DEEP") == "1" else 3  # every round in the deep run (.ci/run)
HOLD = 0.4  # seconds each run holds the lock before its rename, so the other one surely has to wait


def _env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(TESTS), "TMPDIR": str(tmp), "NO_COLOR": "1"}


def _slow_apply(target: str, cwd: Path, tmp: Path) -> subprocess.Popen:
    """`autofix apply target`, sleeping HOLD seconds (with the lock held) before its rename."""
    code = (
        f"import crashshim; crashshim.install('sleep', 1, '', '{HOLD}'); "
        f"from autofix.cli import main; main(['apply', {target!r}])"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=_env(tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def new_bytes(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("clean")
    (folder / "config.yaml").write_bytes(OLD)
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "config.yaml"],
        cwd=folder,
        env=_env(folder),
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return (folder / "config.yaml").read_bytes()


def test_two_applies_at_once_take_turns(tmp_path, new_bytes):
    """Both start together; the one that gets the lock fixes the file, the other waits and finds nothing
    to fix. Without the lock both would read the old bytes, both would pass the changed-on-disk check
    (the first one is still sleeping before its rename) and two backups would be written."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    for n in range(ROUNDS):
        folder = tmp_path / f"round{n}"
        folder.mkdir()
        config = folder / "config.yaml"
        config.write_bytes(OLD)
        (folder / "link.yaml").symlink_to("config.yaml")
        # the same file named three ways: the lock is keyed by the real path
        names = [("config.yaml", "config.yaml"), ("config.yaml", str(config)), ("link.yaml", "config.yaml")][
            n % 3
        ]
        procs = [_slow_apply(name, folder, tmp) for name in names]
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (out, err) in zip(procs, outs, strict=True):
            assert p.returncode == 0, f"round {n}: {out}{err}"
            assert "Traceback" not in err and "changed on disk" not in err, err
        fixed = [out for out, _ in outs if out.startswith("fixed ")]
        assert len(fixed) == 1, f"round {n}: both or neither fixed the file: {outs}"
        assert any("nothing to fix" in out for out, _ in outs), outs
        assert config.read_bytes() == new_bytes
        assert (folder / "link.yaml").is_symlink()
        backups = folder / ".autofix-backups"
        baks = list(backups.glob("*.bak"))
        assert len(baks) == 1 and baks[0].read_bytes() == OLD, f"round {n}: {len(baks)} backups"
        assert len(list(backups.glob("*.json"))) == 1 and len(list(backups.glob("*.patch"))) == 1
        assert not list(folder.glob(".*.autofix-tmp"))


def _concurrent_writer(monkeypatch, where: str, path: Path, theirs: bytes) -> None:
    """Make someone else write `theirs` to `path` right after autofix read it (`read_config`) or after it
    computed its fixes (`run`), before it writes."""
    import autofix.batch

    real = getattr(autofix.batch, where)

    def wrapped(*args, **kwargs):
        result = real(*args, **kwargs)
        path.write_bytes(theirs)
        return result

    monkeypatch.setattr(autofix.batch, where, wrapped)


CONCURRENT = OLD.replace(b"rpm: 10", b"rpm: 20  # raised by a colleague meanwhile")


@pytest.mark.parametrize("where", ["read_config", "run"])
def test_a_config_changed_between_read_and_write_is_not_overwritten(tmp_path, monkeypatch, where):
    config = tmp_path / "config.yaml"
    config.write_bytes(OLD)
    _concurrent_writer(monkeypatch, where, config, CONCURRENT)
    outcome = fix_file(config, registry.select(), write=True)
    assert outcome.written is None
    assert (
        outcome.error
        == f"{config}: the file changed on disk while autofix was working; nothing was written, run again"
    )
    assert config.read_bytes() == CONCURRENT
    assert not (tmp_path / ".autofix-backups").exists()
    assert not list(tmp_path.glob(".*.autofix-tmp"))


@pytest.mark.parametrize("where", ["read_config", "run"])
def test_the_cli_stops_with_one_line_and_exit_2(tmp_path, monkeypatch, capsys, where):
    from autofix.commands import process

    config = tmp_path / "config.yaml"
    config.write_bytes(OLD)
    other = tmp_path / "other.yaml"
    other.write_bytes(OLD)
    _concurrent_writer(monkeypatch, where, config, CONCURRENT)  # `other` is written by autofix alone
    code = process(
        [str(config), str(other)],
        only=None,
        skip=None,
        unsafe=False,
        write=True,
        show_secrets=False,
        strict=False,
    )
    out, err = capsys.readouterr()
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == [
        f"{config}: the file changed on disk while autofix was working; nothing was written, run again"
    ]
    assert f"fixed {config}" not in out and f"fixed {other}" in out  # the other file is still processed
    assert config.read_bytes() == CONCURRENT


def test_an_apply_leaves_no_lock_file_anywhere(tmp_path):
    """The lock is a file beside the config that its run deletes before letting go: nothing is left in the
    config's folder nor in the temp folder (before, one lock file per config ever applied piled up in
    $TMPDIR/autofix-locks)."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp_path / "config.yaml").write_bytes(OLD)
    for _ in range(2):  # a run that fixes, and one that finds nothing to fix
        r = subprocess.run(
            [sys.executable, "-m", "autofix", "apply", "config.yaml"],
            cwd=tmp_path,
            env=_env(tmp),
            capture_output=True,
            timeout=60,
        )
        assert r.returncode == 0, r.stderr
    assert list(tmp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [".autofix-backups", "config.yaml", "tmp"]
