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
    full_env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    full_env.update({"NO_COLOR": "1", **(env or {})})
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
        "(commands: check, apply, list, explain, restore, probe, schema)"
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


# --------------------------------------------------------------------------------------- 12.2 output


def _section(out: str, start: str, stop: str) -> list[str]:
    lines = out.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith(start))
    j = next(n for n, line in enumerate(lines) if n > i and line.startswith(stop))
    return lines[i + 1 : j]


def test_preview_is_diff_then_changes_then_numbered_steps_then_summary(config):
    r = autofix(config)
    assert r.returncode == 1, r.stderr
    out = r.stdout
    order = [
        out.index(s)
        for s in (
            "--- a/config.yaml",
            f"would change {config} (7 fixes):",
            "not changed without --unsafe-fixes (10):",
            "manual steps (19):",
            "7 fixes would be applied",
        )
    ]
    assert order == sorted(order)
    fixes = _section(out, "would change", "not changed")
    assert [line.split()[0] for line in fixes] == ["G1", "G2", "G3", "G5", "G6", "G7", "X1"]  # a line per fix
    assert "G6   timeouts                 would add model_list[*].model_info.health_check_timeout (8×)" in out
    steps = _section(out, "manual steps", "7 fixes would be applied")
    assert [line.split()[0] for line in steps] == [f"{n}." for n in range(1, 20)]
    assert len({line.split(": ", 1)[1] for line in steps}) == 19  # each step once
    assert (
        out.strip()
        .splitlines()[-1]
        .startswith(f"7 fixes would be applied; 1 file to change: {config}; 10 more")
    )
    # a preview never speaks in the past tense, not even in the notes
    verbose = autofix("-v", config).stdout
    for word in ("removed ", "added ", "replaced ", "derived ", "enabled "):
        assert not any(f" {word}" in line for line in _section(out, "would change", "not changed")), word
        assert not any(
            line.split(" ", 3)[-1].startswith(word) for line in _section(verbose, "notes:", "manual")
        ), word
    assert "would remove litellm_settings.set_verbose" in verbose
    assert "fix by hand" not in out and len(out.splitlines()) < len(verbose.splitlines())


def test_quiet_and_verbose(config):
    quiet = autofix("--quiet", config)
    assert quiet.returncode == 1
    assert quiet.stdout.splitlines() == [
        f"would fix {config}: G1, G2, G3, G5, G6, G7, X1",
        f"7 fixes would be applied; 1 file to change: {config}; 10 more fixes with --unsafe-fixes; 3 optional P2 fixes "
        "available with --only p2 (G8, G9, G10); 19 manual steps; 33 findings (13 notes: -v)",
    ]
    verbose = autofix("--verbose", config).stdout
    assert "notes:" in verbose and "G3 routing_strategy usage-based-routing-v2 → simple-shuffle" in verbose
    assert "server_settings.port = 4000 is ignored" in verbose  # each hidden unsafe fix, in full


def test_second_run_says_nothing_to_fix_and_counts_the_steps(config):
    first = autofix("apply", config)
    assert first.returncode == 0 and f"fixed {config} (7 fixes):" in first.stdout
    assert "  G5   logging                  removed litellm_settings.set_verbose" in first.stdout
    assert "manual steps (19):" in first.stdout and "undo:   autofix restore" in first.stdout
    for args in (("apply",), ()):
        again = autofix(*args, config)
        assert again.returncode == 0
        assert again.stdout.splitlines()[0] == (
            f"{config}: nothing to fix; 13 manual steps remain; 10 more with "
            f"--unsafe-fixes (autofix check -v {config} lists them)"
        )
        assert "manual steps (" not in again.stdout and "13 manual steps" in again.stdout.splitlines()[-1]
    assert "manual steps (13):" in autofix("-v", config).stdout


def test_after_only_p0_the_summary_names_the_default_fixes_still_pending(config):
    r = autofix("apply", "--only", "p0", config)
    assert r.returncode == 0
    assert f"4 default fixes still pending (G5, G6, G7, X1): run 'autofix apply {config}'" in r.stdout
    r = autofix("--only", "G3", config)
    assert (
        r.returncode == 0
        and f"nothing to fix; 4 default fixes still pending (G5, G6, G7, X1): 'autofix "
        f"check {config}' previews them"
        in r.stdout
    )
    r = autofix("apply", config)
    assert r.returncode == 0 and "still pending" not in r.stdout
    assert autofix(config).returncode == 0


def test_text_wraps_to_the_terminal_width(config):
    r = autofix(config, env={"COLUMNS": "70"})
    lines = r.stdout.splitlines()
    body = lines[lines.index(next(x for x in lines if x.startswith("would change"))) :]
    assert all(len(line) <= 70 for line in body), [x for x in body if len(x) > 70]
    assert any(line.startswith("      ") for line in body)  # a hanging indent
    assert max(len(line) for line in autofix(config).stdout.splitlines()) > 150  # piped: a line stays a line


