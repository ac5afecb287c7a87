"""Trust on whatever a user points autofix at: a bug in one fix never escapes as a traceback, a file
that is not a LiteLLM config is never edited, and a finding's line is the line in the file on disk."""

import functools
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
    return subprocess.run(
        [*cmd, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=120,
        input=stdin,
    )


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
    assert lines == [
        f"{files[1]}: internal error in G5 (AttributeError: 'ConfigSet' object has no attribute "
        "'text'): nothing written"
    ], r.stderr
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
    '    ports: ["4000:4000"]\n  db:\n    image: postgres:16\n',
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
    for args in (
        ["--dry-run"],
        ["apply"],
        ["apply", "--only", "p0,p1,p2", "--unsafe-fixes"],
        ["--check", "--format", "json"],
    ):
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


# ---- a finding's line is the line in the file on disk --------------------------------------------------


def _all_configs() -> list[Path]:
    return (
        sorted((ROOT / "fixtures").glob("*/*.before.yaml"))
        + [UNIFIED]
        + sorted((ROOT / "tests" / "corpus").rglob("*.yaml"))
    )


@functools.cache
def _run(config: Path, plan: str):
    """One run of every config with a plan ("default", or "all-unsafe": p0-p2 with --unsafe-fixes),
    shared by the tests below; findings worded as an apply words them (preview=False)."""
    from autofix import registry
    from autofix.batch import fix_file

    selection = registry.select() if plan == "default" else registry.select(["p0", "p1", "p2"])
    return fix_file(config, selection, unsafe=plan != "default", preview=False)


def _nearest_existing(data, path):
    """The longest prefix of `path` that exists in `data`."""
    cur, found = data, ()
    for part in path:
        if (
            isinstance(cur, dict)
            and part in cur
            or isinstance(cur, list)
            and isinstance(part, int)
            and (-len(cur) <= part < len(cur))
        ):
            cur, found = cur[part], (*found, part)
        else:
            break
    return found


@pytest.mark.parametrize("plan", ["default", "all-unsafe"])
def test_every_finding_points_at_its_key_in_the_file_on_disk(plan):
    """Generated over every fixture and corpus config: a finding's line holds its key (or the nearest
    ancestor the file on disk has); a finding about a new section has the line it goes below, the
    last line of the existing sections (only blank lines and comments at the left edge follow it)."""
    import yaml

    checked = 0
    for config in _all_configs():
        text = config.read_bytes().decode("utf-8-sig")
        lines = text.splitlines()
        data = yaml.safe_load(text)
        outcome = _run(config, plan)
        if outcome.result is None:
            continue
        for f in outcome.result.findings:
            if f.path is None:
                continue
            known = _nearest_existing(data, f.path)
            where = f"{config.name}: {f.migration} {f.where} at {f.line}"
            if not known:
                assert f.line is not None and 1 <= f.line <= len(lines), where
                assert lines[f.line - 1].strip(), where
                assert all(not ln.strip() or ln.startswith("#") for ln in lines[f.line :]), where
                continue
            assert f.line is not None and 1 <= f.line <= len(lines), where
            key = next((k for k in reversed(known) if isinstance(k, str)), None)
            line = lines[f.line - 1]
            if isinstance(known[-1], int):
                assert line.lstrip().startswith("-") or "[" in line, where
            else:
                assert key in line, f"{where}: {line!r}"
            checked += 1
    assert checked > 300


def test_a_finding_about_a_new_section_has_the_same_line_in_every_format(tmp_path):
    """Issue 10: a finding about a section a fix creates had no line (`-`, no SARIF region, no GitHub
    line). It now has the line the section goes below, the same in text, json, sarif and github."""
    config = tmp_path / "config.yaml"
    config.write_text(
        "model_list:\n  - model_name: gpt\n    litellm_params: {model: openai/gpt-4o}\n"
        "litellm_settings:\n  json_logs: true\n  # drop_params: true\n\n# the end\n"
    )
    import re

    wanted = "enable background health checks"  # G2 creates general_settings (previews say "would ...")
    text = autofix("--dry-run", "-v", "--only", "G2", config).stdout
    m = re.search(r"config\.yaml:(\d+) G2 would " + wanted, text)
    assert m, text
    line = int(m.group(1))
    assert line == 6  # the commented-out setting below json_logs stays in litellm_settings
    out = json.loads(autofix("--check", "--only", "G2", "--format", "json", config).stdout)
    assert {f["line"] for f in out["files"][0]["findings"] if wanted in f["message"]} == {line}
    sarif = json.loads(autofix("--check", "--only", "G2", "--format", "sarif", config).stdout)["runs"][0]
    regions = [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in sarif["results"]
        if wanted in r["message"]["text"]
    ]
    assert regions == [line]
    github = autofix("--check", "--only", "G2", "--format", "github", config).stdout
    assert re.search(rf"::\w+ file=[^,]+,line={line},title=autofix G2::[^\n]*{wanted}", github), github


def test_check_github_and_sarif_lines_on_the_bundled_config(tmp_path):
    lines = UNIFIED.read_text().splitlines()
    strategy = next(i for i, ln in enumerate(lines, 1) if "routing_strategy:" in ln)
    r = autofix("--check", "--format", "github", UNIFIED)
    assert r.returncode == 1
    import re

    found = [
        (int(m.group(2)), m.group(3))
        for m in re.finditer(r"::(\w+) file=[^,]+,line=(\d+),title=autofix (\w+)::", r.stdout)
    ]
    assert found and all(1 <= n <= len(lines) for n, _ in found), found
    assert (strategy, "G3") in found
    r = autofix("--check", "--format", "sarif", UNIFIED)
    sarif = json.loads(r.stdout)["runs"][0]
    g3 = [
        res["locations"][0]["physicalLocation"]["region"]["startLine"]
        for res in sarif["results"]
        if res["ruleId"] == "G3" and "routing_strategy" in res["message"]["text"]
    ]
    assert g3 and set(g3) == {strategy}
    assert "on disk" in sarif["properties"]["linesReferTo"]
    r = autofix("--check", "--format", "json", UNIFIED)
    out = json.loads(r.stdout)
    assert "on disk" in out["lines_refer_to"]
    assert all(f["line"] is None or f["line"] <= len(lines) for f in out["files"][0]["findings"])


def test_after_apply_the_output_says_which_file_the_lines_refer_to(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_bytes(UNIFIED.read_bytes())
    r = autofix("apply", "--format", "json", config)
    assert r.returncode == 0
    assert "before the fixes" in json.loads(r.stdout)["lines_refer_to"]
    config.write_bytes(UNIFIED.read_bytes())
    r = autofix("apply", "--format", "sarif", config)
    assert "before the fixes" in json.loads(r.stdout)["runs"][0]["properties"]["linesReferTo"]
    config.write_bytes(UNIFIED.read_bytes())
    r = autofix("apply", config)
    assert "the findings' lines are those of the file before the fixes (the backup)" in r.stdout


def test_included_file_findings_name_that_file_in_every_format(tmp_path):
    (tmp_path / "config.yaml").write_text("include: [models.yaml]\nlitellm_settings:\n  json_logs: true\n")
    (tmp_path / "models.yaml").write_text(
        "model_list:\n  - model_name: gpt\n    litellm_params: "
        "{model: openai/gpt-4o}\nserver_settings:\n  prometheus: {port: 9090}\n"
    )
    r = autofix("--check", "--format", "github", "config.yaml", cwd=tmp_path)
    assert "::notice file=models.yaml,line=5,title=autofix G1::" in r.stdout, r.stdout
    r = autofix("--check", "--format", "sarif", "config.yaml", cwd=tmp_path)
    results = json.loads(r.stdout)["runs"][0]["results"]
    g1 = [x for x in results if x["ruleId"] == "G1" and "server_settings" in x["message"]["text"]]
    assert g1 and all(
        x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "models.yaml" for x in g1
    )
    r = autofix("--check", "--format", "json", "config.yaml", cwd=tmp_path)
    g1 = [f for f in json.loads(r.stdout)["files"][0]["findings"] if f["id"] == "G1" and f["line"] == 5]
    assert g1 and g1[0]["file"] == "models.yaml"


# ---- previews speak of what would change -------------------------------------------------------------

PAST = (
    r"(?:^|; |: )(?:added|deleted|derived|dropped|enabled|kept|merged|moved|removed|renamed|replaced|rewrote|set|"
    r"wrote|became)\b|\b(?:was|were) not \w+ed\b|\bwas .* and is now\b"
)


def test_previews_never_speak_in_the_past_tense():
    import re

    from autofix.report import preview_tense

    worded = 0
    for config in _all_configs():
        for plan in ("default", "all-unsafe"):
            # one run: a preview's findings are the apply's, worded by preview_tense (fix_file does that;
            # test_text_preview_and_apply_wording checks it end to end)
            applied = _run(config, plan)
            if applied.result is None:
                continue
            for a in applied.result.findings:
                p = preview_tense(a.message)
                assert not re.search(PAST, p), f"{config.name}: {p}"
                worded += p != a.message
    assert worded > 50


def test_text_preview_and_apply_wording(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_bytes(UNIFIED.read_bytes())
    r = autofix("--dry-run", "-v", config)
    assert "G5 would remove litellm_settings.set_verbose: false" in r.stdout
    assert "fixes would be applied" in r.stdout
    r = autofix("apply", "-v", config)
    assert "G5 removed litellm_settings.set_verbose: false" in r.stdout
    assert "the findings' lines are those of the file before the fixes" in r.stdout
    assert "fixes applied" in r.stdout


# ---- the checkers the tests trust -------------------------------------------------------------------


def test_the_inline_comment_checker_never_confuses_two_identical_lines():
    """Identical `model_info: {}  # c1 note` lines; fixes edit them (each comment goes along with its
    line) and a new `model_info: {}` line appears elsewhere. Every comment is kept: the checker must say
    so (it used to match lines by their text alone and report "inline comment lost")."""
    from checks import assert_comments_stay, assert_inline_comments_stay

    old = (
        "model_list:\n  - model_name: a\n    model_info: {}  # c1 note\n"
        "  - model_name: b\n    model_info: {}  # c1 note\n"
    )
    new = (
        "model_list:\n  - model_name: a\n    model_info: {health_check_timeout: 30}  # c1 note\n"
        "  - model_name: b\n    model_info: {health_check_timeout: 10}  # c1 note\n"
        "  - model_name: c\n    model_info: {}\n"
    )
    assert_comments_stay(old, new)
    lost = new.replace("{health_check_timeout: 10}  # c1 note", "{}")  # b's comment really lost
    with pytest.raises(AssertionError, match="inline comment lost"):
        assert_inline_comments_stay(old.replace("model_name: b", "model_name: b\n    tpm: 1"), lost)


def test_the_full_line_comment_checker_never_confuses_two_identical_lines():
    """Found in random mode: `# c1 note` closes deployment 1's `litellm_params`; a fix adds
    `model_info:` to that deployment below it, and deployment 2 already has a `model_info:` line. The
    new line was taken for an old one ("no longer sits above"): the checker matched lines by their text
    alone. It aligns them now, and still fails when a comment really lands above another old line."""
    from checks import assert_comments_stay

    old = (
        "model_list:\n- model_name: a\n  litellm_params:\n    rpm: 1\n    # c1 note\n"
        "- model_name: b\n  model_info:\n    mode: chat\n"
    )
    new = old.replace("    # c1 note\n", "    # c1 note\n  model_info:\n    health_check_timeout: 10\n")
    assert_comments_stay(old, new)
    old = "model_list:\n- model_name: a\n  # c1 note\n  model_info: {}\n- model_name: b\n  model_info: {}\n"
    lost = "model_list:\n- model_name: a\n  model_info: {}\n- model_name: b\n  # c1 note\n  model_info: {}\n"
    with pytest.raises(AssertionError, match="no longer sits above"):
        assert_comments_stay(old, lost)  # the comment left its key for the identical key below


@pytest.mark.parametrize(
    "old,new",
    [
        # two identical keys in two mappings, the comment moved from the first to the second
        ("a:\n  # keep\n  x: 1\nb:\n  x: 1\n", "a:\n  x: 1\nb:\n  # keep\n  x: 1\n"),
        # the same with identical list items
        ("cb:\n# keep\n- otel\n- otel\n", "cb:\n- otel\n# keep\n- otel\n- webhook\n"),
        # identical list items, the inline comment dropped from one of them while a neighbour changed
        (
            "cb:\n- prometheus\n- prometheus  # c1 note\n- webhook\n",
            "cb:\n- prometheus\n- prometheus\n- otel\n",
        ),
    ],
)
def test_the_comment_checker_still_fails_on_a_real_loss_among_identical_lines(old, new):
    from checks import assert_comments_stay

    with pytest.raises(AssertionError):
        assert_comments_stay(old, new)


def test_a_bug_outside_any_one_file_is_one_line_too(tmp_path):
    """An exception after the files were processed (here: in the SARIF renderer) is one line, exit 2."""
    config = tmp_path / "config.yaml"
    config.write_text(GOOD)
    code = (
        "import sys, autofix.formats as f\n"
        "def broken(*a, **k):\n    raise RuntimeError('boom')\n"
        "f.render_sarif = broken\n"
        "from autofix.cli import main\nmain(sys.argv[1:])\n"
    )
    env = {**os.environ, "NO_COLOR": "1"}
    for debug in (False, True):
        args = [
            sys.executable,
            "-c",
            code,
            "--check",
            "--format",
            "sarif",
            *(["--debug"] if debug else []),
            config,
        ]
        r = subprocess.run(list(map(str, args)), capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 2, r.stderr
        assert "autofix: internal error (RuntimeError: boom)" in r.stderr
        assert ("Traceback (most recent call last)" in r.stderr) == debug, r.stderr
