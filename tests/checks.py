"""Checks shared by the tests: what must hold for any input autofix fixes."""

from __future__ import annotations

import difflib
import re
from collections import Counter

from autofix.loader import safe_load
from autofix.runner import Result, run


def fix(data: bytes | str, plan, *, unsafe: bool = False) -> Result:
    if isinstance(data, str):
        data = data.encode()
    return run(data, plan, unsafe=unsafe)


def sections(text: str) -> dict[str, str]:
    """Top-level key → the exact text of its section: its key line through its last indented line."""
    lines = text.splitlines(keepends=True)
    key_line = re.compile(r"""^(?:(['"])(.+?)\1|([^\s#'"\-][^:]*?))\s*:(?:\s|$)""")
    starts = []
    for i, line in enumerate(lines):
        m = key_line.match(line)
        if m and not line.startswith(("---", "...")):
            starts.append((i, m.group(2) or m.group(3)))
    out: dict[str, str] = {}
    for n, (i, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        while end > i + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        out[key] = "".join(lines[i:end]).rstrip("\r\n")  # a line break added after a last line is not an edit
    return out


def assert_untouched_sections_identical(old: str, new: str) -> None:
    """Every top-level section whose parsed data did not change keeps its exact text."""
    old_data = safe_load(old) or {}
    new_data = safe_load(new) or {}
    old_s, new_s = sections(old), sections(new)
    for key, text in old_s.items():
        if key in old_data and key in new_data and old_data[key] == new_data[key] and key in new_s:
            assert new_s[key] == text, f"section {key!r} changed although its data did not"


def _comment_neighbours(text: str) -> list[tuple[str, str]]:
    """(full-line comment, the next content line) for every full-line comment."""
    lines = [ln.rstrip("\r\n") for ln in text.splitlines()]
    out = []
    for i, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            nxt = next((x for x in lines[i + 1 :] if x.strip() and not x.lstrip().startswith("#")), "<end>")
            out.append((line, nxt))
    return out


def assert_comments_stay(old: str, new: str) -> None:
    """A full-line comment that survives is still followed by the same content line (unless that line
    was deleted, or the fix added a line right below it); inline comments keep their line."""
    new_lines = {ln.rstrip("\r\n") for ln in new.splitlines()}
    new_pairs = _comment_neighbours(new)
    new_by_comment: dict[str, list[str]] = {}
    for c, n in new_pairs:
        new_by_comment.setdefault(c, []).append(n)
    old_lines = {ln.rstrip("\r\n") for ln in old.splitlines()}
    for comment, nxt in _comment_neighbours(old):
        if comment not in new_by_comment:
            continue  # deleted with its key
        if nxt == "<end>" or nxt not in new_lines:
            continue
        followers = new_by_comment[comment]
        ok = nxt in followers or any(f not in old_lines for f in followers)
        assert ok, f"comment {comment.strip()!r} no longer sits above {nxt.strip()!r} (now above {followers})"
    assert_inline_comments_stay(old, new)


def _inline(line: str) -> tuple[str, str | None]:
    """(code, inline comment or None) of a line."""
    code, sep, comment = line.partition(" #")
    return code.rstrip(), (comment if sep and code.strip() else None)


def assert_inline_comments_stay(old: str, new: str) -> None:
    """A line that keeps its code keeps its inline comment.

    The lines are first aligned (difflib): a line the fix did not touch is matched with itself, so two
    identical `key: value  # note` lines are never confused. Within each changed block, the comment of
    an old line must be on one of the block's new lines (each new line serves one old line: an edited
    value keeps its comment) whenever the line's code is still in the block. A line deleted outright is
    not checked here (its key may be gone).
    """
    old_lines, new_lines = old.splitlines(), new.splitlines()
    blocks = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in blocks:
        if tag != "replace":
            continue
        block = [_inline(ln) for ln in new_lines[j1:j2]]
        available = Counter(comment for _, comment in block if comment is not None)
        codes = {code for code, _ in block}
        for line in old_lines[i1:i2]:
            code, comment = _inline(line)
            if comment is None:
                continue
            if available[comment] > 0:
                available[comment] -= 1
            else:
                assert code not in codes, f"inline comment lost on {line!r}"


def assert_good_fix(data: bytes, plan, *, unsafe: bool = False) -> Result:
    """Output parses, untouched sections are byte-identical, comments stay, a second run is a no-op."""
    result = fix(data, plan, unsafe=unsafe)
    old = data.decode("utf-8-sig")
    new = result.new_bytes.decode("utf-8-sig")
    safe_load(new)
    assert_untouched_sections_identical(old, new)
    assert_comments_stay(old, new)
    again = fix(result.new_bytes, plan, unsafe=unsafe)
    assert again.new_bytes == result.new_bytes, "a second run changed the file"
    assert not again.changes
    return result
