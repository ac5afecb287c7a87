"""The values X6 checks: enumerated settings (routing strategies, callback names, cache types, alert
channels, ...) holding a value LiteLLM does not know, settings LiteLLM types as an integer, a number or
a boolean holding a string or another type, and model_group_alias entries LiteLLM cannot read. Each is
renamed to the one valid value meant (with --unsafe-fixes) or reported with what LiteLLM does with it.
Not a migration itself (the registry skips `_` modules)."""

from __future__ import annotations

from typing import Any

from autofix.changes import MISSING, format_path
from autofix.litellm_data import GS, LS, RS, key_is_read, names, setting_schema
from autofix.suggest import nearest
from autofix.values import listed, show

SECTIONS = (RS, LS, GS)
CALLBACK_LISTS = ("callbacks", "success_callback", "failure_callback")
TRUE_WORDS, FALSE_WORDS = ("true", "yes", "on"), ("false", "no", "off")

# What LiteLLM does with a value it does not know, per setting (the rest: ENUM_EFFECT)
EFFECTS = {
    (RS, "routing_strategy"): "the proxy refuses to start (ValueError: Invalid routing_strategy, "
    "litellm/litellm_core_utils/routing_groups.py:30)",
    (RS, "optional_pre_call_checks"): "LiteLLM ignores it: the router builds no check for that name "
    "(litellm/router_rust/steps/callbacks.py:290-321)",
    (
        GS,
        "alerting",
    ): "no alert goes to it (litellm/proxy/utils.py:3954-3965 sends only to the channels it knows)",
    (GS, "alert_types"): "LiteLLM never sends an alert of that type",
    (LS, "callbacks"): "LiteLLM imports it as a Python module and the proxy does not start",
    (LS, "success_callback"): "LiteLLM drops it without a message, so nothing is logged there",
    (LS, "failure_callback"): "LiteLLM drops it without a message, so nothing is logged there",
    (LS, "cache_params", "type"): "the proxy does not start (the cache cannot be built)",
}
ENUM_EFFECT = "LiteLLM compares it only with its known values, so it acts as none of them"


def _enum_of(schema: dict | None) -> tuple[list, bool] | None:
    """(valid values, is a list of them) from a schema fragment, or None when it enumerates nothing."""
    if not schema:
        return None
    if "enum" in schema:
        return [v for v in schema["enum"] if v is not None], False
    for part in [schema, *schema.get("anyOf", [])]:
        items = part.get("items") if isinstance(part, dict) else None
        if isinstance(items, dict) and "enum" in items:
            return [v for v in items["enum"] if v is not None], True
    return None


def _enumerations(doc) -> list[tuple[tuple, list[str], bool]]:
    """(path, valid values, is a list) for every enumerated setting present in the file."""
    out = []
    for section in SECTIONS:
        settings = doc.get((section,))
        if not isinstance(settings, dict):
            continue
        for key in settings:
            if not isinstance(key, str):
                continue
            spec = setting_schema(section, key)
            enum = _enum_of(spec.get("schema") if spec else None)
            if enum and all(isinstance(v, str) for v in enum[0]):
                out.append(((section, key), enum[0], enum[1]))
    callbacks = callback_names()
    legacy = sorted(set(callbacks) | names("legacy_success_callbacks"))
    out.append(((LS, "callbacks"), callbacks, True))
    out += [((LS, key), legacy, True) for key in CALLBACK_LISTS[1:]]
    out.append(((LS, "cache_params", "type"), sorted(names("cache_types")), False))
    out.append(((GS, "alerting"), sorted(names("alerting_channels")), True))
    return out


def callback_names() -> list[str]:
    """The bare names litellm_settings.callbacks accepts."""
    return sorted(
        names("known_custom_logger_callbacks")
        | names("callback_special_hooks")
        | names("generic_api_compatible_callbacks")
    )


def defined_callbacks(doc) -> set[str]:
    """Names defined in callback_settings (generic API callbacks), valid in the callback lists too."""
    found = set()
    for path in (("callback_settings",), (LS, "callback_settings")):
        value = doc.get(path)
        if isinstance(value, dict):
            found |= {k for k in value if isinstance(k, str)}
    return found


def check_values(ctx) -> None:
    doc = ctx.doc
    defined = defined_callbacks(doc)
    for path, valid, is_list in _enumerations(doc):
        value = doc.get(path)
        if value is MISSING or value is None:
            continue
        callback = path[:1] == (LS,) and path[-1] in CALLBACK_LISTS
        if is_list:
            if isinstance(value, str) and not callback:
                items = [(path, value)]
            elif isinstance(value, list):
                items = [((*path, i), v) for i, v in enumerate(value)]
            else:
                continue
        else:
            items = [(path, value)]
        for where, item in items:
            if not isinstance(item, str) or item in valid or (callback and custom_callback(item, defined)):
                continue
            if item.startswith("os.environ/"):
                continue  # resolved at start-up: its value is not in the file
            _bad_value(ctx, path, where, item, valid, callback)


