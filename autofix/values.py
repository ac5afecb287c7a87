"""The toolkit migrations share: section names, readings of config values as LiteLLM reads them, and
the small helpers their messages use. Look here before writing a helper in a migration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autofix.changes import MISSING, format_path
from autofix.errors import EditRefused

# The top-level sections of a LiteLLM config most fixes touch
GS = "general_settings"
LS = "litellm_settings"
RS = "router_settings"


def names(value: Any) -> list[str]:
    """The string entries of a callback setting: a single string, or the strings of a list."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def number(value: Any) -> int | float | None:
    """A number for an int, a float or a numeric string (an integral one as an int); None otherwise
    (booleans too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            return None
        return int(parsed) if parsed.is_integer() else parsed
    return None


def as_int(value: Any) -> int | None:
    """An integer for an int, an integral float or a numeric string; None otherwise (booleans too)."""
    found = number(value)
    if isinstance(found, float):
        return int(found) if found.is_integer() else None
    return found


def show(value: Any) -> str:
    """A value as YAML spells it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value) if isinstance(value, str) else str(value)


def listed(items: Sequence[str], limit: int = 5, sep: str = ", ") -> str:
    """The first `limit` items and a count of the rest: 'a, b and 3 more' (with sep='; ': 'a; b; and 3 more')."""
    shown = sep.join(items[:limit])
    if len(items) <= limit:
        return shown
    return f"{shown}{' ' if sep == ', ' else sep}and {len(items) - limit} more"


def deployments(doc) -> list[tuple[int, dict]]:
    """(index, deployment) for every mapping in model_list."""
    models = doc.get(("model_list",), None)
    return [(i, d) for i, d in enumerate(models) if isinstance(d, dict)] if isinstance(models, list) else []


def add_to_list(ctx, path: tuple, item: str, *, not_a_list: str, refused: str) -> bool:
    """Append `item` to the list setting at `path` (a missing or null value becomes a list, a single
    string a two-item list; never a duplicate). When the value is neither a string nor a list, or the
    edit is refused (a shared anchor or a merge key), warn with the manual step `not_a_list` or
    `refused` and return False."""
    current = ctx.doc.get(path)
    where = format_path(path)
    if current is not MISSING and current is not None and not isinstance(current, str | list):
        ctx.warn(f"{where} is not a list: {item} not added", path, manual=not_a_list)
        return False
    try:
        ctx.doc.append(path, item)
    except EditRefused as exc:
        ctx.warn(f"{item} not added to {where} ({exc.reason})", path, manual=refused)
        return False
    return True
