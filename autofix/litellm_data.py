"""Facts about LiteLLM 1.110.2, generated from its source by scripts/gen_litellm_data.py.

Loaded lazily (the file is ~260 KB) and only by the migrations that need it. `names()` answers for
the target release (`--target-version`, autofix/versions.py): for an older one, the same list
comes from autofix/data/versions.json. The context windows are 1.110.2's for every target.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from autofix import versions

FILE = "litellm_1.110.2.json"


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    return json.loads((versions.DATA / FILE).read_text(encoding="utf-8"))


def version() -> str:
    return data()["litellm_version"]


def names(key: str) -> frozenset[str]:
    """A list-valued entry as a set (e.g. 'known_custom_logger_callbacks'), for the target release.

    Lists versions.json does not carry per release (e.g. 'top_level_warned_keys') are 1.110.2's for
    every target."""
    return _names(key, versions.target())


@lru_cache(maxsize=512)
def _names(key: str, target: str) -> frozenset[str]:
    if target == data()["litellm_version"] or key not in versions.CATEGORY_OF:
        return frozenset(data()[key])
    return versions.surface(versions.CATEGORY_OF[key], target)


def context_window(model: str) -> int | None:
    """max_input_tokens of a model key in LiteLLM's bundled model map, or None when unknown."""
    value = data()["context_windows"].get(model)
    return value if isinstance(value, int) and value > 0 else None


# ---- what LiteLLM reads ----------------------------------------------------------------------------

GS, LS, RS = "general_settings", "litellm_settings", "router_settings"


def read_sets() -> dict[str, frozenset[str]]:
    """The keys the target release reads: top-level sections and the keys of the three settings sections."""
    return _read_sets(versions.target())


@lru_cache(maxsize=8)
def _read_sets(target: str) -> dict[str, frozenset[str]]:
    # an imported name counts only when code reads it back as litellm.NAME: setattr(litellm, ...) rebinds
    # the module attribute, not the name its own module reads (`log_level`: litellm/_logging.py:716);
    # that list is known for the newest release only, older targets count every imported name
    imported = (
        names("litellm_imported_names_read")
        if target == data()["litellm_version"]
        else names("litellm_module_imported_names")
    )
    litellm_attrs = names("litellm_module_globals") | imported
    litellm_attrs |= names("litellm_lazy_attributes") | names("litellm_getattr_read")
    return {
        "sections": names("top_level_sections"),
        RS: names("router_settings_keys"),
        LS: names("litellm_settings_special") | names("litellm_settings_read") | litellm_attrs,
        "litellm_globals": names("litellm_module_globals"),
        GS: names("general_settings_read")
        | names("general_settings_declared")
        | names("general_settings_read_indirect"),
    }


@lru_cache(maxsize=1)
def _gs_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in data()["general_settings_read_patterns"])


def section_is_read(name: str) -> bool:
    """Does LiteLLM read this top-level section?"""
    return name in read_sets()["sections"]


def key_is_read(section: str, key: str) -> bool:
    """Does LiteLLM read this key of general_settings / litellm_settings / router_settings?"""
    return _key_is_read(section, key, versions.target())


@lru_cache(maxsize=8192)  # asked for every key of the three sections by several fixes, twice a run
def _key_is_read(section: str, key: str, target: str) -> bool:
    if section == GS:
        return key in _read_sets(target)[GS] or any(p.fullmatch(key) for p in _gs_patterns())
    if section in (LS, RS):
        return key in _read_sets(target)[section]
    return True


def litellm_settings_names() -> frozenset[str]:
    """The names a person writes under litellm_settings: the lower-case ones of read_sets()[LS] (those with
    their own handling, those the proxy reads, and the attributes of the litellm module it sets)."""
    return frozenset(n for n in read_sets()[LS] if n == n.lower() and not n.startswith("_"))


def setting_schema(section: str, key: str) -> dict[str, Any] | None:
    """What the source says about a setting: {"schema": JSON Schema fragment, "description", "where"}.

    `section` is "" for a top-level key. None when the source types nothing for it."""
    return data()["setting_types"].get(section, {}).get(key)
