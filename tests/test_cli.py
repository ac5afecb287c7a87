"""The command line, run as a user runs it: exit codes, output, writes, backups, restore."""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from run_autofix import autofix

ROOT = Path(__file__).resolve().parent.parent
UNIFIED = ROOT / "fixtures" / "litellm-unified.yaml"


@pytest.fixture
def config(tmp_path):
    dst = tmp_path / "config.yaml"
    shutil.copy(UNIFIED, dst)
    dst.chmod(0o640)
    return dst


def test_dry_run_shows_diff_and_exits_1_without_writing(config):
    before = config.read_bytes()
    r = autofix("--dry-run", config)
    assert r.returncode == 1, r.stderr
    assert "+  callbacks: [prometheus]" in r.stdout
    assert "-  routing_strategy: usage-based-routing-v2" in r.stdout
    assert "+  background_health_checks: true" in r.stdout
    assert "fixes would be applied" in r.stdout
    assert config.read_bytes() == before
    assert not (config.parent / ".autofix-backups").exists()


def test_apply_p0_then_nothing_pending_and_second_apply_is_a_no_op(config):
    original = config.read_bytes()
    r = autofix("apply", "--only", "p0", config)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "fixed" in r.stdout and "G1" in r.stdout
    fixed = config.read_bytes()
    assert fixed != original
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    assert autofix("--dry-run", "--only", "p0", config).returncode == 0
    r2 = autofix("apply", "--only", "p0", config)
    assert r2.returncode == 0 and config.read_bytes() == fixed
    backups = config.parent / ".autofix-backups"
    baks, patches = list(backups.glob("*.bak")), list(backups.glob("*.patch"))
    assert len(baks) == 1 and len(patches) == 1
    assert baks[0].read_bytes() == original
    assert stat.S_IMODE(baks[0].stat().st_mode) & ~0o640 == 0
    if shutil.which("patch"):
        subprocess.run(["patch", "-s", "-R", str(config), "-i", str(patches[0])], check=True)
        assert config.read_bytes() == original


def test_restore_puts_the_backup_back_and_checks_its_hash(config):
    original = config.read_bytes()
    assert autofix("apply", config).returncode == 0
    r = autofix("restore", config)
    assert r.returncode == 0, r.stderr
    assert config.read_bytes() == original
    assert autofix("restore", config).returncode == 2  # nothing left to restore
    assert autofix("apply", config).returncode == 0
    bak = next((config.parent / ".autofix-backups").glob("*.bak"))
    bak.write_bytes(b"tampered: true\n")
    fixed = config.read_bytes()
    r = autofix("restore", config)
    assert r.returncode == 2 and "does not match its recorded hash" in r.stderr
    assert config.read_bytes() == fixed


def test_symlinked_config_is_edited_at_its_target(config, tmp_path):
    link = tmp_path / "link.yaml"
    link.symlink_to(config)
    assert autofix("apply", link).returncode == 0
    assert link.is_symlink() and "simple-shuffle" in config.read_text()


def test_only_skip_and_unknown_values(config):
    r = autofix("--only", "G3", config)
    assert r.returncode == 1 and "simple-shuffle" in r.stdout and "prometheus" not in r.stdout
    r = autofix("--only", "prometheus,routing-strategy", "--skip", "G3", config)
    assert "callbacks" in r.stdout and "simple-shuffle" not in r.stdout
    r = autofix("--only", "G99", config)
    assert r.returncode == 2 and "unknown fix 'G99'" in r.stderr and "G1" in r.stderr
    assert "Traceback" not in r.stderr


def test_list_explain_version():
    r = autofix("list")
    assert r.returncode == 0
    for token in ("G1", "G2", "G3", "prometheus", "p0", "safe"):
        assert token in r.stdout
    r = autofix("explain", "G1")
    assert r.returncode == 0 and "## What it does" in r.stdout and "## Fix safety" in r.stdout
    assert autofix("explain", "routing-strategy").returncode == 0
    assert autofix("explain", "nope").returncode == 2
    r = autofix("--version")
    assert r.returncode == 0 and r.stdout.startswith("autofix ")