def custom_callback(name: str, defined: set[str]) -> bool:
    return (
        name in defined
        or "." in name
        or name.startswith(("s3://", "gcs://"))
        or name.startswith("os.environ/")
    )


def _bad_value(ctx, setting: tuple, where: tuple, item: str, valid: list[str], callback: bool) -> None:
    effect = EFFECTS.get(setting, ENUM_EFFECT)
    guess = nearest(item, valid)
    what = f"{format_path(where)} = {show(item)} is not a value LiteLLM knows: {effect}"
    if guess is None:
        if callback or setting == (LS, "cache_params", "type"):
            return  # G5 and G4 report these, with what to do
        ctx.warn(what, where, manual=f"use one of: {listed(valid, 12)}")
        return
    if not ctx.allow_unsafe(
        f"{what}; did you mean {guess}? Would change it to {show(guess)}", where, manual=f"write {guess}"
    ):
        return
    ctx.doc.set(where, guess)
    ctx.report(
        f"{format_path(where)}: {show(item)} → {show(guess)}, a value LiteLLM knows (before: {effect})", where
    )


def check_types(ctx) -> None:
    doc = ctx.doc
    for section in SECTIONS:
        settings = doc.get((section,))
        if not isinstance(settings, dict):
            continue
        for key, value in list(settings.items()):
            if not isinstance(key, str) or not key_is_read(section, key):
                continue
            spec = setting_schema(section, key)
            kinds = _scalarcheck_types(spec.get("schema") if spec else None)
            if not kinds:
                continue
            _check_type(ctx, (section, key), value, kinds, spec["where"])


def _scalarcheck_types(schema: dict | None) -> set[str] | None:
    """{"integer"/"number"/"boolean"} when the setting is only that (or null), else None."""
    if not schema or set(schema) != {"type"}:
        return None
    kinds = {schema["type"]} if isinstance(schema["type"], str) else set(schema["type"])
    kinds.discard("null")
    return kinds if kinds and kinds <= {"integer", "number", "boolean"} and len(kinds) == 1 else None


def _number(text: str) -> int | float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


def _check_type(ctx, path: tuple, value: Any, kinds: set[str], where: str) -> None:
    kind = next(iter(kinds))
    name = {"integer": "an integer", "number": "a number", "boolean": "a boolean"}[kind]
    typed = f"{where} types it as {name}"
    converted: Any = MISSING
    if isinstance(value, str):
        if value.startswith("os.environ/"):
            return
        if kind == "boolean":
            word = value.strip().lower()
            converted = True if word in TRUE_WORDS else False if word in FALSE_WORDS else MISSING
            effect = (
                "LiteLLM uses the string as written, and any non-empty string counts as true, 'false' too"
            )
        else:
            number = _number(value)
            if number is not None and (kind == "number" or isinstance(number, int)):
                converted = number
            effect = (
                "LiteLLM uses the string as written, which fails (TypeError) where the value is compared or "
                "counted, at start-up or on the request that reaches it"
            )
    elif kind == "integer" and isinstance(value, float) and not value.is_integer():
        effect = "LiteLLM uses it as written where it counts whole times"
    elif kind != "boolean" and isinstance(value, bool):
        effect = "LiteLLM uses it as 1 or 0"
    elif kind == "boolean" and isinstance(value, int | float) and not isinstance(value, bool):
        effect = "LiteLLM uses it as written: any number but 0 counts as true"
    else:
        return
    what = f"{format_path(path)} is {show(value)}, where LiteLLM reads {name} ({typed}); {effect}"
    if converted is MISSING and path[0] == LS and isinstance(value, str):
        # litellm module settings: some are typed only by their default (True, 600), and several take a
        # text too (ssl_verify: a CA bundle path); only a string that is plainly a number or a boolean is a slip
        return
    if converted is MISSING:
        ctx.warn(what, path, manual=f"write {format_path(path)} as {name}")
        return
    if not ctx.allow_unsafe(
        f"{what}. Would write {show(converted)}", path, manual=f"write {show(converted)} without quotes"
    ):
        return
    ctx.doc.set(path, converted)
    ctx.report(
        f"{format_path(path)}: {show(value)} → {show(converted)}, {name} as LiteLLM reads it ({typed})", path
    )


def check_aliases(ctx) -> None:
    aliases = ctx.doc.get((RS, "model_group_alias"))
    if not isinstance(aliases, dict):
        return
    for alias, target in aliases.items():
        if isinstance(target, str | list):  # a list is X1's
            continue
        if isinstance(target, dict) and isinstance(target.get("model"), str):
            continue
        path = (RS, "model_group_alias", alias)
        ctx.warn(
            f"{format_path(path)} is {show(target) if not isinstance(target, dict) else 'a mapping without a model'}; "
            "LiteLLM reads an alias as a model group name or {model: name, hidden: true|false} "
            f"({setting_schema(RS, 'model_group_alias')['where']}), so requests to it fail",
            path,
            manual=f"write {alias}: <model_name of a deployment>",
        )
