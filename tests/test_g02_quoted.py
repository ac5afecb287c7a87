"""G2 and the types LiteLLM tests strictly (issue 10, item 8), over generated shapes.

LiteLLM 1.110.2: `health_check_details` hides the details only when it `is not False` fails
(`proxy/health_check.py:220`); `background_health_checks` is tested for truthiness
(`proxy_server.py:1920`); the loop runs only for an `int` interval above 0 (`proxy_server.py:4962`).
"""

from __future__ import annotations

import itertools

import pytest
import yaml

from autofix import registry
from autofix.runner import run

G2 = registry.find("G2")
FALSE_WORDS = ['"false"', '"False"', "'no'", '"off"', "0"]
TRUE_WORDS = ['"true"', "'yes'", '"on"']


def _runs(settings: dict) -> bool:
    """Whether LiteLLM runs the background checks with these general_settings."""
    interval = settings.get("health_check_interval", 300)
    return (
        bool(settings.get("background_health_checks", False)) and isinstance(interval, int) and interval > 0
    )


def _details_shown(settings: dict) -> bool:
    return settings.get("health_check_details", True) is not False


@pytest.mark.parametrize("word", FALSE_WORDS + TRUE_WORDS)
def test_quoted_details_become_the_boolean_they_say(word):
    text = f"general_settings:\n  background_health_checks: true\n  health_check_interval: 300\n  health_check_details: {word}\n"
    before = yaml.safe_load(text)["general_settings"]
    assert _details_shown(before)  # LiteLLM shows the details for every one of them
    after = yaml.safe_load(run(text.encode(), [G2]).new_bytes)["general_settings"]
    assert after["health_check_details"] is (word in TRUE_WORDS)
    assert _details_shown(after) is (word in TRUE_WORDS)


@pytest.mark.parametrize(
    "word, interval", list(itertools.product(FALSE_WORDS[:4], ["300", "300.0", '"300"', "true", "60", None]))
)
def test_a_quoted_false_never_changes_whether_the_checks_run_without_unsafe_fixes(word, interval):
    text = f"general_settings:\n  background_health_checks: {word}\n"
    if interval is not None:
        text += f"  health_check_interval: {interval}\n"
    before = yaml.safe_load(text)["general_settings"]
    safe = run(text.encode(), [G2])
    after = yaml.safe_load(safe.new_bytes)["general_settings"]
    assert _runs(after) is _runs(before)  # a safe fix keeps what runs
    assert after["background_health_checks"] is False or safe.hidden_unsafe.get("G2")
    unsafe = yaml.safe_load(run(text.encode(), [G2], unsafe=True).new_bytes)["general_settings"]
    assert unsafe["background_health_checks"] is False and not _runs(unsafe)  # as written
    assert not any("so the checks are ON" in f.message for f in safe.findings if not _runs(before))
