"""Rendering new YAML in the file's own style.

The text a fix adds (a key, a section, a list item) is rendered with the file's indentation step,
sequence offset and newline (`Format`, detected by the Document), in block style, with scalars
quoted only where PyYAML (the YAML 1.1 reader LiteLLM uses) would otherwise read something else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from autofix.loader import safe_load


@dataclass
class Format:
    """What the file looks like, so new YAML matches it."""

    newline: str = "\n"
    step: int = 2  # indentation of a nested mapping relative to its key
    seq_offset: int = 2  # column of a block sequence's dash relative to its key
    blank_between_sections: bool = False


_PLAIN = re.compile(r"[A-Za-z0-9_/][A-Za-z0-9_./@+-]*(?::[A-Za-z0-9_./@+-]+)*")


@lru_cache(maxsize=4096)
def _plain_ok(value: str, flow: bool) -> bool:
    if not _PLAIN.fullmatch(value):
        return False
    try:
        if flow:
            return safe_load(f"k: [{value}]") == {"k": [value]}
        return safe_load(f"k: {value}") == {"k": value}
    except yaml.YAMLError:
        return False


def render_scalar(value: Any, quote: str | None = None, flow: bool = False) -> str:
    """A scalar as PyYAML reads it back identically; `quote` keeps a neighbour's quoting style."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot render {type(value).__name__} as a YAML scalar")
    printable = value.isprintable()
    if quote == "'" and printable:
        return "'" + value.replace("'", "''") + "'"
    if quote == '"':
        return json.dumps(value, ensure_ascii=False)
    if _plain_ok(value, flow):
        return value
    return json.dumps(value, ensure_ascii=False)


def render_flow(value: Any) -> str:
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{render_scalar(k, flow=True)}: {render_flow(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(render_flow(v) for v in value) + "]"
    return render_scalar(value, flow=True)


def is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def render_inline(value: Any) -> str | None:
    """The one-line form of a value when it has one worth using (scalars, lists of scalars, empties)."""
    if is_scalar(value):
        return render_scalar(value)
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    if isinstance(value, list) and all(is_scalar(v) for v in value):
        return render_flow(value)
    return None


def render_entry(key: Any, value: Any, indent: int, fmt: Format) -> list[str]:
    """Lines (without newlines) of `key: value` in block style at column `indent`."""
    pad = " " * indent
    head = f"{pad}{render_scalar(key)}:"
    one_line = render_inline(value)
    if one_line is not None:
        return [f"{head} {one_line}"]
    lines = [head]
    if isinstance(value, dict):
        for k, v in value.items():
            lines += render_entry(k, v, indent + fmt.step, fmt)
    else:
        lines += render_items(value, indent + fmt.seq_offset, fmt)
    return lines


def render_items(items: list[Any], dash_col: int, fmt: Format, quote: str | None = None) -> list[str]:
    lines: list[str] = []
    pad = " " * dash_col
    for item in items:
        if isinstance(item, dict) and item:
            sub: list[str] = []
            for k, v in item.items():
                sub += render_entry(k, v, dash_col + 2, fmt)
            sub[0] = pad + "- " + sub[0][dash_col + 2 :]
            lines += sub
        elif isinstance(item, list) and item and not all(is_scalar(v) for v in item):
            sub = render_items(item, dash_col + 2, fmt)
            sub[0] = pad + "- " + sub[0][dash_col + 2 :]
            lines += sub
        else:
            text = render_scalar(item, quote=quote) if is_scalar(item) else render_inline(item)
            lines.append(f"{pad}- {text}")
    return lines
