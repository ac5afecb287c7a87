"""## What it does
Cleans up `litellm_settings` logging:
- removes `set_verbose: false` (and an empty `set_verbose`); `set_verbose: true` is removed only as an
  unsafe fix, with `LITELLM_LOG=DEBUG` / `--detailed_debug` reported as its replacement;
- sets `json_logs: true` when it is absent (a quoted `"true"` becomes `true`; an explicit `false` is
  left alone and reported);
- completes a `callback_settings` entry meant as an HTTP sink that a callback list names, when the
  config holds its URL: `url` (or `webhook_url`) becomes `endpoint`, and `callback_type: generic_api`
  and `headers: {}` are added (unsafe);
- removes from `callbacks` the bare names LiteLLM cannot load (`webhook` without a sink it can
  complete, typos, ...), and the key when nothing loadable is left; turns a single known name
  (`callbacks: prometheus`) into a list;
- moves `litellm_settings.callback_settings` to the top level, where LiteLLM reads it;
- reports unknown names in `success_callback`/`failure_callback`, and the working form of an HTTP
  sink when the config tries to use `webhook`.

## Why is this bad?
`set_verbose` is deprecated: with `true`, every call logs a deprecation warning. Without `json_logs`
the proxy's logs are not machine-readable. A bare name in `callbacks` that LiteLLM does not know is
imported as a Python module and the proxy does not start (`ValueError: Empty module name`); a single
string in `callbacks` is always imported that way, even `prometheus`. In `success_callback` and
`failure_callback` an unknown name is dropped without any message, so nothing is logged. `webhook`
is not a callback at all (only a `general_settings.alerting` value): an HTTP sink is a top-level
`callback_settings` entry with `callback_type: generic_api` and both `endpoint` and `headers`
(`litellm_core_utils/logging_callback_manager.py` `add_custom_callback_generic_api_str`: without either
it warns and keeps the bare name, which `callbacks` then imports as a module and the proxy exits).

## Example
```yaml
litellm_settings:
  set_verbose: false
  callbacks: ["prometheus", "webhook"]
  callback_settings:
    webhook:
      url: https://hooks.example.com/litellm
```
Use instead (the sink completion is an unsafe fix: without `--unsafe-fixes` it is pending, the proxy
does not start and `--check` exits 1):
```yaml
litellm_settings:
  callbacks: ["prometheus", "webhook"]
  json_logs: true
callback_settings:
  webhook:
    callback_type: generic_api
    endpoint: https://hooks.example.com/litellm
    headers: {}
```
Without a URL in `callback_settings.webhook`, `webhook` is removed from `callbacks` instead, so the proxy
starts, and the working form of the sink is reported.

## Fix safety
Safe, except the removal of `set_verbose: true` (or any other truthy value), which turns off the
verbose prints some code paths make: unsafe. A name is removed from `callbacks` only when it is
certainly invalid: it has no dot, is no `s3://`/`gcs://` path, and is none of LiteLLM 1.110's
custom-logger names, proxy hooks (`presidio`, the moderation hooks, ...), generic-API names, or complete
`generic_api` sinks in `callback_settings`; such a config does not start, so removing the name cannot
break a working proxy. A name whose sink can be completed is kept while the completion is hidden, and
counts as pending. Unknown names in `success_callback`/`failure_callback` are only reported: they are
harmless (dropped) and may be meant for another LiteLLM version. Moving `callback_settings` is safe:
under `litellm_settings` LiteLLM only assigns it when its loop reaches the key, so callbacks listed
before it never see their settings and `callbacks` hooks never get it as their parameters; at the top
level it is read before any callback is built, and ends up as the same value. Its comments move with
it. It is not moved (only reported) when a top-level `callback_settings` exists, since the nested
one would replace it at runtime. Completing an HTTP sink is
unsafe: a generic_api sink sends every request's data to that endpoint, which needs the user's consent;
when `callbacks` names it the proxy does not start until then, so the hidden fix counts as pending.
"""

from autofix import litellm_data
from autofix.changes import MISSING
from autofix.errors import EditRefused
from autofix.values import LS, names, show

