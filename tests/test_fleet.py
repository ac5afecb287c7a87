"""Many files at once: folders, globs, stdin, --check, --jobs, and the machine-readable formats."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from run_autofix import autofix

ROOT = Path(__file__).resolve().parent.parent
UNIFIED = ROOT / "fixtures" / "litellm-unified.yaml"


def _clean_config() -> str:
    """A config the default fixes leave alone: whatever they make of a minimal one."""
    from autofix import registry
    from autofix.runner import run

    return run(b"model_list: []\n", registry.select()).new_bytes.decode()


CLEAN = _clean_config()
SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def fleet(tmp_path):
    (tmp_path / "prod" / "eu").mkdir(parents=True)
    (tmp_path / "dev").mkdir()
    (tmp_path / ".git").mkdir()
    shutil.copy(UNIFIED, tmp_path / "prod" / "eu" / "litellm.yaml")
    shutil.copy(UNIFIED, tmp_path / "dev" / "config.yml")
    (tmp_path / "dev" / "clean.yaml").write_text(CLEAN)
    (tmp_path / "prod" / "k8s-deployment.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\n")
    (tmp_path / "prod" / "notes.txt").write_text("model_list: []\n")
    (tmp_path / ".git" / "config.yaml").write_text("model_list: []\n")
    return tmp_path


def test_folder_is_searched_for_litellm_configs_and_skips_are_named(fleet):
    r = autofix("--check", fleet)
    assert r.returncode == 1, r.stderr
    assert "would fix" in r.stdout and "litellm.yaml" in r.stdout and "config.yml" in r.stdout
    assert "skipped" in r.stdout and "k8s-deployment.yaml" in r.stdout and "no LiteLLM section" in r.stdout
    assert ".git" not in r.stdout and "notes.txt" not in r.stdout
    assert (
        "clean.yaml" not in r.stdout.split("skipped")[0]
        or "would fix" not in r.stdout.split("clean.yaml")[0][-40:]
    )


def test_apply_folder_then_check_is_clean(fleet):
    r = autofix("apply", fleet)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("fixed ") == 2
    assert (fleet / "dev" / "clean.yaml").read_text() == CLEAN
    assert autofix("--check", fleet).returncode == 0


def test_glob_and_no_match(fleet):
    r = autofix("--check", str(fleet / "**" / "*.yml"))
    assert r.returncode == 1 and "config.yml" in r.stdout and "litellm.yaml" not in r.stdout
    r = autofix("--check", str(fleet / "nothing-*.yaml"))
    assert r.returncode == 2 and "no file matches" in r.stderr


def test_one_bad_file_does_not_stop_the_others(fleet):
    (fleet / "dev" / "broken.yaml").write_text("model_list:\n  - [\n")
    r = autofix("apply", fleet)
    assert r.returncode == 2
    assert "broken.yaml" in r.stderr
    assert r.stdout.count("fixed ") == 2


def test_stdin_to_stdout():
    data = UNIFIED.read_bytes()
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "-"], input=data, capture_output=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert b"simple-shuffle" in r.stdout and b"background_health_checks: true" in r.stdout
    assert b"G1" in r.stderr  # findings go to stderr, the config alone to stdout
    again = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "-"], input=r.stdout, capture_output=True, timeout=60
    )
    assert again.stdout == r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "--dry-run", "-"], input=data, capture_output=True, timeout=60
    )
    assert r.returncode == 1 and b"+++ b/stdin" in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "-"], input=b"a: [", capture_output=True, timeout=60
    )
    assert r.returncode == 2 and b"<stdin>" in r.stderr and r.stdout == b""


def test_json_output(fleet):
    r = autofix("--format", "json", fleet)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["mode"] == "check" and doc["summary"]["files_pending"] == 2
    by_path = {Path(f["path"]).name: f for f in doc["files"]}
    unified = by_path["litellm.yaml"]
    assert unified["status"] == "pending"
    assert {f["id"] for f in unified["fixes"]} >= {"G1", "G2", "G3"}
    g3 = next(f for f in unified["fixes"] if f["id"] == "G3")
    assert {
        "path": "router_settings.routing_strategy",
        "kind": "set",
        "old": "usage-based-routing-v2",
        "new": "simple-shuffle",
    } in g3["changes"]
    # a line of the file on disk, or none for a finding about a section the file does not have yet
    top_keys = {ln.split(":")[0] for ln in UNIFIED.read_text().splitlines() if ln[:1].isalpha()}
    for f in unified["findings"]:
        assert isinstance(f["line"], int) or (
            f["line"] is None and f["path"].split(".")[0] not in top_keys
        ), f
    assert sum(isinstance(f["line"], int) for f in unified["findings"]) >= 20
    assert by_path["clean.yaml"]["status"] == "clean"
    assert doc["skipped"] and doc["skipped"][0]["reason"]


def test_sarif_output_is_valid(fleet):
    jsonschema = pytest.importorskip("jsonschema")
    r = autofix("--format", "sarif", fleet)
    assert r.returncode == 1
    sarif = json.loads(r.stdout)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    run = sarif["runs"][0]
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {"G1", "G2", "G3"}
    assert any(
        res["ruleId"] == "G3" and res["locations"][0]["physicalLocation"]["region"]["startLine"] > 0
        for res in run["results"]
    )


def test_sarif_with_an_error_is_valid(fleet):
    jsonschema = pytest.importorskip("jsonschema")
    (fleet / "dev" / "broken.yaml").write_text("model_list:\n  - [\n")
    r = autofix("--format", "sarif", fleet)
    assert r.returncode == 2
    sarif = json.loads(r.stdout)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()))
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_github_annotations(fleet):
    r = autofix("--format", "github", fleet)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert any(line.startswith("::warning file=") and "title=autofix G3" in line for line in lines)
    assert any(line.startswith("::notice file=") and ",line=" in line for line in lines)


def test_jobs_gives_the_same_result(fleet, tmp_path):
    other = tmp_path / "copy"
    shutil.copytree(fleet, other, ignore=shutil.ignore_patterns(".git"))
    for i in range(6):
        shutil.copy(UNIFIED, other / f"extra{i}.yaml")
    serial = autofix("--format", "json", other)
    parallel = autofix("--format", "json", "--jobs", "2", other)
    assert parallel.returncode == serial.returncode == 1
    assert json.loads(parallel.stdout)["files"] == json.loads(serial.stdout)["files"]
    r = autofix("apply", "--jobs", "2", other)
    assert r.returncode == 0 and r.stdout.count("fixed ") == 8


def test_unknown_format_is_a_usage_error(fleet):
    r = autofix("--format", "xml", fleet)
    assert r.returncode == 2 and "unknown --format" in r.stderr


def test_pre_commit_hooks_run_as_declared(fleet):
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"autofix", "autofix-check"}
    files = [fleet / "prod" / "eu" / "litellm.yaml", fleet / "prod" / "k8s-deployment.yaml"]
    check = hooks["autofix-check"]["entry"].split()[1:]
    r = autofix(*check, *files)
    assert r.returncode == 1 and "k8s-deployment.yaml: no LiteLLM section" in r.stdout
    fix = hooks["autofix"]["entry"].split()[1:]
    assert autofix(*fix, *files).returncode == 0
    assert autofix(*check, *files).returncode == 0
    assert (fleet / "prod" / "k8s-deployment.yaml").read_text() == "apiVersion: apps/v1\nkind: Deployment\n"


def test_the_optional_fixes_named_are_those_some_file_would_take(tmp_path):
    """The text summary names the optional fixes any file would take; each is tried on a file only
    until one file is found to take it (in one process and in each --jobs worker). The json output,
    which names them per file, tries every one on every file: the union must be the same."""
    fixtures = ROOT / "fixtures"
    picks = [
        fixtures / "g09_rate_limits" / "audit-form.before.yaml",
        fixtures / "g08_tracing" / "no-tracing.before.yaml",
        UNIFIED,
        sorted((fixtures / "g10_alerting").glob("*.before.yaml"))[0],
        fixtures / "g08_tracing" / "audit-form.before.yaml",
    ]
    for i, src in enumerate(picks):
        shutil.copy(src, tmp_path / f"c{i}.yaml")
    doc = json.loads(autofix("--format", "json", tmp_path).stdout)
    per_file = [set(f.get("optional_fixes_available", [])) for f in doc["files"]]
    union = set().union(*per_file)
    assert len(union) >= 2 and sum(bool(ids) for ids in per_file) >= 2, per_file
    assert set(doc["summary"]["optional_fixes_available"]) == union
    for jobs in ("1", "2"):
        last = autofix("--quiet", "--jobs", jobs, tmp_path).stdout.strip().splitlines()[-1]
        named = last.split("available with --only p2 (")[1].split(")")[0].split(", ")
        assert set(named) == union, (jobs, last)


def test_one_files_run_leaves_no_reference_cycle():
    """A fleet runs in one process with the cyclic collector paused during each file (batch): what a
    run frees must be freed by reference counting. A closure kept on the Document that refers to it,
    or a function that refers to itself, would leave the file's whole tree for the collector."""
    import gc

    from autofix import registry
    from autofix.batch import fix_file

    plan = registry.select()
    optional = [m for m in registry.all_migrations() if m not in plan]
    paths = [UNIFIED, *sorted((ROOT / "fixtures").glob("*/*.before.yaml"))]
    for path in paths[:3]:  # imports and caches first
        fix_file(path, plan, optional=optional)
    enabled = gc.isenabled()
    gc.collect()
    gc.freeze()  # each collection below looks at the objects made since, not the whole test process
    gc.disable()
    try:
        for path in paths:
            for unsafe in (False, True):
                fix_file(path, plan, optional=optional, unsafe=unsafe)
                assert gc.collect() == 0, (path, unsafe)
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