# -------------------------------------------------------------------------------------- 12.4 restore


def test_restore_says_what_it_does_lists_backups_and_never_loses_the_current_bytes(config):
    original = config.read_bytes()
    assert autofix("apply", "--only", "p0", config).returncode == 0
    after_p0 = config.read_bytes()
    assert autofix("apply", config).returncode == 0
    config.write_bytes(config.read_bytes() + b"# a hand edit\n")
    edited = config.read_bytes()

    listing = autofix("restore", "--list", config)
    assert listing.returncode == 0 and config.read_bytes() == edited  # --list changes nothing
    rows = listing.stdout.splitlines()
    assert rows[0] == f"backups of {config} in {config.parent / '.autofix-backups'} (newest first):"
    assert rows[1].split() == ["#", "made", "(UTC)", "size", "fixes", "applied", "stamp", "(--backup)"]
    assert rows[2].split()[0] == "1" and "G5, G6, G7, X1" in rows[2] and f"{len(after_p0):,} bytes" in rows[2]
    assert rows[3].split()[0] == "2" and "G1, G2, G3" in rows[3] and f"{len(original):,} bytes" in rows[3]
    oldest_stamp = rows[3].split()[-1]

    r = autofix("restore", config)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("using the backup ") and "by the apply of G5, G6, G7, X1" in lines[0]
    assert lines[1].startswith(f"saved the current {config} (with hand edits made after that apply) as ")
    kept = Path(lines[1].rsplit(" as ", 1)[1])
    assert kept.name.endswith(".pre-restore") and kept.read_bytes() == edited  # the hand edits are not lost
    assert lines[2].startswith(f"restored {config} from ") and lines[3] == (
        "removed the backup used (--keep keeps it); 1 older backup left"
    )
    assert config.read_bytes() == after_p0

    r = autofix("restore", "--backup", oldest_stamp, "--keep", config)
    assert r.returncode == 0 and config.read_bytes() == original
    assert (
        "(autofix's output, no edits since)" in r.stdout and "kept the backup used; 1 backup left" in r.stdout
    )
    assert autofix("restore", "-b", "7", config).returncode == 2
    r = autofix("restore", "--backup", "1", config)  # the kept one, by its number
    assert (
        r.returncode == 0
        and "already holds that backup's bytes: nothing to save, nothing written" in r.stdout
    )
    assert "no backup left" in r.stdout
    r = autofix("restore", "--list", config)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no autofix backup" in r.stderr
    help_text = " ".join(autofix("restore", "-h").stdout.split())
    for text in ("--list", "--backup", "--keep", ".pre-restore", "removed"):
        assert text in help_text, text


# --------------------------------------------------------------------------------------- 12.5 Ctrl-C


def test_ctrl_c_exits_130_with_one_line_saying_what_was_written(tmp_path):
    """The second file's lock is held here, so autofix writes the first and then waits: Ctrl-C then."""
    import signal
    import time

    from autofix import writer

    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        shutil.copy(UNIFIED, path)
    before = first.read_bytes()
    # PYTHONFAULTHANDLER: should the child ever not exit, SIGABRT makes it print where it is
    env = {k: v for k, v in os.environ.items()} | {"NO_COLOR": "1", "PYTHONFAULTHANDLER": "1"}
    with writer.lock(second):
        child = subprocess.Popen(
            [str(AUTOFIX), "apply", str(first), str(second)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            # as from a terminal: a suite run as a background job of a non-interactive shell starts with
            # SIGINT ignored, which the child would inherit (and then rightly keep ignoring)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + 60
        while first.read_bytes() == before and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert first.read_bytes() != before, "autofix did not write the first file"
        child.send_signal(signal.SIGINT)
        try:
            out, err = child.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)
            out, err = child.communicate(timeout=60)
            raise AssertionError(f"no exit 60 s after Ctrl-C; where it was:\n{err}\n{out}") from None
    assert child.returncode == 130, err
    assert err.splitlines() == [
        f"autofix: interrupted: wrote 1 file ({first}; backups made); 1 not written ({second}); "
        "no file is left half-written"
    ]
    assert second.read_bytes() == UNIFIED.read_bytes() and "Traceback" not in out + err


# ---------------------------------------------------------------------------------- 12.6 small things


def test_one_word_for_a_fix_with_safe_and_unsafe_parts(config):
    import inspect

    from autofix import registry

    mixed = set()
    for m in registry.all_migrations():
        asks = "ctx.allow_unsafe" in inspect.getsource(m.module)
        assert (m.safety in ("mixed", "unsafe")) == asks, (
            f"{m.id} is {m.safety!r} but asks for --unsafe-fixes: {asks}"
        )
        if m.safety == "mixed":
            mixed.add(m.id)
    assert mixed == {"G2", "G5", "G9", "X1", "X4", "X5"}
    listing = {
        line.split()[0]: line.split() for line in autofix("list").stdout.splitlines()[1:] if line.strip()
    }
    for mid in mixed:
        assert "mixed" in listing[mid], listing[mid]
        assert autofix("explain", mid).stdout.splitlines()[0].endswith(", mixed)")
    readme = (ROOT / "README.md").read_text()
    assert "| X1–X5 | beyond the audit | p1 | mixed |" in readme and "**mixed**" in readme
    assert not any(
        f"| {mid} |" in line and "| safe |" in line for line in readme.splitlines() for mid in mixed
    )
    # a run names the unsafe parts of a mixed fix without calling the fix unsafe
    out = autofix(config).stdout
    assert "not changed without --unsafe-fixes (10):" in out and "X1 unsafe" not in out


def test_probe_of_a_server_that_is_not_litellm_says_so(tmp_path):
    import http.server
    import threading

    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        r = autofix("probe", "--url", url, env={"LITELLM_MASTER_KEY": "sk-test"})
    finally:
        server.shutdown()
        server.server_close()
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1] == "not a LiteLLM proxy (every endpoint answered 404)"
    assert r.stderr.strip().splitlines() == [
        f"autofix probe: {url} does not look like a LiteLLM proxy: every endpoint answered 404 "
        "(liveliness, readiness, cache, metrics); is the port right?"
    ]
    assert "metrics: not enabled" not in r.stdout


