"""The user's view (issue 12): the installed `autofix` run as a person runs it, mistakes included."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIFIED = ROOT / "fixtures" / "litellm-unified.yaml"
AUTOFIX = Path(sys.executable).parent / "autofix"  # the console script pip installed


def autofix(*args, cwd=None, env=None, input=None):
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("COLUMNS", None) if "COLUMNS" not in (env or {}) else None
    return subprocess.run(
        [str(AUTOFIX), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
        input=input,
    )


@pytest.fixture
def config(tmp_path):
    dst = tmp_path / "config.yaml"
    shutil.copy(UNIFIED, dst)
    return dst


# ------------------------------------------------------------------------------ 12.1 the command model


def test_help_shows_the_command_model_the_options_people_use_and_the_exit_codes():
    for flag in ("--help", "-h", "help"):
        r = autofix(flag)
        assert r.returncode == 0, r.stderr
        for text in (
            "autofix [check] [OPTIONS] [PATHS]",
            "autofix apply",
            "--only",
            "--unsafe-fixes",
            "--quiet",
            "--verbose",
            "--format",
            "--fix",
            "Exit codes: 0",
            "restore",
            "list",
        ):
            assert text in r.stdout, (flag, text)
        assert "--check" not in r.stdout  # the old spelling is accepted, not advertised
    assert autofix("apply", "-h").returncode == 0


def test_dry_run_does_not_show_a_default_and_unsafe_help_fits_the_command():
    check, apply = autofix("check", "-h").stdout, autofix("apply", "-h").stdout
    assert "[default: True]" not in check + apply and "--dry-run" in apply
    assert "Also preview the fixes that change runtime behaviour" in " ".join(check.split())
    assert "Also apply the fixes that change runtime behaviour" in " ".join(apply.split())


def test_a_mistyped_command_is_named_not_taken_for_a_file(config):
    before = config.read_bytes()
    r = autofix("aply", config)
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "autofix: unknown command 'aply'; did you mean 'apply'? "
        "(commands: check, apply, list, explain, restore, probe)"
    )
    assert r.stdout == "" and config.read_bytes() == before
    r = autofix("restor", config)
    assert r.returncode == 2 and "did you mean 'restore'?" in r.stderr


def test_a_mistyped_option_is_one_line_that_names_the_right_one(config):
    r = autofix("--unsafe-fix", config)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().splitlines() == [
        "autofix: No such option: --unsafe-fix (Possible options: --unsafe-fixes) (see 'autofix --help')"
    ]
    r = autofix("apply", "--onyl", "p0", config)
    assert r.returncode == 2 and r.stderr.startswith("autofix apply: No such option: --onyl")
    assert "Usage:" not in r.stderr


def test_every_spelling_of_preview_and_apply(config):
    """check = preview (exit 1 while pending, writes nothing); apply = write. Old spellings keep working."""
    before = config.read_bytes()
    for args in (
        (),
        ("check",),
        ("--dry-run",),
        ("check", "--dry-run"),
        ("apply", "--dry-run"),
        ("--check",),
        ("apply", "--check"),
        ("check", "--quiet"),
    ):
        r = autofix(*args, config)
        assert r.returncode == 1, (args, r.stderr)
        assert config.read_bytes() == before, args
    quiet = autofix("check", "-q", config).stdout
    assert quiet == autofix("--check", config).stdout  # the old gate is `check --quiet`
    assert "@@" not in quiet
    for args in (("--fix",), ("check", "--fix"), ("apply",)):
        shutil.copy(UNIFIED, config)
        r = autofix(*args, config)
        assert r.returncode == 0, (args, r.stderr)
        assert config.read_bytes() != before, args
