"""What counts as a secret, and what as a reference to one: the one place that decides.

A value is masked (`****`) in every output when its key names a secret (`SECRET_KEY`) and the value is
not a reference (`is_reference`): an `os.environ/NAME` string, a whole `${NAME}` or `{{ name }}`
placeholder, or nothing at all (null, empty). Inside any text, URL passwords, secret query parameters
and Slack webhook URLs are masked too (`mask_line`). The diff (report.py), the machine formats
(formats.py) and the findings' values (migrations) all use these functions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# A key holds a secret when one of its _-separated words says so: api_key, master_key, redis_password,
# aws_secret_access_key, auth_token, database_url, slack_webhook_url... but not max_input_tokens.
SECRET_KEY = re.compile(
    r"(?:^|[_\-.])(?:api[_-]?key|master[_-]?key|key|password|passwd|pass|secret|token|database[_-]?url|"
    r"webhook[_-]?url|webhook|access[_-]?key|private[_-]?key|credentials?|auth[_-]?header|authorization|"
    r"connection[_-]?string|dsn|headers)(?:$|[_\-.])",
    re.IGNORECASE,
)
_ENTRY = re.compile(
    r"^(?P<head>[ \t]*(?:-[ \t]+)?(?P<q>['\"]?)(?P<key>[^'\":#\n]+?)(?P=q)[ \t]*:[ \t]+)(?P<value>.*?)(?P<tail>[ \t]+#.*)?$"
)
_URL_SECRET = re.compile(r"https://hooks\.slack\.com/\S+")
# user:password@ in any URL (https, redis, postgres, amqp...): the password goes
_URL_PASSWORD = re.compile(
    r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]{0,20}://[^\s/@:'\"]{0,256}:)[^\s/@'\"]{1,1024}(?=@)"
)
# ?token=... &api_key=... in a URL
_QUERY_SECRET = re.compile(
    r"(?P<head>[?&][\w.\-]{0,40}?(?:token|key|secret|passw(?:or)?d|sig(?:nature)?|auth|credential)[\w.\-]{0,40}=)"
    r"[^&\s'\"#]+",
    re.IGNORECASE,
)
# key: value pairs inside a flow mapping ({user: a, password: b}); a plain value runs to the next , } or ]
# (it may hold spaces: `Authorization: Bearer sk-...`); a value that opens a nested collection is the
# single character `{` or `[`
_FLOW_PAIR = re.compile(
    r"(?P<head>[{,][ \t]{0,40}(?P<q>['\"]?)(?P<key>[\w.\-]{1,100})(?P=q)[ \t]{0,40}:[ \t]{0,40})"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[{\[]|[^,{}\[\]\s][^,{}\[\]\n]*?(?=[ \t]*(?:[,}\]]|$)))"
)
MASK = "****"


_PLACEHOLDER = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}|\{\{[^{}]*\}\}")


def is_reference(value: Any) -> bool:
    """True when a value under a secret key shows no secret: a reference to one, or nothing."""
    if value is None or value == "":
        return True
    if not isinstance(value, str):
        return False
    v = value.strip()
    return v.startswith("os.environ/") or bool(_PLACEHOLDER.fullmatch(v))


def _is_reference_text(text: str) -> bool:
    """is_reference for the YAML text of a value (quoted or plain; null, ~, {} and [] are empty)."""
    v = text.strip()
    if v in ("null", "~", "{}", "[]", "Null", "NULL"):
        return True
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        v = v[1:-1]
    return is_reference(v)


def is_secret_key(key: Any) -> bool:
    return isinstance(key, str) and bool(SECRET_KEY.search(key))


def mask_value(key: Any, value: Any, show: bool = False) -> Any:
    """A value for output: values under secret keys become ****, recursively; secrets in text are masked."""
    if show:
        return value
    if isinstance(value, dict):
        return {k: mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(key, v) for v in value]
    if is_secret_key(key) and not is_reference(value):
        return MASK
    if isinstance(value, str):
        return mask_line(value)
    return value


@lru_cache(maxsize=8192)
def mask_line(line: str) -> str:
    """Hide the value of a secret-looking `key: value` line (not an os.environ/ reference).
    Remembered per line: a diff or a fleet repeats the same lines."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    m = _ENTRY.match(body)
    if m and SECRET_KEY.search(m.group("key")) and not _is_reference_text(m.group("value")):
        value = m.group("value").strip()
        if value in ("|", ">", "|-", ">-", "|+", ">+"):  # a block scalar: its lines are masked by Masker
            return line
        body = m.group("head") + MASK + (m.group("tail") or "")
    body = _URL_SECRET.sub(MASK, body)
    body = _URL_PASSWORD.sub(lambda x: x.group("head") + MASK, body)
    body = _QUERY_SECRET.sub(lambda x: x.group("head") + MASK, body)
    if "{" in body:
        body = _mask_flow_pairs(body)
    return body + ending


def _mask_flow_pairs(body: str) -> str:
    """Mask the secret scalar values of `key: value` pairs inside flow mappings.

    A nested collection is not masked as a whole (`callback_settings: {webhook: {endpoint: ...}}` in a
    manual step stays readable); its own pairs are looked at in turn.
    """
    out = []
    pos = 0
    while m := _FLOW_PAIR.search(body, pos):
        start, end = m.start("value"), m.end("value")
        if m.group("value") in ("{", "["):
            out.append(body[pos:start])
            pos = start
        elif SECRET_KEY.search(m.group("key")) and not _is_reference_text(m.group("value")):
            out.append(body[pos:start] + MASK)
            pos = end
        else:
            out.append(body[pos:end])
            pos = end
    out.append(body[pos:])
    return "".join(out)


_BLOCK_HEADER = re.compile(
    r"^(?P<indent>[ \t]*)(?:-[ \t]+)?['\"]?(?P<key>[^'\":#\n]+?)['\"]?[ \t]*:[ \t]*[|>][-+0-9]*[ \t]*(?:#.*)?$"
)


def secret_block_lines(lines: list[str]) -> set[int]:
    """Indexes of lines inside a secret block scalar (`private_key: |`) or a PEM private key block."""
    hidden: set[int] = set()
    joined = "".join(lines)
    if "-----BEGIN" not in joined and not re.search(r":[ \t]*[|>]", joined):
        return hidden
    block_indent: int | None = None
    pem = False
    for i, line in enumerate(lines):
        text = line.rstrip("\r\n")
        indent = len(text) - len(text.lstrip())
        if block_indent is not None:
            if not text.strip() or indent > block_indent:
                hidden.add(i)
                continue
            block_indent = None
        if pem:
            hidden.add(i)
            pem = "-----END" not in text
            continue
        if "-----BEGIN" in text and "PRIVATE KEY" in text:
            hidden.add(i)
            pem = "-----END" not in text
            continue
        m = _BLOCK_HEADER.match(text)
        if m and SECRET_KEY.search(m.group("key")):
            block_indent = len(m.group("indent"))
    return hidden


def hide_line(line: str) -> str:
    text = line.rstrip("\r\n")
    if not text.strip():
        return line
    return text[: len(text) - len(text.lstrip())] + MASK + line[len(text) :]
