"""A JSON Schema (draft 2020-12) of the LiteLLM proxy config, built from the generated data file.

The same facts the checks use (`autofix/data/litellm_<version>.json`): the top-level sections the proxy
reads, the keys of `router_settings`, `litellm_settings` and `general_settings`, the type of each key
where LiteLLM's source types it, enumerations (`routing_strategy`, `optional_pre_call_checks`, the cache
`type`, `alert_types`, `alerting` channels...) and the descriptions the source has. An unknown section
or key is rejected (LiteLLM would ignore it), so an editor flags a misspelling as it is typed.

A typed value may always be an `os.environ/NAME` reference (LiteLLM resolves it at start-up).
"""

from __future__ import annotations

import copy
from typing import Any

from autofix.litellm_data import GS, LS, RS, data, litellm_settings_names, names, setting_schema, version

DRAFT = "https://json-schema.org/draft/2020-12/schema"
REFERENCE = {"type": "string", "pattern": "^os\\.environ/"}


def _property(section: str, key: str) -> dict[str, Any]:
    spec = setting_schema(section, key) or {}
    out: dict[str, Any] = {}
    fragment = spec.get("schema")
    if fragment and fragment != {"type": "null"}:
        out = {"anyOf": [copy.deepcopy(fragment), REFERENCE]}
    if spec.get("description"):
        out["description"] = spec["description"]
    return out


def _callback_list() -> dict[str, Any]:
    """A callback list: known names, Python paths (`module.instance`), s3:// and gcs:// paths, references."""
    known = names("known_custom_logger_callbacks") | names("callback_special_hooks")
    known |= names("generic_api_compatible_callbacks") | names("legacy_success_callbacks")
    name = {"anyOf": [{"enum": sorted(known)}, {"type": "string", "pattern": "[./]"}]}
    item = {"anyOf": [name, {"not": {"type": "string"}}]}
    return {"anyOf": [{"type": "array", "items": item}, name, {"type": "null"}]}


def _section(section: str, keys, patterns=()) -> dict[str, Any]:
    props = {k: _property(section, k) for k in sorted(keys)}
    out: dict[str, Any] = {"type": ["object", "null"], "properties": props, "additionalProperties": False}
    if patterns:
        out["patternProperties"] = {f"^(?:{p})$": {} for p in patterns}
    return out


def _enumerated(schema: dict, key: str, values: list[str], *, array: bool) -> None:
    enum = {"enum": sorted(values)}
    schema["properties"][key] = {
        **{k: v for k, v in schema["properties"].get(key, {}).items() if k == "description"},
        "anyOf": [{"type": "array", "items": {"anyOf": [enum, REFERENCE]}}, enum, REFERENCE, {"type": "null"}]
        if array
        else [enum, REFERENCE, {"type": "null"}],
    }


def build() -> dict[str, Any]:
    """The schema, as a JSON-serialisable dict."""
    top_types = data()["setting_types"].get("", {})
    router = _section(RS, names("router_settings_keys"))
    general = _section(
        GS,
        names("general_settings_read")
        | names("general_settings_declared")
        | names("general_settings_read_indirect"),
        data()["general_settings_read_patterns"],
    )
    litellm = _section(LS, litellm_settings_names())
    _enumerated(general, "alerting", sorted(names("alerting_channels")), array=True)
    for key in ("callbacks", "success_callback", "failure_callback"):
        described = {k: v for k, v in litellm["properties"].get(key, {}).items() if k == "description"}
        litellm["properties"][key] = {**described, **_callback_list()}
    cache_params = litellm["properties"].setdefault("cache_params", {})
    cache_params.update(
        {
            "type": ["object", "null"],
            "properties": {"type": {"anyOf": [{"enum": sorted(names("cache_types"))}, REFERENCE]}},
        }
    )
    deployment = {
        "type": "object",
        "properties": {
            "model_name": {"type": "string", "description": "the model group name clients request"},
            "litellm_params": {"type": "object", "description": "how LiteLLM calls the deployment"},
            "model_info": {"type": ["object", "null"], "description": "metadata: id, mode, base_model, ..."},
        },
        "required": ["model_name"],
        "additionalProperties": False,
    }
    # LiteLLM's Deployment keeps extra keys; these two are read at the deployment's top level (rpm/tpm
    # weights) and the admin UI's pause flag
    for key, kind in (("rpm", "integer"), ("tpm", "integer"), ("blocked", "boolean")):
        deployment["properties"][key] = {"anyOf": [{"type": [kind, "null"]}, REFERENCE]}
    properties: dict[str, Any] = {}
    for section in sorted(names("top_level_sections")):
        spec = top_types.get(section) or {}
        prop: dict[str, Any] = {}
        if spec.get("description"):
            prop["description"] = spec["description"]
        properties[section] = prop
    properties[RS] = {**properties.get(RS, {}), **router}
    properties[LS] = {**properties.get(LS, {}), **litellm}
    properties[GS] = {**properties.get(GS, {}), **general}
    properties["model_list"] = {
        **properties.get("model_list", {}),
        "type": ["array", "null"],
        "items": deployment,
    }
    return {
        "$schema": DRAFT,
        "title": f"LiteLLM {version()} proxy config",
        "description": (
            f"The sections and keys the LiteLLM {version()} proxy reads, generated by autofix from LiteLLM's "
            "source. An unknown key is one LiteLLM ignores."
        ),
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
