"""X1-X5, the LiteLLM-aware checks beyond the audit: findings, unsafe parts, secrets, scale.

The fixture pairs (fixtures/x0*) pin the edits byte for byte; these tests pin what they cannot: which
finding is made where (and its kind and line), what is hidden without --unsafe-fixes, that no secret
reaches a message, that the CLI's masking leaves the messages readable, that X1 reads the routing
strategy G3 leaves, and that the checks make one pass (and no commit per deployment) on large configs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from checks import assert_good_fix

from autofix import registry
from autofix.litellm_data import names
from autofix.runner import run
from autofix.secrets import mask_line

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
X = {m.id: m for m in registry.all_migrations() if m.id.startswith("X")}


def fix(text: str, *ids: str, unsafe: bool = False):
    return run(text.encode(), [registry.find(i) for i in ids], unsafe=unsafe)


def after(result) -> dict:
    return yaml.safe_load(result.new_bytes)


def messages(result, kind: str | None = None) -> list[str]:
    return [f.message for f in result.findings if kind is None or f.kind == kind]


def test_metadata():
    expected = {
        "X1": ("model-group-alias", "mixed"),
        "X2": ("env-references", "safe"),
        "X3": ("cooldown", "safe"),
        "X4": ("master-key", "mixed"),
        "X5": ("ignored-keys", "mixed"),
        "X6": ("did-you-mean", "unsafe"),
    }
    ids = [m.id for m in registry.all_migrations()]
    assert ids[-5:] == ["X1", "X2", "X3", "X4", "X5"]  # after G1..G10
    for i, m in X.items():
        assert (m.slug, m.safety) == expected[i]
        assert m.priority == "p1" and m in registry.select()  # shown by default


# --- X1 -----------------------------------------------------------------------------------------------

MODELS = """\
model_list:
  - {model_name: a, litellm_params: {model: openai/a}}
  - {model_name: b, litellm_params: {model: openai/b}}
"""


def test_x1_list_alias_is_an_unsafe_fix_and_says_why():
    result = fix(MODELS + "router_settings:\n  model_group_alias:\n    both: [a, b]\n", "X1")
    assert not result.changes
    assert result.hidden_unsafe == {
        "X1": [messages(result, "unsafe")[0].removesuffix(" (unsafe fix: run with --unsafe-fixes)")]
    }
    assert "There are no healthy deployments" in messages(result, "unsafe")[0]


def test_x1_group_takes_the_strategy_g3_leaves():
    text = (
        MODELS
        + "router_settings:\n  routing_strategy: usage-based-routing-v2\n  model_group_alias:\n    both: [a, b]\n"
    )
    alone = after(fix(text, "X1", unsafe=True))
    assert alone["router_settings"]["routing_groups"][0]["routing_strategy"] == "usage-based-routing-v2"
    together = after(fix(text, "G3", "X1", unsafe=True))
    assert together["router_settings"]["routing_groups"] == [
        {"group_name": "both", "models": ["a", "b"], "routing_strategy": "simple-shuffle"}
    ]


def test_x1_copies_strategy_args_for_a_strategy_that_takes_them():
    text = MODELS + (
        "router_settings:\n  routing_strategy: latency-based-routing\n  routing_strategy_args: {ttl: 60}\n"
        "  model_group_alias: {both: [a, b]}\n"
    )
    group = after(fix(text, "X1", unsafe=True))["router_settings"]["routing_groups"][0]
    assert group["routing_strategy_args"] == {"ttl": 60}


def test_x1_warns_when_weights_leave_a_group_idle():
    text = """\
model_list:
  - {model_name: a, litellm_params: {model: openai/a, rpm: 100}}
  - {model_name: b, litellm_params: {model: openai/b}}
router_settings:
  model_group_alias: {both: [a, b]}
"""
    result = fix(text, "X1", unsafe=True)
    warning = [f for f in result.findings if f.kind == "warning"]
    assert len(warning) == 1
    assert "by litellm_params.rpm, which a sets and b does not, so b gets no traffic" in warning[0].message
    assert "litellm_params.weight" in warning[0].manual
    # weights everywhere (or nowhere): nothing to say
    even = text.replace("openai/b}", "openai/b, rpm: 5}")
    assert not [f for f in fix(even, "X1", unsafe=True).findings if f.kind == "warning"]


def test_x1_fallback_form_appends_without_duplicating_the_alias_key():
    text = (
        MODELS
        + """\
router_settings:
  model_group_alias: {both: [a, b]}
  routing_groups:
    - {group_name: g, models: [a], routing_strategy: simple-shuffle}
  fallbacks:
    - both: [b]
