"""What autofix shows: unified diffs with secrets masked, findings, and the summary line."""

from __future__ import annotations

import difflib
import re

SECRET_KEY = re.compile(
    r"(api[_-]?key|master[_-]?key|password|passwd|secret|token|database[_-]?url|webhook[_-]?url|"
    r"slack[_-]?webhook|access[_-]?key|private[_-]?key|credential|auth[_-]?header|authorization)",
    re.IGNORECASE,
)
_ENTRY = re.compile(
    r"^(?P<head>[ \t]*(?:-[ \t]+)?(?P<q>['\"]?)(?P<key>[^'\":#\n]+?)(?P=q)[ \t]*:[ \t]+)(?P<value>.*?)(?P<tail>[ \t]+#.*)?$"
)
_URL_SECRET = re.compile(r"https://hooks\.slack\.com/\S+|https?://[^/\s:@]+:[^@\s/]+@\S+")
MASK = "****"


def _is_reference(value: str) -> bool:
    v = value.strip().strip("'\"")
    return v.startswith("os.environ/") or v in ("", "null", "~", "{}", "[]") or v.startswith(("${", "{{"))


def mask_line(line: str) -> str:
    """Hide the value of a secret-looking `key: value` line (not an os.environ/ reference)."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    m = _ENTRY.match(body)
    if m and SECRET_KEY.search(m.group("key")) and not _is_reference(m.group("value")):
        body = m.group("head") + MASK + (m.group("tail") or "")
    body = _URL_SECRET.sub(MASK, body)
    return body + ending


def _split_lines(text: str) -> list[str]:
    return [m.group() for m in re.finditer(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$", text)]


def unified_diff(old: str, new: str, name: str, *, show_secrets: bool = False) -> str:
    """A unified diff `patch -R` can undo; a line without a final newline gets the usual marker."""
    old_lines = _split_lines(old)
    new_lines = _split_lines(new)
    out = []
    for line in difflib.unified_diff(old_lines, new_lines, f"a/{name}", f"b/{name}"):
        if not show_secrets:
            line = mask_line(line)
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)
