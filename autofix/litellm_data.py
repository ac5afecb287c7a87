"""Facts about LiteLLM 1.110.2, generated from its source by scripts/gen_litellm_data.py.

Loaded lazily (the file is ~260 KB) and only by the migrations that need it. `names()` answers for
the target release (`--target-version`, autofix/versions.py): for an older one, the same list
comes from autofix/data/versions.json. The context windows are 1.110.2's for every target.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

FILE = "litellm_1.110.2.json"


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    return json.loads(resources.files("autofix.data").joinpath(FILE).read_text(encoding="utf-8"))


def version() -> str:
    return data()["litellm_version"]


def names(key: str) -> frozenset[str]:
    """A list-valued entry as a set (e.g. 'known_custom_logger_callbacks'), for the target release.

    Lists versions.json does not carry per release (e.g. 'top_level_warned_keys') are 1.110.2's for
    every target."""
    from autofix import versions

    target = versions.target()
    if target == data()["litellm_version"] or key not in versions.CATEGORY_OF:
        return frozenset(data()[key])
    return versions.surface(versions.CATEGORY_OF[key], target)


def context_window(model: str) -> int | None:
    """max_input_tokens of a model key in LiteLLM's bundled model map, or None when unknown."""
    value = data()["context_windows"].get(model)
    return value if isinstance(value, int) and value > 0 else None