def test_default_config_name_is_found_and_named(config):
    r = autofix("--dry-run", cwd=config.parent)
    assert r.returncode == 1
    assert "using config.yaml" in r.stderr
    r = autofix("--dry-run", cwd=config.parent / ".." if False else ROOT / "tests")
    assert r.returncode == 2 and "no config found" in r.stderr


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("missing.yaml", None, "no such file"),
        ("folder", "DIR", "no LiteLLM config under this folder"),
        ("empty.yaml", b"", "empty file"),
        ("list.yaml", b"- a\n- b\n", "top level is a list"),
        ("bad.yaml", b"a: [1,\nb: 2\n", "invalid YAML"),
        ("tmpl.yaml", b"model_list:\n  - model_name: {{ name }}\n", "Jinja template"),
        (
            "dup.yaml",
            b"router_settings:\n  timeout: 1\n  timeout: 2\n",
            "duplicate key 'timeout' at lines 2 and 3",
        ),
        ("latin1.yaml", b"a: caf\xe9\n", "not UTF-8"),
    ],
)
def test_bad_input_one_line_exit_2_untouched(tmp_path, name, content, reason):
    path = tmp_path / name
    if content == "DIR":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    for cmd in (("--dry-run",), ("apply",)):
        r = autofix(*cmd, path)
        assert r.returncode == 2, r.stdout + r.stderr
        errors = [line for line in r.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and reason in errors[0] and name in errors[0], r.stderr
        assert "Traceback" not in r.stderr
    if content not in (None, "DIR"):
        assert path.read_bytes() == content
    assert not (tmp_path / ".autofix-backups").exists()


def test_bad_file_does_not_stop_the_others(config, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n")
    r = autofix("apply", bad, config)
    assert r.returncode == 2
    assert "simple-shuffle" in config.read_text()


def test_line_numbers_in_errors(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("a: 1\nb:\n  c: [1,\n  d: 2\n")
    r = autofix("--dry-run", path)
    assert r.returncode == 2 and f"{path}:" in r.stderr


def test_no_color_when_piped(config):
    r = autofix("--dry-run", config, env={"NO_COLOR": ""})
    assert "\033[" not in r.stdout


def test_secrets_are_masked_in_diff_and_findings(tmp_path):
    path = tmp_path / "c.yaml"
    text = (
        "general_settings:\n  master_key: sk-master-SECRET456\n  database_url: postgres://u:SECRETpw@db/x\n"
        "router_settings:\n  redis_password: SECRET789\n  routing_strategy: usage-based-routing-v2\n"
        "  api_key: os.environ/KEEP_VISIBLE\n"
    )
    path.write_text(text)
    r = autofix("--dry-run", path)
    assert r.returncode == 1 and "master_key: ****" in r.stdout and "redis_password: ****" in r.stdout
    assert "SECRET" not in r.stdout + r.stderr
    assert "os.environ/KEEP_VISIBLE" in r.stdout
    r = autofix("--dry-run", "--show-secrets", path)
    assert "sk-master-SECRET456" in r.stdout
    r = autofix("apply", path)
    assert r.returncode == 0 and "SECRET" not in r.stdout + r.stderr


def test_restore_passes_over_a_damaged_newest_record_and_says_so(config):
    """A run killed while it wrote its backup record leaves a truncated .json: restore uses the newest
    whole backup, names the record it skipped, and keeps the current bytes."""
    original = config.read_bytes()
    assert autofix("apply", "--only", "p0", config).returncode == 0  # backup 1: the original
    after_p0 = config.read_bytes()
    assert autofix("apply", config).returncode == 0  # backup 2: after p0
    folder = config.parent / ".autofix-backups"
    records = sorted(folder.glob("*.json"))
    assert len(records) == 2
    records[-1].write_bytes(records[-1].read_bytes()[:20])  # the newest record, cut short
    current = config.read_bytes()
    r = autofix("restore", config)
    assert r.returncode == 0, r.stderr
    assert f"skipped the damaged backup record {records[-1].name}" in r.stdout
    assert config.read_bytes() == original and original != after_p0
    saved = list(folder.glob("*.pre-restore"))
    assert len(saved) == 1 and saved[0].read_bytes() == current
    records[0].write_bytes(b"{")  # now every record left is damaged: one line, nothing written
    config.write_bytes(current)
    r = autofix("restore", config)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "damaged" in r.stderr
    assert config.read_bytes() == current