def test_the_readme_names_the_package_a_user_would_pip_show():
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "litellm-autofix" in first_screen and "pip show litellm-autofix" in readme
    r = subprocess.run(
        [sys.executable, "-m", "pip", "show", "litellm-autofix"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0 and "Name: litellm-autofix" in r.stdout


# ------------------------------------------------------------------------------------- 12.3 pictures


def test_list_is_a_table_on_a_terminal_and_plain_columns_in_a_pipe():
    import pty

    plain = autofix("list").stdout.splitlines()
    assert plain[0].split() == ["id", "slug", "priority", "safety", "release", "title"]
    rows = [line for line in plain[1:] if line.strip()][:-1]  # the last line names the releases
    assert [line.split()[0] for line in rows] == (
        ["X6"]
        + [f"R{n}" for n in range(1, 7)]
        + [f"G{n}" for n in range(1, 11)]
        + [f"X{n}" for n in range(1, 6)]
    )
    assert plain[1].index("did-you-mean") == plain[0].index("slug")  # aligned columns
    assert plain[-1].startswith("LiteLLM releases in the data:")
    pid, fd = pty.fork()
    if pid == 0:  # the child: autofix list on a terminal
        os.environ.update({"COLUMNS": "120", "LINES": "40", "TERM": "xterm"})
        os.environ.pop("NO_COLOR", None)
        os.execv(str(AUTOFIX), [str(AUTOFIX), "list"])
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    shown = b"".join(chunks).decode()
    assert "\033[1m" in shown  # the header is bold
    lines = [line for line in shown.replace("\r", "").splitlines() if line.strip()]
    assert any(set(line.strip()) <= set("─ ") for line in lines)  # a rule under the header


def test_the_readme_picture_is_what_the_program_prints():
    r = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_screenshot.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    svg = (ROOT / "docs" / "preview.svg").read_text()
    assert "would&#160;change&#160;config.yaml" in svg or "would change config.yaml" in svg
    assert "](docs/preview.svg)" in "\n".join((ROOT / "README.md").read_text().splitlines()[:20])


# ------------------------------------------------------------------------------- 12.7 a quick test run


def test_the_default_run_samples_the_deep_tests_and_ci_runs_them_in_full():
    env = {k: v for k, v in os.environ.items() if k != "AUTOFIX_DEEP"}
    quick = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--co",
            "-p",
            "no:cacheprovider",
            "-m",
            "deep",
            "tests/test_hostile.py",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert "fifty-megabytes" in quick.stdout and "deep-block-seqs-100000" in quick.stdout  # marked deep
    import test_crash_safety
    import test_properties

    assert test_crash_safety.DEEP is (os.environ.get("AUTOFIX_DEEP") == "1")
    assert test_properties.EXAMPLES == (120 if os.environ.get("AUTOFIX_DEEP") == "1" else 25) or (
        "AUTOFIX_PROPERTY_EXAMPLES" in os.environ
    )
    assert "AUTOFIX_DEEP=1 .venv/bin/python -m pytest -q" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "AUTOFIX_DEEP=1" in readme and "of CPU time" in readme
