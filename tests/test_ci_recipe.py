"""The CI recipe (docs/github-actions-autofix.yml, shown in the README) is a workflow GitHub accepts, and its
steps do what its comments say: there is no runner here, so the workflow is validated against GitHub's
workflow schema (SchemaStore's, as vendored by check-jsonschema: tests/data/github-workflows.json) and its
`run:` steps are run as a runner's bash runs them, in a repository holding a config with pending fixes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
RECIPE = ROOT / "docs" / "github-actions-autofix.yml"
DATA = Path(__file__).resolve().parent / "data"
UNIFIED = ROOT / "fixtures" / "litellm-unified.yaml"
COMPOSE = "services:\n  proxy:\n    image: ghcr.io/berriai/litellm:main-stable\n    ports: ['4000:4000']\n"

jsonschema = pytest.importorskip("jsonschema")


def _workflow() -> dict:
    # YAML 1.2, as GitHub reads workflows: `on` is a string there (PyYAML's YAML 1.1 makes it True)
    return YAML(typ="safe", pure=True).load(RECIPE.read_text())


def _steps() -> list[dict]:
    (job,) = _workflow()["jobs"].values()
    return job["steps"]


def _step(name: str) -> dict:
    return next(s for s in _steps() if s.get("name") == name)


def test_the_workflow_is_valid_for_github():
    schema = json.loads((DATA / "github-workflows.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_workflow())
    ]
    assert not errors, errors


def _misspelt_steps(job):
    job["step"] = job.pop("steps")


def _unknown_permission_value(job):
    job["permissions"]["security-events"] = "read-write"


def _step_without_run_or_uses(job):
    job["steps"][-1].pop("run")


@pytest.mark.parametrize("breaking", [_misspelt_steps, _unknown_permission_value, _step_without_run_or_uses])
def test_the_schema_rejects_a_broken_workflow(breaking):
    """The validation can fail."""
    schema = json.loads((DATA / "github-workflows.json").read_text())
    broken = _workflow()
    (job,) = broken["jobs"].values()
    breaking(job)
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_it_runs_on_pull_requests_and_may_upload_to_code_scanning():
    wf = _workflow()
    assert "pull_request" in wf["on"]
    (job,) = wf["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    upload = next(
        s for s in job["steps"] if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")
    )
    sarif_run = _step("autofix SARIF report")["run"]
    assert re.search(r"--format sarif\b.*> *" + re.escape(upload["with"]["sarif_file"]) + r"\b", sarif_run)
    # the upload and the annotations still happen after the step before them failed (exit 1: fixes pending)
    for step in (upload, _step("autofix --check")):
        assert re.fullmatch(
            r"\$\{\{ *(always\(\)|!cancelled\(\)) *\}\}|always\(\)|!cancelled\(\)", step["if"]
        )
    assert "--check --format github" in _step("autofix --check")["run"]


def test_the_readme_shows_the_tested_file():
    readme = (ROOT / "README.md").read_text()
    assert RECIPE.read_text() in readme, "the README's CI recipe differs from docs/github-actions-autofix.yml"


@pytest.fixture
def runner(tmp_path):
    """A checkout of a user's repository and `bash -eo pipefail` as a runner runs a step (`autofix` on PATH:
    this checkout's, in place of the install step)."""
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(UNIFIED, repo / "deploy" / "litellm.yaml")
    (repo / "docker-compose.yaml").write_text(COMPOSE)
    shutil.copy(RECIPE, repo / ".github" / "workflows" / "autofix.yml")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "autofix"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m autofix "$@"\n')
    shim.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_COLOR": "1",
        "GITHUB_ACTIONS": "true",
    }

    def run(step_name: str) -> subprocess.CompletedProcess:
        script = _step(step_name)["run"]
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    run.repo = repo
    return run


def _sarif(repo: Path) -> dict:
    sarif = json.loads((repo / "autofix.sarif").read_text())
    jsonschema.validate(sarif, json.loads((DATA / "sarif-schema-2.1.0.json").read_text()))
    return sarif


def test_the_steps_report_pending_fixes_and_write_a_valid_sarif_file(runner):
    r = runner("autofix SARIF report")
    assert r.returncode == 0, r.stderr  # exit 1 (fixes pending) does not fail the step
    results = _sarif(runner.repo)["runs"][0]["results"]
    assert {res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for res in results} == {
        "deploy/litellm.yaml"
    }
    assert {"G1", "G2", "G3"} <= {res["ruleId"] for res in results}

    r = runner("autofix --check")
    assert r.returncode == 1, r.stdout + r.stderr  # fails the job while fixes are pending
    annotations = [line for line in r.stdout.splitlines() if line.startswith("::")]
    assert annotations and all("file=deploy/litellm.yaml," in line for line in annotations), r.stdout
    assert any(",title=autofix G3::" in line for line in annotations)

    fixed = subprocess.run(
        [sys.executable, "-m", "autofix", "apply", "deploy/litellm.yaml"],
        cwd=runner.repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert fixed.returncode == 0, fixed.stderr
    assert runner("autofix --check").returncode == 0
    assert runner("autofix SARIF report").returncode == 0
    assert not [res for res in _sarif(runner.repo)["runs"][0]["results"] if res.get("kind") == "fail"]
    assert (runner.repo / "docker-compose.yaml").read_text() == COMPOSE


def test_an_error_fails_the_sarif_step_and_the_report_still_says_so(runner):
    (runner.repo / "deploy" / "broken.yaml").write_text("model_list:\n  - [\n")
    r = runner("autofix SARIF report")
    assert r.returncode != 0 and "invalid YAML" in r.stderr, r.stderr  # exit 2 is not taken for "pending"
    assert _sarif(runner.repo)["runs"][0]["invocations"][0]["executionSuccessful"] is False