ID = "G5"
SLUG = "logging"
PRIORITY = "p1"
SAFETY = "mixed"
TITLE = "Logging: no set_verbose, json_logs on, only loadable callbacks, top-level callback_settings"

VERBOSE = (LS, "set_verbose")
JSON_LOGS = (LS, "json_logs")
CALLBACKS = (LS, "callbacks")
EVENT_LISTS = ("success_callback", "failure_callback")
NESTED = (LS, "callback_settings")
TOP = ("callback_settings",)
TRUE_STRINGS = {"true", "yes", "on", "y"}
SINK_NAME = "my_webhook"
SINK_KEYS = {"callback_type", "endpoint", "headers", "url", "webhook_url"}
REPLACEMENT = "set the env var LITELLM_LOG=DEBUG (or INFO), or start the proxy with --detailed_debug"


def _builtin(key):
    return litellm_data.names(key)


def _defined_names(doc):
    """Names given a meaning by a callback_settings block (top level, or still nested)."""
    names = set()
    for path in (TOP, NESTED):
        block = doc.get(path)
        if isinstance(block, dict):
            names |= {k for k in block if isinstance(k, str)}
    return names


def _is_python_path(name):
    return "." in name or name.startswith(("s3://", "gcs://"))


def _suggestion(name, valid):
    guess = name.strip().lower().replace("-", "_").replace(" ", "_")
    return f" (did you mean {guess!r}?)" if guess != name and guess in valid else ""


def _set_verbose(ctx):
    doc = ctx.doc
    value = doc.get(VERBOSE)
    if value is MISSING:
        return
    if not value:  # false, null, 0, "": what LiteLLM does anyway
        doc.delete(VERBOSE, prune_empty=True)
        ctx.report(
            f"removed litellm_settings.set_verbose: {show(value)}: deprecated, and off is the default",
            VERBOSE,
        )
        return
    if ctx.allow_unsafe(
        f"remove litellm_settings.set_verbose: {show(value)} (deprecated: a warning on every call)",
        VERBOSE,
        manual=f"remove it; for debug logs, {REPLACEMENT}",
    ):
        doc.delete(VERBOSE, prune_empty=True)
        ctx.report(
            f"removed litellm_settings.set_verbose: {show(value)}: deprecated, it logs a warning on every call",
            VERBOSE,
            manual=f"for debug logs, {REPLACEMENT}",
        )


def _json_logs(ctx):
    doc = ctx.doc
    value = doc.get(JSON_LOGS)
    if value is True:
        return
    if value is MISSING or value is None:
        doc.set(JSON_LOGS, True)
        ctx.report("set litellm_settings.json_logs: true: the proxy logs one JSON object per line", JSON_LOGS)
    elif value is False:
        ctx.report(
            "litellm_settings.json_logs is false: logs are plain text, not machine-readable",
            JSON_LOGS,
            manual="set litellm_settings.json_logs: true unless something parses the text format",
        )
    elif isinstance(value, str) and value.strip().lower() in TRUE_STRINGS:
        doc.set(JSON_LOGS, True)
        ctx.report(
            f"json_logs {value!r} became true: LiteLLM only turns JSON logs on for the YAML boolean true",
            JSON_LOGS,
        )
    else:
        ctx.warn(
            f"litellm_settings.json_logs is {show(value)}: LiteLLM only turns JSON logs on for the YAML boolean true",
            JSON_LOGS,
            manual="write json_logs: true (or false) without quotes",
        )


