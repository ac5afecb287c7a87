"""What autofix shows: unified diffs with secrets masked, findings, and the summary line."""

from __future__ import annotations

import bisect
import difflib
import re
from collections import Counter
from functools import lru_cache

from autofix.secrets import hide_line, mask_line, secret_block_lines

# what str.splitlines also breaks at, besides \r and \n (YAML reads these as text inside a line)
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _split_lines(text: str) -> list[str]:
    """The lines of `text` with their ends; only \r\n, \n and \r end a line."""
    if not _OTHER_BREAKS.search(text):
        return text.splitlines(keepends=True)  # the same lines, at C speed
    return [m.group() for m in re.finditer(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$", text)]


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Line opcodes like SequenceMatcher's, in near-linear time for the edits autofix makes.

    Patience-style: common prefix and suffix first, then lines unique in both sides as anchors
    (longest increasing run), recursing between anchors; small leftovers go to difflib.
    """
    ops: list[tuple[str, int, int, int, int]] = []

    def equal(i1: int, i2: int, j1: int, j2: int) -> None:
        if i2 > i1:
            ops.append(("equal", i1, i2, j1, j2))

    def solve(i1: int, i2: int, j1: int, j2: int) -> None:
        start_i, start_j = i1, j1
        while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
            i1 += 1
            j1 += 1
        equal(start_i, i1, start_j, j1)
        end_i, end_j = i2, j2
        while i2 > i1 and j2 > j1 and a[i2 - 1] == b[j2 - 1]:
            i2 -= 1
            j2 -= 1
        if i1 == i2 or j1 == j2:
            if i1 < i2 or j1 < j2:
                ops.append(("delete" if j1 == j2 else "insert" if i1 == i2 else "replace", i1, i2, j1, j2))
        elif (i2 - i1) * (j2 - j1) <= 40_000:
            for tag, x1, x2, y1, y2 in difflib.SequenceMatcher(
                None, a[i1:i2], b[j1:j2], autojunk=False
            ).get_opcodes():
                ops.append((tag, x1 + i1, x2 + i1, y1 + j1, y2 + j1))
        else:
            anchors = _unique_anchors(a, b, i1, i2, j1, j2)
            if not anchors:
                ops.append(("replace", i1, i2, j1, j2))
            else:
                pi, pj = i1, j1
                for ai, bj in anchors:
                    solve(pi, ai, pj, bj)
                    equal(ai, ai + 1, bj, bj + 1)
                    pi, pj = ai + 1, bj + 1
                solve(pi, i2, pj, j2)
        equal(i2, end_i, j2, end_j)

    solve(0, len(a), 0, len(b))
    merged: list[tuple[str, int, int, int, int]] = []
    for op in ops:
        if merged and merged[-1][0] == op[0] == "equal" and merged[-1][2] == op[1]:
            merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
        else:
            merged.append(op)
    return merged


def _unique_anchors(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[tuple[int, int]]:
    count_a = Counter(a[i1:i2])
    count_b = Counter(b[j1:j2])
    pos_b = {line: j for j, line in enumerate(b[j1:j2], j1)}  # the last position: the only one when unique
    pairs = [
        (i, pos_b[line])
        for i, line in enumerate(a[i1:i2], i1)
        if count_a[line] == 1 and count_b.get(line) == 1
    ]
    # longest increasing subsequence of the b positions (patience sorting)
    tails: list[int] = []
    tail_idx: list[int] = []
    prev: list[int] = [-1] * len(pairs)
    for n, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_idx.append(n)
        else:
            tails[k] = j
            tail_idx[k] = n
        prev[n] = tail_idx[k - 1] if k else -1
    out = []
    n = tail_idx[-1] if tail_idx else -1
    while n >= 0:
        out.append(pairs[n])
        n = prev[n]
    return out[::-1]


def unified_diff(old: str, new: str, name: str, *, show_secrets: bool = False, context: int = 3) -> str:
    """A unified diff `patch -R` can undo; a line without a final newline gets the usual marker."""
    a, b = _split_lines(old), _split_lines(new)
    matcher = difflib.SequenceMatcher(None, [], [])
    matcher.opcodes = _opcodes(a, b)  # get_grouped_opcodes reads these instead of computing its own
    out: list[str] = []
    hidden_a = set() if show_secrets else secret_block_lines(a)
    hidden_b = set() if show_secrets else secret_block_lines(b)

    def emit(mark: str, lines: list[str], hidden: set[int], lo: int, hi: int) -> None:
        """Lines lo..hi of `lines`, each after `mark`, masked unless secrets are shown."""
        if lo >= hi:
            return
        if show_secrets:
            out.extend(mark + line for line in lines[lo:hi])
        else:
            out.extend(
                mark + (hide_line(lines[i]) if i in hidden else mask_line(lines[i])) for i in range(lo, hi)
            )
        if not out[-1].endswith(("\n", "\r")):  # only the file's last line can lack its line break
            out[-1] += "\n\\ No newline at end of file\n"

    for group in matcher.get_grouped_opcodes(context):
        if not out:
            out.append(f"--- a/{name}\n+++ b/{name}\n")
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                emit(" ", a, hidden_a, i1, i2)
                continue
            emit("-", a, hidden_a, i1, i2)
            emit("+", b, hidden_b, j1, j2)
    return "".join(out)


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return f"{start + 1}"
    if not length:
        start -= 1
    return f"{start + 1},{length}"


# What a fix did, in the words of its findings, and what a preview says instead: a preview speaks of
# what *would* change. Fixes word their findings as done (the apply case); `preview_tense` rewrites
# the verb that opens each clause ("removed x" -> "would remove x", "; replaced by y" -> "; would be
# replaced by y").
_ACTIONS = {
    "added": "add",
    "deleted": "delete",
    "derived": "derive",
    "dropped": "drop",
    "enabled": "enable",
    "kept": "keep",
    "merged": "merge",
    "moved": "move",
    "removed": "remove",
    "renamed": "rename",
    "replaced": "replace",
    "rewrote": "rewrite",
    "set": "set",
    "wrote": "write",
    "turned": "turn",
    "converted": "convert",
    "disabled": "disable",
    "completed": "complete",
}
_CLAUSE_VERB = re.compile(r"(^|; |: |, then )(" + "|".join(_ACTIONS) + r")\b( by\b)?")
_AND_VERB = re.compile(r"(\bwould \w+ [^;:()]*? and )(" + "|".join(_ACTIONS) + r")\b")
_WAS_IS_NOW = re.compile(r"\bwas ([^;:]+?) and is now\b")
_VALUES_WERE = re.compile(r"\bthe values were\b")
_BECAME = re.compile(r"\bbecame\b")
_WERE_NOT = re.compile(r"\b(?:was|were) not (\w+ed)\b")
_FAILED = re.compile(r"\bevery request to (it|the alias) failed\b")


@lru_cache(maxsize=4096)
def preview_tense(message: str) -> str:
    """A finding worded for `apply` ("removed x"), worded for a preview ("would remove x").
    Remembered per message: a fleet repeats the same findings file after file."""

    def clause(m: re.Match) -> str:
        verb = _ACTIONS[m.group(2)]
        if m.group(3):  # "replaced by": passive
            return f"{m.group(1)}would be {m.group(2)} by"
        return f"{m.group(1)}would {verb}"

    message = _CLAUSE_VERB.sub(clause, message)
    message = _AND_VERB.sub(lambda m: m.group(1) + _ACTIONS[m.group(2)], message)
    message = _WAS_IS_NOW.sub(r"is \1 and would become", message)
    message = _BECAME.sub("would become", message)
    message = _WERE_NOT.sub(r"would not be \1", message)
    message = _FAILED.sub(r"every request to \1 fails", message)
    return _VALUES_WERE.sub("the values are", message)