"""
    )
    router = after(fix(text, "X1", unsafe=True))["router_settings"]
    assert router["model_group_alias"] == {"both": "a"}
    assert router["fallbacks"] == [{"both": ["b"]}]  # b was there already: nothing added, no second entry


def test_x1_one_element_list_with_an_unknown_name_is_fixed_and_reported():
    result = fix(MODELS + "router_settings:\n  model_group_alias: {x: [nope]}\n", "X1")
    assert after(result)["router_settings"]["model_group_alias"] == {"x": "nope"}
    assert any("nope, which is no model_name in model_list" in m for m in messages(result, "warning"))


def test_x1_litellm_settings_alias_is_left_to_x5():
    result = fix(MODELS + "litellm_settings:\n  model_group_alias: {x: [a]}\n", "X1")
    assert not result.changes and not result.findings


# --- X2 -----------------------------------------------------------------------------------------------


def test_x2_finding_per_variable_with_what_an_unset_one_does():
    text = """\
model_list:
  - {model_name: a, litellm_params: {model: openai/a, api_key: "${K}"}}
  - {model_name: b, litellm_params: {model: openai/b, api_key: "${K}"}}
general_settings:
  master_key: ${M}
  alert_to_webhook_url: {llm_exceptions: "${W}"}
environment_variables:
  E: ${V}
"""
    result = fix(text, "X2")
    by_var = {f.message.split(" ")[0]: f for f in result.findings}
    assert set(by_var) == {"${K}", "${M}", "${W}", "${V}"}
    assert "2 places" in by_var["${K}"].message and by_var["${K}"].line == 2
    assert "provider's own variable" in by_var["${K}"].manual
    assert "refuses to start" in by_var["${M}"].manual
    assert "startup aborts" in by_var["${W}"].manual
    assert "E is set to the string 'None'" in by_var["${V}"].manual
    data = after(result)
    assert data["general_settings"]["alert_to_webhook_url"] == {"llm_exceptions": "os.environ/W"}


def test_x2_skips_what_litellm_never_reads():
    text = (
        "general_settings:\n  slack_webhook_url: ${SLACK_WEBHOOK_URL}\n"
        "server_settings:\n  host: ${HOST}\nlitellm_settings:\n  otel_settings: {endpoint: '${E}'}\n"
    )
    result = fix(text, "X2")
    assert not result.changes and not result.findings


def test_x2_never_prints_a_value():
    text = """\
litellm_settings:
  cache_params:
    password: $Sup3rSecretPw
    host: $REDIS_HOST
model_list:
  - model_name: a
    litellm_params:
      model: openai/a
      api_base: "https://user:hunter2@${HOST}/v1"
"""
    result = fix(text, "X2")
    text_out = " ".join(f"{f.message} {f.manual}" for f in result.findings)
    assert "hunter2" not in text_out and "Sup3rSecretPw" not in text_out
    assert "REDIS_HOST" in text_out  # a name under a key that holds no secret is shown
    assert "${HOST}" in text_out


def test_x2_one_pass_and_one_commit_on_a_big_config(commits):
    lines = ["model_list:"]
    for i in range(2000):
        lines += [
            f"  - model_name: m{i}",
            "    litellm_params:",
            f"      model: openai/m{i}",
            "      api_key: ${KEY}",
        ]
    result = fix("\n".join(lines) + "\n", "X2")
    assert len(result.changes) == 2000
    assert sum(commits) <= 2  # the runner's own commit per pass, never one per deployment
    assert len(result.findings) == 1


# --- X3 -----------------------------------------------------------------------------------------------


def test_x3_reports_the_live_change():
    result = fix("router_settings:\n  cooldown_time: 0\n", "X3")
    assert after(result) == {"router_settings": {"disable_cooldowns": True}}
    assert "keeps getting its share of requests" in result.findings[0].message


def test_x3_leaves_positive_and_non_numeric_values():
    for value in ("60", "0.5", '"0"', "false", "null"):
        result = fix(f"router_settings:\n  cooldown_time: {value}\n", "X3")
        assert not result.changes, value


def test_x3_deployment_zero_is_one_finding_at_its_line():
    text = """\
model_list:
  - model_name: a
    litellm_params: {model: openai/a}
  - model_name: a
    litellm_params: {model: openai/b, cooldown_time: 0}
