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


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _next_content(lines: list[str], i: int) -> int | None:
    """The index of the first content line (not blank, not a comment) after line `i`, or None."""
    return next((k for k in range(i + 1, len(lines)) if lines[k].strip() and not _is_comment(lines[k])), None)


_KEY = re.compile(r"""^(?:(['"])(.*?)\1|([^\s#'"][^:#]*?))\s*:(?:\s|$)""")


def _paths(lines: list[str]) -> list[tuple]:
    """The path of each line, from its indentation: keys, and the index of each list item (`- `). A
    blank or comment line gets the path of the content line before it. Only for telling identical lines
    apart; flow collections and multi-line scalars get an approximate path, the same on both sides."""
    stack: list[tuple[int, object]] = []
    items: dict[tuple, int] = {}
    out = []
    for line in lines:
        rest = line.lstrip(" ")
        if rest.strip() and not rest.startswith("#"):
            column = len(line) - len(rest)
            while stack and stack[-1][0] >= column:
                stack.pop()
            while rest == "-" or rest.startswith("- "):
                parent = tuple(label for _, label in stack)
                items[parent] = items.get(parent, -1) + 1
                stack.append((column, items[parent]))
                rest = rest[1:].lstrip(" ")
                column = len(line) - len(rest)
            key = _KEY.match(rest)
            if key:
                stack.append((column, key.group(2) if key.group(1) else key.group(3)))
        out.append(tuple(label for _, label in stack))
    return out


def _opcodes(old_lines: list[str], new_lines: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's alignment of the lines, each compared with its path, so two identical lines under
    different keys or list items are never taken for each other (`model_info: {}` in two deployments)."""
    old_keyed = list(zip(_paths(old_lines), old_lines, strict=True))
    new_keyed = list(zip(_paths(new_lines), new_lines, strict=True))
    return difflib.SequenceMatcher(None, old_keyed, new_keyed, autojunk=False).get_opcodes()


def _aligned(old_lines: list[str], new_lines: list[str]) -> dict[int, int]:
    """Old line index → new line index, for the lines the fix did not touch (the equal blocks)."""
    out: dict[int, int] = {}
    for tag, i1, i2, j1, _ in _opcodes(old_lines, new_lines):
        if tag == "equal":
            out.update((i1 + k, j1 + k) for k in range(i2 - i1))
    return out


def assert_comments_stay(old: str, new: str) -> None:
    """A full-line comment that survives is still followed by the same content line (unless that line
    was deleted or edited, or the fix added a line right below it); inline comments keep their line.

    The lines are aligned first (difflib, each line with its path), so a comment the fix did not touch
    is compared with its own line, never with an identical line elsewhere in the file (two
    `model_info:` lines, say). A comment the alignment does not keep must still be above its line when
    that line is untouched (past other comments and lines the fix wrote); one that moved with its line
    (a key moved with its comment block) must sit above the same text, or above a line the fix wrote.
    """
    old_lines = [ln.rstrip("\r\n") for ln in old.splitlines()]
    new_lines = [ln.rstrip("\r\n") for ln in new.splitlines()]
    kept = _aligned(old_lines, new_lines)
    untouched_new = set(kept.values())
    new_followers: dict[str, list[int | None]] = {}
    for j, line in enumerate(new_lines):
        if _is_comment(line):
            new_followers.setdefault(line, []).append(_next_content(new_lines, j))
    new_texts = set(new_lines)
    for i, comment in enumerate(old_lines):
        if not _is_comment(comment):
            continue
        nxt = _next_content(old_lines, i)
        if nxt is None:
            continue
        if i in kept:  # the comment line itself is untouched: compare positions
            if nxt not in kept:
                continue  # the line below it was deleted or edited
            follower = _next_content(new_lines, kept[i])
            ok = follower == kept[nxt] or (follower is not None and follower not in untouched_new)
            shown = new_lines[follower].strip() if follower is not None else "<end>"
        elif comment not in new_followers:
            continue  # deleted with its key
        elif nxt in kept:  # the line below is untouched: the comment must still be above it
            j = kept[nxt] - 1
            while (
                j >= 0 and new_lines[j] != comment and (_is_comment(new_lines[j]) or j not in untouched_new)
            ):
                j -= 1  # past other comments and the lines the fix wrote
            ok = j >= 0 and new_lines[j] == comment
            shown = "elsewhere"
        else:  # moved or rewritten with the line below: compare texts
            if old_lines[nxt] not in new_texts:
                continue  # the line below it is gone
            followers = new_followers[comment]
            ok = any(f is None or new_lines[f] == old_lines[nxt] or f not in untouched_new for f in followers)
            shown = [new_lines[f].strip() if f is not None else "<end>" for f in followers]
        assert ok, (
            f"comment {comment.strip()!r} no longer sits above {old_lines[nxt].strip()!r} (now above {shown!r})"
        )
    assert_inline_comments_stay(old, new)


def _inline(line: str) -> tuple[str, str | None]:
    """(code, inline comment or None) of a line. A full-line comment has no code: `# a #b` is one comment."""
    if line.lstrip().startswith("#"):
        return line.rstrip(), None
    code, sep, comment = line.partition(" #")
    return code.rstrip(), (comment if sep and code.strip() else None)


def assert_inline_comments_stay(old: str, new: str) -> None:
    """A line that keeps its code keeps its inline comment.

    The lines are first aligned (difflib, each line with its path): a line the fix did not touch is
    matched with itself, so two identical `key: value  # note` lines are never confused. Within each
    changed block, the comment of an old line must be on one of the block's new lines (each new line
    serves one old line: an edited value keeps its comment) whenever the line's code is still in the
    block. A line deleted outright is not checked here (its key may be gone).
    """
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for tag, i1, i2, j1, j2 in _opcodes(old_lines, new_lines):
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
