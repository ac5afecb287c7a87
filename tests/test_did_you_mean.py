"""X6 did-you-mean: the nearest-name rule, the issue-13 example, ordering before section-creating fixes,
X5/G5 never deleting what X6 renames, and the owners/claims the runner hands to X5."""

from __future__ import annotations

from pathlib import Path

import pytest

from autofix import registry
from autofix.runner import run
from autofix.suggest import distance, nearest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "x06_did_you_mean"
EXAMPLE = (FIXTURES / "issue-example.before.yaml").read_bytes()


def _plan(*tokens: str):
    return registry.select(list(tokens))


# ---- the nearest-name rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "d"),
    [("drop_params", "drop_params", 0), ("drop_param", "drop_params", 1), ("dorp_params", "drop_params", 1),
     ("drop_parms", "drop_params", 1), ("drop_paramss", "drop_params", 1), ("dro_parms", "drop_params", 2),
     ("", "abc", 3)],
)  # fmt: skip
def test_damerau_levenshtein(a, b, d):
    assert distance(a, b) == d == distance(b, a)


@pytest.mark.parametrize(
    ("typed", "pool", "meant"),
    [
        ("general_setting", ["general_settings", "litellm_settings", "router_settings"], "general_settings"),
        (
            "enable_pre_call_check",
            ["enable_pre_call_checks", "enable_tag_filtering"],
            "enable_pre_call_checks",
        ),
        ("simple-shufle", ["simple-shuffle", "least-busy"], "simple-shuffle"),
        ("Simple-Shuffle", ["simple-shuffle", "least-busy"], "simple-shuffle"),
        ("drop_param", ["drop_params", "callbacks"], "drop_params"),
        ("callback", ["callbacks", "drop_params"], "callbacks"),
        # never a different word that looks alike
        ("enable_cooldowns", ["disable_cooldowns"], None),
        ("disallow_x", ["allow_x"], None),
        ("exclude_tags", ["include_tags"], None),
        ("max_tokens_x", ["min_tokens_x"], None),
        ("rpm_limit", ["tpm_limit", "rpm_cap"], None),
        # no clear answer: a tie, or nothing near
        ("tpm", ["rpm", "tpx"], None),
        ("abcdef", ["ghijkl"], None),
        ("cooldown", ["cooldown_time"], None),
        # already valid
        ("drop_params", ["drop_params"], None),
    ],
)
def test_nearest(typed, pool, meant):
    assert nearest(typed, pool) == meant


# ---- the issue-13 example ------------------------------------------------------------------------------


def test_issue_example_safe_mode_reports_each_rename_and_deletes_nothing():
    result = run(EXAMPLE, _plan("p0", "p1", "p2"), unsafe=False)
    x6 = [(f.line, f.kind, f.message) for f in result.findings if f.migration == "X6"]
    assert [(line, kind) for line, kind, _ in x6] == [
        (1, "unsafe"),
        (4, "unsafe"),
        (7, "unsafe"),
        (5, "unsafe"),
    ]
    assert "did you mean general_settings? Would rename it to general_settings" in x6[0][2]
    assert (
        "did you mean enable_pre_call_checks? Would rename it to router_settings.enable_pre_call_checks"
        in x6[1][2]
    )
    assert "did you mean drop_params? Would rename it to litellm_settings.drop_params" in x6[2][2]
    assert "'simple-shufle' is not a value LiteLLM knows: the proxy refuses to start" in x6[3][2]
    assert "routing_groups.py:30" in x6[3][2]
    text = result.new_bytes.decode()
    # nothing deleted, no second general_settings beside the misspelled one
    for kept in ("general_setting:", "enable_pre_call_check: true", "drop_param: true", "simple-shufle"):
        assert kept in text
    assert "general_settings" not in text
    refused = [f for f in result.findings if f.kind == "refused"]
    assert {f.migration for f in refused} == {"G2", "G10"}
    assert all("beside general_setting" in f.message and f.line == 1 for f in refused)
    # X5 leaves the misspellings to X6: no second finding for them
    assert not [f for f in result.findings if f.migration == "X5"]


