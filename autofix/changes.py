"""The change model: paths into a parsed config, and the declared changes verification checks.

A `Path` names a place in the parsed config (mapping keys and list indexes). Every edit a fix makes
records a `Change(path, old, new)`; `apply_change` replays it on parsed data, so verification can
check that the output differs from the input by exactly the declared changes. `MISSING` stands for
"no value here" (an added key's old value, a deleted key's new value).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

PathKey = str | int
Path = tuple[PathKey, ...]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> _Missing:
        return self

    def __deepcopy__(self, memo: dict) -> _Missing:
        return self

    def __reduce__(self) -> str:
        return "MISSING"  # unpickles as autofix.changes.MISSING, the one instance


MISSING: Any = _Missing()

_ATOMIC = frozenset({str, int, float, bool, type(None), bytes, _Missing})


def copy_data(value: Any) -> Any:
    """A deep copy of parsed YAML data: what `copy.deepcopy` gives (a mapping or list reached twice
    through an alias is copied once and shared the same way), several times faster on the dicts,
    lists and immutable scalars a config is made of. Anything else goes to `copy.deepcopy`."""
    return value if value.__class__ in _ATOMIC else _copy(value, {})


def _copy(v: Any, memo: dict[int, Any]) -> Any:
    # a module-level function: a nested one calling itself would be a reference cycle on every call
    cls = v.__class__
    if cls in _ATOMIC:
        return v
    if cls is dict:
        done = memo.get(id(v))
        if done is None:
            done = memo[id(v)] = {}
            for k, x in v.items():
                done[k] = x if x.__class__ in _ATOMIC else _copy(x, memo)
        return done
    if cls is list:
        done = memo.get(id(v))
        if done is None:
            done = memo[id(v)] = []
            done.extend(x if x.__class__ in _ATOMIC else _copy(x, memo) for x in v)
        return done
    return copy.deepcopy(v)  # a set, a tuple of pairs, a timestamp: rare in a config


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_/-]+", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return out or "<root>"


@dataclass
class Change:
    """One declared difference between input and output, at a path of the parsed config."""

    path: Path
    old: Any
    new: Any
    migration: str = ""

    @property
    def kind(self) -> str:
        if self.old is MISSING:
            return "add"
        if self.new is MISSING:
            return "delete"
        return "set"


def get_in(data: Any, path: Path) -> Any:
    """The value at `path` in parsed data, or MISSING."""
    cur = data
    for part in path:
        if cur.__class__ is dict or isinstance(cur, dict):  # the first test: a fix asks this a lot
            cur = cur.get(part, MISSING)
            if cur is MISSING:
                return MISSING
        elif isinstance(cur, list) and isinstance(part, int):
            if not -len(cur) <= part < len(cur):
                return MISSING
            cur = cur[part]
        else:
            return MISSING
    return cur


def identical(a: Any, b: Any) -> bool:
    """Equal all the way down, types included (`1` is not `true` even inside a list)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(identical(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a != a and b != b)  # NaN is itself


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type (`1` is not `true`, `1` is not `1.0`)."""
    return type(a) is type(b) and a == b


def set_in(container: Any, key: Any, value: Any) -> None:
    container[key] = value


def del_in(container: Any, key: Any) -> None:
    del container[key]


def apply_change(data: Any, change: Change) -> None:
    """Apply a declared change to parsed data (creating missing parent mappings)."""
    *parents, last = change.path
    cur = data
    for part in parents:
        nxt = cur[part] if (isinstance(cur, dict) and part in cur) or isinstance(cur, list) else None
        if nxt is None:
            nxt = {}
            cur[part] = nxt
        cur = nxt
    if change.new is MISSING:
        if isinstance(cur, dict):
            cur.pop(last, None)
        elif isinstance(cur, list) and isinstance(last, int) and -len(cur) <= last < len(cur):
            del cur[last]
    else:
        cur[last] = copy_data(change.new)
