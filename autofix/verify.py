"""Verification: the output parses, and differs from the input exactly where migrations said it would.

Both texts are loaded with PyYAML's safe loader (what LiteLLM uses). The declared changes are applied
to the old data; the result must equal the new data, types included (`1` is not `true`). When it does
not, deepdiff names every difference no migration declared.
"""

from __future__ import annotations

from typing import Any

import yaml

from autofix.changes import Change, apply_change, copy_data
from autofix.errors import VerificationError
from autofix.loader import safe_load as load


def strict_equal(a: Any, b: Any) -> bool:
    """Equal all the way down, types included (`1` is not `true`); NaN equals NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return False
        for k, x in a.items():
            y = b[k]
            if x.__class__ is str:  # most values: compared here, without a call
                if y.__class__ is not str or x != y:
                    return False
            elif not strict_equal(x, y):
                return False
        return True
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b  # .nan: the same value on both sides although nan != nan
    return a == b


def expected_data(old: Any, changes: list[Change], *, in_place: bool = False) -> Any:
    expected = old if in_place else copy_data(old)
    for change in changes:
        apply_change(expected, change)
    return expected


def verify(
    old_text: str, new_text: str, changes: list[Change], *, old_data: Any = None, new_data: Any = None
) -> None:
    """Raise VerificationError unless new_text == old_text plus exactly the declared changes.

    `old_data`/`new_data`, when given, are those texts as PyYAML already loaded them (the runner has
    them from the Document's own parses); `old_data` is then consumed.
    """
    if new_data is None:
        try:
            new_data = load(new_text)
        except yaml.YAMLError as exc:
            raise VerificationError(f"the fixed config does not parse ({exc}); nothing was written") from None
    new = new_data
    expected = (
        expected_data(old_data, changes, in_place=True)
        if old_data is not None
        else expected_data(load(old_text), changes)
    )
    if strict_equal(expected, new):
        return
    from deepdiff import DeepDiff  # only needed to explain a failure

    diff = DeepDiff(expected, new, verbose_level=2)
    lines = []
    for kind, items in diff.items():
        entries = items.items() if isinstance(items, dict) else ((i, None) for i in items)
        for where, _ in list(entries)[:10]:
            lines.append(f"{kind.replace('_', ' ')} at {where}")
    detail = "; ".join(lines[:10]) or "the parsed data differs"
    raise VerificationError(
        f"the fix would change what no migration declared ({detail}); nothing was written"
    )
