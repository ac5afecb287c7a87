"""Knowledge in its place: one decision about secrets, LiteLLM facts as generated data, fixes' owners."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from autofix.formats import mask_value
from autofix.litellm_data import key_is_read, names
from autofix.registry import find
from autofix.report import unified_diff
from autofix.runner import run
from autofix.secrets import MASK, is_reference, mask_line

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("os.environ/OPENAI_API_KEY", True),
        ("${OPENAI_API_KEY}", True),
        ("", True),
        (None, True),
        ("sk-live-123456", False),
        ("${OPENAI_API_KEY:-sk-live-123456}", False),  # a shell default holds the secret itself
        ("prefix-${X}", False),
        (12345, False),
    ],
)
def test_one_decision_for_diff_formats_and_findings(value, shown):
    assert is_reference(value) is shown
    # formats (json/sarif) and X5's values use mask_value
    assert (mask_value("api_key", value) == MASK) is (not shown)
    # the diff masks the same lines
    if isinstance(value, str) and value:
        line = f"  api_key: {value}\n"
        assert (mask_line(line) == "  api_key: ****\n") is (not shown)
        assert (MASK in unified_diff(line, "", "c.yaml")) is (not shown)
    # X5 shows the value of an ignored key the same way
    x5 = find("X5").module
    assert (x5._shown(("litellm_settings", "my_api_key"), value) == json.dumps(MASK)) is (not shown)


def test_facts_x2_x4_x5_used_to_type_in_are_generated_data():
    assert names("secret_pointer_params") == {
        "anthropic_issuer_signing_key_ref",
        "anthropic_keycloak_client_secret_ref",
    }
    assert hashlib.sha256(b"sk-1234").hexdigest() in names("publicly_known_master_key_sha256")
    for key in ("encryption_algorithm", "fips_mode", "dangerously_allow_mock_testing_request_params",
                "enforce_rpm_tpm_on_model_add", "enforce_project_model_quota", "disable_error_logs",
                "disable_pre_routing_error_logs", "team_admin_editable_team_fields",
                "disable_agents_for_internal_users", "allow_vector_stores_for_team_admins"):  # fmt: skip
        assert key_is_read("general_settings", key), key
    assert key_is_read("general_settings", "disable_widgets_for_internal_users")  # the f-string pattern
    for key in (
        "enable_post_custom_auth_checks",
        "default_mcp_sampling_model",
        "vertex_credentials",
        "timezone",
    ):
        assert key_is_read("litellm_settings", key), key
    assert names("alerting_channels") == {"email", "ms_teams", "sentry", "slack", "webhook"}


def test_x2_reads_the_read_sets_from_the_data_not_from_x5():
    source = (ROOT / "migrations" / "x02_env_references.py").read_text()
    assert "registry" not in source and "x05" not in source.lower()
    # a ${VAR} under a key LiteLLM never reads is left alone
    result = run(b"general_settings:\n  not_a_setting_xyz: ${A}\n  master_key: ${B}\n", [find("X2")])
    assert b"not_a_setting_xyz: ${A}" in result.new_bytes and b"master_key: os.environ/B" in result.new_bytes


def test_each_owned_path_is_declared_by_the_fix_that_migrates_it():
    owned = {
        path: m.id for m in (find(i) for i in ("G1", "G2", "G6", "G7", "G8", "G9", "G10")) for path in m.owns
    }
    assert owned[("server_settings", "prometheus")] == "G1"
    assert owned[("litellm_settings", "stream_timeout")] == "G6"
    assert owned[("rate_limit_settings",)] == "G9"
    assert "OWNED" not in vars(find("X5").module)


def test_mutation_benchmark_is_seeded_and_meets_its_goals_on_a_sample():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from mutations import false_findings, generate, score

    first, bases, _ = generate(seed=7, per_config=1)
    again, _, _ = generate(seed=7, per_config=1)
    assert [m.text for m in first] == [m.text for m in again]
    assert len(first) >= 100
    # the default run scores every third mutation; the deep run (AUTOFIX_DEEP=1, as CI) all of them
    sample = first if os.environ.get("AUTOFIX_DEEP") == "1" else first[::3]
    result = score(sample, bases)
    n = result["mutations"]
    assert result["detected"] / n >= 0.97, result["missed"]
    assert result["repaired"] / n >= 0.90, result["unrepaired"]
    assert false_findings(bases) == []