"""
    result = fix(text, "X3")
    assert not result.changes
    assert [f.line for f in result.findings] == [5]
    assert "never cooled down" in result.findings[0].message


# --- X4 -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["sk-1234", " sk-1234 ", "''", "", "'   '"])
def test_x4_weak_key_is_an_unsafe_fix(literal):
    text = f"general_settings:\n  master_key: {literal}\n"
    assert not fix(text, "X4").changes
    result = fix(text, "X4", unsafe=True)
    assert after(result)["general_settings"]["master_key"] == "os.environ/LITELLM_MASTER_KEY"
    assert "LITELLM_MASTER_KEY" in result.findings[0].manual


def test_x4_never_prints_the_key():
    key = "sk-live-0123456789abcdef0123"
    result = fix(f"general_settings:\n  master_key: {key}\n", "X4", unsafe=True)
    assert not result.changes
    assert key not in repr(result.findings)
    assert "literal secret" in result.findings[0].message


def test_x4_missing_key_points_at_the_environment():
    result = fix("model_list: []\n", "X4")
    assert "LITELLM_MASTER_KEY" in result.findings[0].message and "openssl rand" in result.findings[0].manual


# --- X5 -----------------------------------------------------------------------------------------------


def test_x5_on_the_audit_config_one_finding_per_key_with_its_line():
    text = (FIXTURES / "litellm-unified.yaml").read_text()
    result = fix(text, "X5")
    assert not result.changes
    lines = text.splitlines()
    found = {f.message.split(" ")[0]: f for f in result.findings}
    expected = {
        "server_settings.port", "server_settings.host", "server_settings.cors",
        "server_settings.health_check_endpoint", "server_settings.prometheus", "rate_limit_settings", "debug",
        "debug_router", "test_mode", "litellm_settings.stream_timeout", "litellm_settings.timeout",
        "model_info.tags", "model_info.provider",
    }  # fmt: skip
    assert set(found) == expected
    for path, f in found.items():
        key = path.split(".")[-1]
        assert lines[f.line - 1].lstrip().startswith(f"{key}:"), (path, f.line)
    owned = {p for p, f in found.items() if f.kind == "info"}
    assert owned == {"server_settings.prometheus", "rate_limit_settings", "litellm_settings.stream_timeout",
                     "litellm_settings.timeout"}  # fmt: skip
    assert sum(len(v) for v in result.hidden_unsafe.values()) == len(expected) - len(owned)


def test_x5_says_nothing_about_keys_litellm_reads():
    router = {k: None for k in names("router_settings_keys")}
    general = {
        k: None for k in names("general_settings_read") | names("general_settings_declared") if k != "otel"
    }
    litellm = {k: None for k in names("litellm_settings_special") | names("litellm_module_globals")}
    config = {s: None for s in names("top_level_sections")}
    config.update(router_settings=router, general_settings=general, litellm_settings=litellm)
    result = fix(yaml.safe_dump(config), "X5")
    assert not result.findings, messages(result)[:5]


def test_x5_never_deletes_what_another_fix_migrates():
    text = """\
server_settings:
  prometheus: {enabled: true}
rate_limit_settings:
  limits: {a: {rpm: 1}}
router_settings:
  health_check_interval: 300
  context_window_fallback_dict: {a: b}
litellm_settings:
  timeout: 300
  stream_timeout: 0
  otel_settings: {exporter: console}
general_settings:
  otel: true
  slack_webhook_url: os.environ/SLACK
"""
    result = fix(text, "X5", unsafe=True)
    assert not result.changes
    assert {f.kind for f in result.findings} == {"info"}
    assert len(result.findings) == 9
    assert all("autofix apply --only G" in f.manual for f in result.findings)


def test_x5_masks_secrets_it_carries():
    text = "litellm_settings:\n  master_key: sk-very-secret\n  redis_password: hunter2\n"
    result = fix(text, "X5", unsafe=True)
    assert "hunter2" not in repr(result.findings) and "sk-very-secret" not in repr(result.findings)
    first = result.findings[0]  # where it belongs: X6 moves it there (issue 13), so X5 does not delete it
    assert "X6 moves it to general_settings.master_key" in first.message
    assert "master_key" in result.new_bytes.decode()


def test_x5_whole_pipeline_leaves_only_keys_litellm_reads():
    data = (FIXTURES / "litellm-unified.yaml").read_bytes()
    result = assert_good_fix(data, registry.select(["p0,p1,p2"]), unsafe=True)
    fixed = yaml.safe_load(result.new_bytes)
    assert set(fixed) <= names("top_level_sections")
    assert set(fixed["router_settings"]) <= names("router_settings_keys")
    x5 = X["X5"].module
    for section in ("litellm_settings", "general_settings"):
        assert all(x5.key_is_read(section, k) for k in fixed[section]), fixed[section]
    assert all(not {"tags", "provider"} & set(d["model_info"]) for d in fixed["model_list"])
    # nothing X5 deleted was owned by another fix: those fixes ran first
    assert not [
        f for f in result.findings if f.migration == "X5" and "autofix apply --only" in (f.manual or "")
    ]


# --- all ----------------------------------------------------------------------------------------------


X_PAIRS = sorted(FIXTURES.glob("x0*/*.before.yaml"))


@pytest.mark.parametrize(
    "before", X_PAIRS, ids=lambda p: f"{p.parent.name}/{p.name.removesuffix('.before.yaml')}"
)
def test_messages_survive_the_cli_masking(before):
    """The CLI masks `key: value` shaped lines; the checks' messages must not look like one."""
    m = next(m for m in X.values() if Path(m.module.__file__).stem == before.parent.name)
    result = run(before.read_bytes(), [m], unsafe=before.name.startswith("unsafe-"))
    for f in result.findings:
        for text in (f.message, f.manual or ""):
            assert mask_line(text) == text, text
