"""Small readings of config values that several migrations share."""

from __future__ import annotations

from typing import Any


def names(value: Any) -> list[str]:
    """The string entries of a callback setting: a single string, or the strings of a list."""
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def as_int(value: Any) -> int | None:
    """An integer for an int, an integral float or a numeric string; None otherwise (booleans too)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return int(number) if number.is_integer() else None
    return None


def show(value: Any) -> str:
    """A value as YAML spells it, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value) if isinstance(value, str) else str(value)


def deployments(doc) -> list[tuple[int, dict]]:
    """(index, deployment) for every mapping in model_list."""
    models = doc.get(("model_list",), None)
    return [(i, d) for i, d in enumerate(models) if isinstance(d, dict)] if isinstance(models, list) else []
