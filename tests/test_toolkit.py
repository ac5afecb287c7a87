"""The migration toolkit: autofix.values and what Context gives a fix (report with a line, manual steps)."""

from __future__ import annotations

import pytest
import yaml

from autofix.migration import Context, Migration
from autofix.runner import run
from autofix.values import GS, LS, RS, add_to_list, as_int, listed, names, number, show


def test_section_names():
    assert (GS, LS, RS) == ("general_settings", "litellm_settings", "router_settings")


@pytest.mark.parametrize(
    ("items", "kwargs", "text"),
    [
        ([], {}, ""),
        (["a"], {}, "a"),
        (["a", "b", "c", "d", "e"], {}, "a, b, c, d, e"),
        (["a", "b", "c", "d", "e", "f", "g"], {}, "a, b, c, d, e and 2 more"),
        (["a", "b", "c"], {"limit": 2}, "a, b and 1 more"),
        (["a", "b", "c"], {"limit": 2, "sep": "; "}, "a; b; and 1 more"),
        (["a", "b"], {"limit": 2, "sep": "; "}, "a; b"),
    ],
)
def test_listed(items, kwargs, text):
    assert listed(items, **kwargs) == text


@pytest.mark.parametrize(
    ("value", "num", "integer"),
    [
        (3, 3, 3),
        (3.0, 3.0, 3),
        (2.5, 2.5, None),
        ("42", 42, 42),
        (" 1.5 ", 1.5, None),
        ("4.0", 4, 4),
        ("x", None, None),
        (True, None, None),
        (None, None, None),
        ([1], None, None),
    ],
)
def test_number_and_as_int(value, num, integer):
    assert number(value) == num and type(number(value)) is type(num)
    assert as_int(value) == integer and type(as_int(value)) is type(integer)


def test_show_and_names():
    assert [show(v) for v in (True, False, None, "on", 5, 1.5)] == [
        "true",
        "false",
        "null",
        "'on'",
        "5",
        "1.5",
    ]
    assert names("a") == ["a"] and names(["a", 1, "b"]) == ["a", "b"] and names(None) == []


def _run(fix, data: bytes, *, unsafe: bool = False):
    return run(data, [Migration("T1", "test", "p0", "safe", "t", "", fix)], unsafe=unsafe)


def test_a_finding_gets_the_line_of_its_path_on_disk_or_the_line_it_names():
    def fix(ctx: Context):
        if ctx.doc.delete(("a", "gone")):
            ctx.report("removed it", ("a", "gone"))  # deleted: still its line in the file on disk
        ctx.warn("and this", None, line=7)  # no path: the line it names
        ctx.report("where the path is", ("b",))
        ctx.report("a new key", ("a", "new"))  # not on disk: its nearest existing parent
        ctx.doc.set(("a", "new"), 1)

    result = _run(fix, b"a:\n  keep: 1\n  gone: 2\nb: 3\n")
    assert [(f.message, f.line, f.kind) for f in result.findings] == [
        ("removed it", 3, "info"),
        ("and this", 7, "warning"),
        ("where the path is", 4, "info"),
        ("a new key", 1, "info"),
    ]


@pytest.mark.parametrize("unsafe", [False, True])
def test_allow_unsafe_gives_the_manual_step(unsafe):
    def fix(ctx: Context):
        if ctx.allow_unsafe("would delete a", ("a",), manual="delete a by hand"):
            ctx.doc.delete(("a",))

    result = _run(fix, b"a: 1\nb: 2\n", unsafe=unsafe)
    if unsafe:
        assert result.new_bytes == b"b: 2\n" and not result.findings
    else:
        [finding] = result.findings
        assert (finding.kind, finding.manual, finding.line) == ("unsafe", "delete a by hand", 1)
        assert finding.message == "would delete a (unsafe fix: run with --unsafe-fixes)"


@pytest.mark.parametrize(
    ("text", "added", "after", "warning"),
    [
        (b"s:\n  cb: [a]\n", True, b"s:\n  cb: [a, x]\n", None),
        (b"s:\n  cb: a\n", True, None, None),  # a single string becomes a list
        (b"s: {}\n", True, None, None),  # a missing list is created
        (
            b"s:\n  cb: {a: 1}\n",
            False,
            b"s:\n  cb: {a: 1}\n",
            ("s.cb is not a list: x not added", "make a list"),
        ),
        (
            b"base: &b [a]\ns:\n  cb: *b\n",  # shared through an anchor: the edit is refused
            False,
            b"base: &b [a]\ns:\n  cb: *b\n",
            ("x not added to s.cb (", "add it by hand"),
        ),
    ],
)
def test_add_to_list(text, added, after, warning):
    outcome = []

    def fix(ctx: Context):
        outcome.append(add_to_list(ctx, ("s", "cb"), "x", not_a_list="make a list", refused="add it by hand"))

    result = _run(fix, text)
    assert outcome[0] is added  # (the runner runs a fix twice: the second run must change nothing)
    if added:
        assert "x" in yaml.safe_load(result.new_bytes)["s"]["cb"]
        assert not result.findings
    if after is not None:
        assert result.new_bytes == after
    if warning:
        [finding] = result.findings
        assert finding.kind == "warning" and finding.message.startswith(warning[0])
        assert finding.manual == warning[1] and finding.line == 2 + text.startswith(b"base")


def test_a_pass_skips_a_fix_only_when_nothing_changed_since_it_last_changed_nothing():
    """The passes run until one changes nothing. A fix that changed nothing, on a document nothing has
    changed since, is not run again; one that changed something always is (so a fix that never settles
    is still caught), and so is one that ran before a later change."""
    runs: list[str] = []

    def counter(name):
        def fix(ctx: Context):
            runs.append(name)

        return fix

    def writer(ctx: Context):
        runs.append("W")
        ctx.doc.set((GS, "background_health_checks"), True)

    plan = [
        Migration("T1", "early", "p0", "safe", "t", "", counter("early")),
        Migration("T2", "writer", "p0", "safe", "t", "", writer),
        Migration("T3", "late", "p0", "safe", "t", "", counter("late")),
    ]
    result = run(b"model_list: []\n", plan)
    assert result.passes == 2
    # pass 1: all three; pass 2: `early` (a change came after it) and `writer` (it changed something);
    # `late` ran after the last change and changed nothing: passed over
    assert runs == ["early", "W", "late", "early", "W"]


def test_a_fix_that_never_settles_is_still_caught():
    from autofix.errors import VerificationError

    def grows(ctx: Context):  # a different value every run
        value = ctx.doc.get((GS, "alerting_threshold"))
        ctx.doc.set((GS, "alerting_threshold"), (value if isinstance(value, int) else 0) + 1)

    with pytest.raises(VerificationError, match="did not settle"):
        run(b"model_list: []\n", [Migration("T1", "grows", "p0", "safe", "t", "", grows)])