def test_issue_example_unsafe_renames_first_then_fixes_write_into_the_renamed_section():
    result = run(EXAMPLE, _plan("p0", "p1", "p2"), unsafe=True)
    text = result.new_bytes.decode()
    assert text.startswith(
        "general_settings:                  # typo: the master key is ignored\n"
        "  master_key: os.environ/LITELLM_MASTER_KEY\n  background_health_checks: true\n"
    )
    assert text.count("general_setting") == 1
    assert "  enable_pre_call_checks: true     # typo\n" in text
    assert "  routing_strategy: simple-shuffle # typo" in text
    assert "  drop_params: true                # typo\n" in text
    assert not [f for f in result.findings if f.kind == "refused"]
    # and a second run changes nothing
    assert run(result.new_bytes, _plan("p0", "p1", "p2"), unsafe=True).new_bytes == result.new_bytes


def test_x6_orders_first():
    ids = [m.id for m in registry.all_migrations()]
    assert ids[0] == "X6"
    assert [m.id for m in _plan("p0", "p1", "p2")][0] == "X6"


# ---- X5 and G5 never delete what X6 can rename ------------------------------------------------------


def test_x5_alone_reports_a_misspelling_and_never_deletes_it():
    config = b"router_settings:\n  enable_pre_call_check: true\n  bogus_setting_xyz: 1\n"
    result = run(config, _plan("X5"), unsafe=True)
    assert b"enable_pre_call_check: true" in result.new_bytes
    assert b"bogus_setting_xyz" not in result.new_bytes  # not a misspelling: X5 deletes it
    [claimed] = [f for f in result.findings if "enable_pre_call_check" in f.message]
    assert "X6 renames it to router_settings.enable_pre_call_checks" in claimed.message
    assert claimed.manual == "run `autofix apply --only X6 --unsafe-fixes`"


def test_g5_keeps_a_misspelled_callback_for_x6():
    config = b"litellm_settings:\n  callbacks: [langfus, not_a_callback_at_all]\n"
    result = run(config, _plan("G5"))
    assert result.new_bytes.startswith(b"litellm_settings:\n  callbacks: [langfus]\n")
    fixed = run(config, _plan("X6", "G5"), unsafe=True)
    assert fixed.new_bytes.startswith(b"litellm_settings:\n  callbacks: [langfuse]\n")


def test_owners_come_from_the_fixes_declarations():
    g2 = registry.find("G2")
    assert ("router_settings", "health_check_interval") in g2.owns
    result = run(b"router_settings:\n  health_check_interval: 30\n", _plan("X5"), unsafe=True)
    [f] = result.findings
    assert "G2 moves it to general_settings" in f.message
    assert b"health_check_interval" in result.new_bytes


# ---- merging a misspelled section -------------------------------------------------------------------


def test_merge_refused_when_both_set_a_key():
    config = b"router_setings:\n  timeout: 5\nrouter_settings:\n  timeout: 30\n"
    result = run(config, _plan("X6"), unsafe=True)
    assert result.new_bytes == config
    [f] = result.findings
    assert f.kind == "warning" and "Not merged: both set timeout" in f.message


def test_types_leave_references_and_valid_values_alone():
    config = b"router_settings:\n  num_retries: os.environ/RETRIES\n  timeout: 30\n  routing_strategy: lar1\n"
    assert not run(config, _plan("X6"), unsafe=True).findings


def test_the_answers_do_not_depend_on_the_pools_form():
    """nearest/near remember their answers per (name, pool, vocabulary): a list, a tuple or a set of the
    same names gives the same answer; items that are not names are never answers; unhashable ones are
    skipped, not an error."""
    from autofix.suggest import near

    pool = ["drop_params", "num_retries", "timeout", 3, None]
    for form in (pool, tuple(pool), [*pool, {"not": "a name"}]):
        assert nearest("drop_param", form) == "drop_params"
        assert nearest("drop_params", form) is None
        assert near("timeot", form) == ["timeout"]
    assert nearest("drop_param", frozenset(p for p in pool if isinstance(p, str))) == "drop_params"
    # a generator is read once, also when an unhashable item sends it down the slower path
    assert nearest("drop_param", (p for p in [*pool, ["unhashable"]])) == "drop_params"
    assert near("timeot", (p for p in [*pool, {"x": 1}])) == ["timeout"]
    assert nearest("drop_param", ["drop_params", "drop_paramz"]) is None  # a tie, also remembered apart
    assert nearest("drop_param", ["drop_params"]) == "drop_params"