def _move_callback_settings(ctx):
    """Move litellm_settings.callback_settings to the top level with its comments: True when moved,
    else MISSING."""
    doc = ctx.doc
    nested = doc.get(NESTED)
    if nested is MISSING:
        return MISSING
    top = doc.get(TOP)
    if top is not MISSING and top is not None:
        ctx.warn(
            "litellm_settings.callback_settings is not read where LiteLLM builds callbacks, and it replaces the "
            "top-level callback_settings once the litellm_settings loop reaches it",
            NESTED,
            manual="merge its entries into the top-level callback_settings and delete it from litellm_settings",
        )
        return MISSING
    try:
        if nested is None or nested == {}:
            doc.delete(NESTED, prune_empty=True)
        else:
            doc.move(NESTED, TOP)  # the block above it, its inline comment and those inside go along
    except EditRefused as exc:
        ctx.warn(
            f"callback_settings belongs at the top level, not under litellm_settings (not moved: {exc.reason})",
            NESTED,
            manual="move the callback_settings block out of litellm_settings to the top level",
        )
        return MISSING
    if nested is None or nested == {}:
        ctx.report("removed an empty litellm_settings.callback_settings", NESTED)
        return MISSING
    ctx.report(
        "moved callback_settings from litellm_settings to the top level, where LiteLLM reads it before building "
        "callbacks",
        NESTED,  # gone from the fixed file: the finding points at its line in the original
    )
    return True


