"""A problem autofix knows stops the proxy from starting is never left with exit 0 (issue 10, item 6).

`callbacks: ["webhook"]` whose callback_settings entry only has a url: the proxy exits at startup
(`ValueError: Empty module name`, proven live in tests/integration/test_live_g5_webhook_sink.py).
Completing the sink is an unsafe fix; while it is hidden, --check/--dry-run/apply exit 1 and say why.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from autofix import registry
from autofix.report import mask_line
from autofix.runner import run

G5 = registry.find("G5")
WEBHOOK = (
    'litellm_settings:\n  json_logs: true\n  callbacks: ["webhook"]\n'
    "  callback_settings:\n    webhook: {url: https://hooks.example.internal/litellm}\n"
)
CLEAN = "litellm_settings:\n  json_logs: true\n  callbacks: [prometheus]\n"


def autofix(*args):
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "autofix", *map(str, args)], capture_output=True, text=True, env=env
    )


@pytest.fixture
def webhook(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(WEBHOOK)
    return path


def test_the_hidden_completion_blocks_startup():
    result = run(WEBHOOK.encode(), [G5])
    (hidden,) = [f for f in result.findings if f.kind == "unsafe"]
    assert hidden.blocks_startup
    assert "generic_api" in hidden.message and "url → endpoint" in hidden.message
    assert result.hidden_unsafe["G5"]
    done = run(WEBHOOK.encode(), [G5], unsafe=True)
    assert not any(f.blocks_startup for f in done.findings)


@pytest.mark.parametrize("mode", [["--check"], ["--dry-run"], ["apply"]])
def test_check_dry_run_and_apply_exit_1_while_it_remains(webhook, mode):
    # after the move of callback_settings is applied, --check has no safe fix left to count as pending
    autofix("apply", "--only", "G5", webhook)
    result = autofix(*mode, "--only", "G5", webhook)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "the proxy does not start" in result.stdout
    assert "1 file the proxy will not start with" in result.stdout


def test_with_unsafe_fixes_it_exits_0(webhook):
    assert autofix("apply", "--only", "G5", "--unsafe-fixes", webhook).returncode == 0
    assert autofix("--check", "--only", "G5", "--unsafe-fixes", webhook).returncode == 0


def test_a_clean_config_still_exits_0(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(CLEAN)
    assert autofix("--check", "--only", "G5", path).returncode == 0


def test_json_and_sarif_mark_it(webhook):
    autofix("apply", "--only", "G5", webhook)
    data = json.loads(autofix("--check", "--only", "G5", "--format", "json", webhook).stdout)
    assert data["summary"]["files_not_starting"] == 1
    (finding,) = [f for f in data["files"][0]["findings"] if f["blocks_startup"]]
    assert finding["kind"] == "unsafe"
    sarif = json.loads(autofix("--check", "--only", "G5", "--format", "sarif", webhook).stdout)
    assert "error" in {r["level"] for r in sarif["runs"][0]["results"]}


def test_the_manual_step_reads_as_written():
    result = run(WEBHOOK.encode(), [G5])
    (hidden,) = [f for f in result.findings if f.kind == "unsafe"]
    shown = mask_line(hidden.manual)
    assert "headers: {...}}}" in shown and "****" not in shown
    assert "callback_type: generic_api" in shown


@pytest.mark.parametrize(
    "line, masked",
    [
        ("x: {headers: {Authorization: Bearer sk-live-1234}}", "x: {headers: {Authorization: ****}}"),
        ("x: {password: hunter2, user: bob}", "x: {password: ****, user: bob}"),
        (
            "x: {headers: {X-Api-Key: abc}, endpoint: https://h}",
            "x: {headers: {X-Api-Key: ****}, endpoint: https://h}",
        ),
        ("x: {api_key: os.environ/K}", "x: {api_key: os.environ/K}"),
    ],
)
def test_flow_pairs_mask_whole_values_and_keep_the_structure(line, masked):
    assert mask_line(line) == masked


@pytest.mark.parametrize(
    "text, blocks",
    [
        ("general_settings:\n  master_key: sk-1234\n", True),  # X4: a publicly known key
        ("general_settings:\n  master_key: 1234\n", True),  # X4: not a string
        ("environment_variables:\n  LITELLM_MASTER_KEY: ''\n", True),
        ("litellm_settings:\n  cache: true\n  cache_params: {type: disk}\n", True),  # G4: unsupported type
        ("litellm_settings:\n  cache: true\n  cache_params: {type: redis, host: h, hots: x}\n", True),
        ("litellm_settings:\n  cache: 'true'\n  cache_params: {type: disk}\n", False),  # no cache is built
        ("litellm_settings:\n  callbacks:\n", True),  # G5: null callbacks are imported
        ("general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n", False),
    ],
)
def test_known_startup_failures_are_marked(text, blocks):
    result = run(text.encode(), registry.select(["G4,G5,X4"]))
    assert any(f.blocks_startup for f in result.findings) is blocks, [f.message for f in result.findings]