def _url_key(entry):
    """The key holding the sink's URL when the entry can be completed as a generic_api sink, else None.

    Completable: no other callback_type, and an endpoint (or a url/webhook_url to become it) that is a
    non-empty string.
    """
    if entry.get("callback_type") not in (None, "generic_api"):
        return None
    for key in ("endpoint", "url", "webhook_url"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return key
        if key == "endpoint" and value is not None:
            return None  # an endpoint that is not a URL: the user's to fix
    return None


def _complete_in_place(doc, path, entry, url_key):
    """Complete the entry at `path` with span edits, keeping its comments and its block or flow style."""
    if url_key != "endpoint":
        doc.rename((*path, url_key), "endpoint")
    if entry.get("callback_type") != "generic_api":
        doc.set((*path, "callback_type"), "generic_api")
    if entry.get("headers") is None:
        doc.set((*path, "headers"), {})


def _on_disk(path, moved):
    """The path of an entry of the top-level callback_settings in the file on disk: under litellm_settings
    when this run moved the block there (a finding's line is the line on disk)."""
    return (*NESTED, *path[1:]) if moved is not MISSING and path[0] == TOP[0] else path


def _complete_sinks(ctx, half_done, moved):
    """Complete the half-done sinks a callback list names (unsafe): name → True (done) or False (hidden).

    Names in `callbacks` stop the proxy from starting until the sink is complete, so a hidden completion
    of one of them counts as pending.
    """
    out = {}
    for name, (path, entry, _missing) in half_done.items():
        used_in = _lists_with(ctx.doc, name)
        url_key = _url_key(entry)
        if not used_in or url_key is None or path[0] != TOP[0]:
            continue  # nothing names it, no URL to send to, or still nested (its move is reported)
        fatal = "callbacks" in used_in
        disk = _on_disk(path, moved)  # where the user finds it: its old place when it moved
        where = " and ".join(f"litellm_settings.{k}" for k in used_in)
        steps = [f"{url_key} → endpoint"] if url_key != "endpoint" else []
        steps += ["headers: {}"] if entry.get("headers") is None else []
        steps += ["callback_type: generic_api"] if entry.get("callback_type") != "generic_api" else []
        steps = ", ".join(steps)
        description = (
            f"complete callback_settings.{name} as a generic_api sink ({steps}): LiteLLM then POSTs the log of "
            f"every request to that endpoint ({name!r} is in {where})"
        )
        if not ctx.allow_unsafe(
            description, disk, manual=_sink_manual(name, entry, used_in), blocks_startup=fatal
        ):
            out[name] = False
            continue
        try:
            _complete_in_place(ctx.doc, path, entry, url_key)
        except EditRefused as exc:
            ctx.warn(
                f"callback_settings.{name} could not be completed as a generic_api sink: {exc.reason}",
                disk,
                manual=_sink_manual(name, entry, used_in),
                blocks_startup=fatal,
            )
            out[name] = False
            continue
        ctx.report(
            f"completed callback_settings.{name} as a generic_api sink ({steps}): {name!r} in {where} now "
            "sends logs to its endpoint"
            + ("; before, the proxy did not start (Empty module name)" if fatal else ""),
            disk,
            manual="add the endpoint's auth headers under headers, if it needs any"
            if entry.get("headers") is None
            else None,
        )
        out[name] = True
    return out


def _callbacks(ctx, valid):
    doc = ctx.doc
    value = doc.get(CALLBACKS)
    crash = (
        "LiteLLM imports it as a Python module and the proxy does not start (ValueError: Empty module name)"
    )
    if isinstance(value, str):
        if _is_python_path(value) or ctx.claimed(CALLBACKS):  # a misspelling X6 renames is never deleted
            return
        if value in valid:
            doc.set(CALLBACKS, [value])
            ctx.report(
                f"litellm_settings.callbacks {value!r} became a list: a single string is always imported as a "
                "Python module, so the proxy did not start",
                CALLBACKS,
            )
        else:
            doc.delete(CALLBACKS, prune_empty=True)
            ctx.report(
                f"removed litellm_settings.callbacks: {value!r}: not a LiteLLM callback name; {crash}"
                + _suggestion(value, valid),
                CALLBACKS,
            )
        return
    if value is None:
        ctx.warn(
            "litellm_settings.callbacks is empty (null): LiteLLM tries to import it and the proxy does not start",
            CALLBACKS,
            manual="delete the callbacks key, or write callbacks: []",
            blocks_startup=True,
        )
        return
    if not isinstance(value, list):
        return
    bad = [
        (i, v)
        for i, v in enumerate(value)
        if isinstance(v, str)
        and not _is_python_path(v)
        and v not in valid
        and not ctx.claimed((*CALLBACKS, i))
    ]
    if not bad:
        return
    if len(bad) == len(value):
        doc.delete(CALLBACKS, prune_empty=True)
    else:
        # highest index first: each deletion leaves the indexes of the earlier items valid
        for i, _ in reversed(bad):
            doc.delete((*CALLBACKS, i))
    for i, name in bad:
        ctx.report(
            f"removed {name!r} from litellm_settings.callbacks: not a LiteLLM callback name; {crash}"
            + _suggestion(name, valid),
            (*CALLBACKS, i),
        )


def _event_lists(ctx, valid, hooks, half_done):
    doc = ctx.doc
    for key in EVENT_LISTS:
        path = (LS, key)
        value = doc.get(path)
        if isinstance(value, str):
            ctx.warn(
                f"litellm_settings.{key} is a string: LiteLLM reads it letter by letter, so nothing is logged",
                path,
                manual=f"write a list: {key}: [{value}]",
            )
            continue
        if not isinstance(value, list):
            continue
        for i, name in enumerate(value):
            if not isinstance(name, str) or _is_python_path(name) or name in valid or name in half_done:
                continue  # a half-done sink gets its own report
            if name == "webhook":
                continue  # reported with the working form of an HTTP sink
            if name in hooks:
                ctx.report(
                    f"{name!r} in litellm_settings.{key} does nothing: it is a proxy hook, loaded only from "
                    "litellm_settings.callbacks",
                    (*path, i),
                    manual=f"move {name!r} to litellm_settings.callbacks",
                )
                continue
            ctx.report(
                f"{name!r} in litellm_settings.{key} is not a LiteLLM callback name: LiteLLM drops it without a "
                "message and nothing is logged (harmless, so it is left in place)" + _suggestion(name, valid),
                (*path, i),
                manual=f"remove {name!r} from {key}, or replace it with the callback you meant",
            )


def _is_sink(entry):
    return (
        isinstance(entry, dict)
        and entry.get("callback_type") == "generic_api"
        and entry.get("endpoint") is not None
        and entry.get("headers") is not None
    )


def _half_done_sinks(blocks, builtin):
    """callback_settings entries meant as an HTTP sink that LiteLLM cannot use: name → (path, entry, missing)."""
    out = {}
    for path, block in blocks:
        if not isinstance(block, dict):
            continue
        for name, entry in block.items():
            if not isinstance(name, str) or name in builtin or not isinstance(entry, dict) or _is_sink(entry):
                continue
            if name != "webhook" and not SINK_KEYS & set(entry):
                continue  # settings for something else (a custom logger's own options)
            missing = [] if entry.get("callback_type") == "generic_api" else ["callback_type: generic_api"]
            missing += [k for k in ("endpoint", "headers") if entry.get(k) is None]
            out.setdefault(name, ((*path, name), entry, missing))
    return out


def _lists_with(doc, name):
    return [key for key in ("callbacks", *EVENT_LISTS) if name in names(doc.get((LS, key)))]


def _sink_manual(name, entry, used_in, *, replacing=None):
    endpoint = "<url>"
    if entry.get("endpoint") is None and entry.get("url") is not None:
        endpoint = f"<the url of callback_settings.{name}>"
    elif entry.get("endpoint") is not None:
        endpoint = "<its endpoint>"
    where = " and ".join(f"litellm_settings.{k}" for k in used_in)
    success = "success_callback" in used_in or "callbacks" in used_in
    failure = "failure_callback" in used_in or "callbacks" in used_in
    if not used_in:
        lists = f"list {name!r} in litellm_settings.success_callback and failure_callback (or callbacks, for both)"
    else:
        lists = (
            f"put {name!r} where {replacing!r} was ({where})" if replacing else f"keep {name!r} in {where}"
        )
        if not failure:
            lists += " (and in failure_callback, for errors too)"
        elif not success:
            lists += " (and in success_callback, for successes too)"
    return (
        f"at the top level, callback_settings: {{{name}: {{callback_type: generic_api, endpoint: {endpoint}, "
        f"headers: {{...}}}}}} (endpoint and headers are both required; headers: {{}} if none), then {lists}"
    )


def _sink_reports(ctx, webhook_in, half_done, handled, moved):
    """Report the working form of an HTTP sink wherever the config reaches for one."""
    for name, (path, entry, missing) in half_done.items():
        if name in handled:
            continue  # completed, or its completion reported as an unsafe fix
        url = (
            " (it reads endpoint, not url)" if "endpoint" in missing and entry.get("url") is not None else ""
        )
        used_in = _lists_with(ctx.doc, name)  # after the removal from callbacks, if it was there
        message = (
            f"{'.'.join(path)} is not an HTTP sink LiteLLM can use: it lacks {', '.join(missing)}{url}, "
            "so LiteLLM skips it and nothing is sent"
        )
        ctx.report(message, _on_disk(path, moved), manual=_sink_manual(name, entry, used_in))
    if webhook_in and "webhook" not in half_done:
        where = " and ".join(f"litellm_settings.{k}" for k in webhook_in)
        ctx.report(
            f"'webhook' in {where} is not a LiteLLM callback (only a general_settings.alerting value, for budget "
            "alerts): an HTTP log sink is a top-level callback_settings entry",
            (LS, webhook_in[0]),
            manual=_sink_manual(SINK_NAME, {}, webhook_in, replacing="webhook"),
        )


def fix(ctx):
    doc = ctx.doc
    settings = doc.get((LS,))
    if settings is not MISSING and settings is not None and not isinstance(settings, dict):
        ctx.warn("litellm_settings is not a mapping; LiteLLM cannot read it", (LS,))
        return
    known = _builtin("known_custom_logger_callbacks")
    hooks = _builtin("callback_special_hooks")
    generic = _builtin("generic_api_compatible_callbacks")
    legacy = _builtin("legacy_success_callbacks")
    defined = _defined_names(doc)
    webhook_in = [] if "webhook" in defined else _lists_with(doc, "webhook")
    # json_logs first: the section then keeps a key, so the removals below never empty it (and a
    # section emptied and created again would move to the end of the file)
    _json_logs(ctx)
    _set_verbose(ctx)
    moved = _move_callback_settings(ctx)
    blocks = [(TOP, doc.get(TOP)), (NESTED, doc.get(NESTED))]
    half_done = _half_done_sinks(blocks, known | hooks | generic | legacy)
    handled = _complete_sinks(ctx, half_done, moved)
    # a sink whose completion is hidden stays listed: its fix is pending (the proxy does not start)
    sinks = {n for _, block in blocks if isinstance(block, dict) for n, e in block.items() if _is_sink(e)}
    _callbacks(ctx, known | hooks | generic | sinks | set(handled))
    _event_lists(ctx, known | legacy | generic | defined, hooks, half_done)
    _sink_reports(ctx, webhook_in, half_done, handled, moved)
