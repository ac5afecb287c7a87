"""## What it does
Makes context-window fallbacks take effect, in the form LiteLLM 1.110 reads:
`router_settings.context_window_fallbacks`, a list of single-key mappings whose values are lists of
model groups (`[{small_group: [bigger_group, ...]}]`).

- Renames `context_window_fallback_dict` (under `router_settings` or `litellm_settings`) to
  `context_window_fallbacks`, rewrites a mapping (`{a: b}` or `{a: [b]}`) into the list form, makes
  string targets lists and splits entries that name several groups. When several of these keys exist
  they are merged, without duplicates, into the one LiteLLM reads.
- When the config has none, derives them from `model_list`: each chat (or completion) model group falls
  back to the groups of the same mode with strictly larger context windows, smallest first. A group's
  window is its smallest deployment's: `model_info.max_input_tokens`, else `litellm_params.num_ctx` for
  Ollama, else LiteLLM's bundled model map (`ollama/<name>` for `ollama_chat/<name>`). Wildcard groups
  and embedding, image, audio... groups are left out.
- A group whose window the config does not give but LiteLLM learns at run time falls back to every
  group whose window is known, smallest first (the pre-call check skips a target the prompt does not
  fit, and the router tries the next). LiteLLM 1.110.2 learns it from the server in two cases:
  `ollama/<name>` served at Ollama's default address (`localhost:11434`, the `context_length` of
  `/api/show`) and `hosted_vllm/<name>` with an `api_base` (the `max_model_len` of that server's
  `/v1/models`). Other groups whose window is unknown are reported: an `ollama/` deployment at another
  address (LiteLLM asks `/api/show` only at `OLLAMA_API_BASE` or `localhost:11434`, never at the
  deployment's `api_base`: its window stays unknown, the prompt is sent to the model and Ollama
  truncates it, so a fallback cannot fire), `ollama_chat/` models (never looked up on a server), and
  OpenAI-compatible servers that report no window.
- Sets `router_settings.enable_pre_call_checks: true`, and an integer `model_info.max_input_tokens` on
  the deployments whose window came from `num_ctx` or the model map. A numeric string or float
  `max_input_tokens` becomes an integer.

## Why is this bad?
`context_window_fallback_dict` is a `completion()` argument: the proxy ignores it under `router_settings`
(with a startup warning) and never reads it under `litellm_settings`. A mapping under
`context_window_fallbacks` is dropped without a message, and a string target makes no fallback happen.
Ollama truncates an over-long prompt silently instead of raising a context-window error, so for Ollama
the fallback only fires when the router checks the window before the call: that needs
`enable_pre_call_checks: true` and a window the router knows, an integer `max_input_tokens` (a string
or a float is ignored). LiteLLM's map has no `ollama_chat/` models at all.

## Example
```yaml
model_list:
  - model_name: small
    litellm_params:
      model: ollama_chat/llama3.1
  - model_name: big
    litellm_params:
      model: ollama_chat/gpt-oss:120b-cloud
      api_base: https://ollama.com
    model_info:
      max_input_tokens: 131072
router_settings:
  context_window_fallback_dict:
    small: big
```
Use instead:
```yaml
model_list:
  - model_name: small
    litellm_params:
      model: ollama_chat/llama3.1
    model_info:
      max_input_tokens: 8192  # ollama/llama3.1 in LiteLLM's map
  - model_name: big
    ...
router_settings:
  context_window_fallbacks:
    - small: [big]
  enable_pre_call_checks: true
```

## Fix safety
Safe: it only repairs keys LiteLLM ignores or drops, and a derived fallback only fires on a request that
would otherwise fail or be truncated. A run-time window is never written into the file (the server
says it, and it may change); proven on the live proxy with a fake Ollama and vLLM server: the fallback
fires for both at the default address, and never for an Ollama elsewhere. Ollama's `/api/show` reports
the model's trained `context_length`, not the `num_ctx` the server serves: a prompt between the two is
truncated, not sent to the fallback, which is reported with the step (`max_input_tokens` set to the
server's `num_ctx`). Nothing is dropped: merged keys are deleted only after their
entries are in the list LiteLLM reads; a value whose shape cannot be read safely is left alone and
reported. A `litellm_settings.context_window_fallbacks` list that works is kept, or moved into
`router_settings` when the router's own list would otherwise hide it. An explicit
`enable_pre_call_checks: false` is reported, not changed (the pre-call check also filters deployments by
region and supported parameters). Windows are never guessed: an unknown one is reported with the step to
set it. Local Ollama serves only `num_ctx` tokens, which may be fewer than the model's window.
"""

from __future__ import annotations

import bisect
import copy
from collections import Counter

from autofix.migrations._context_windows import RUNTIME_OLLAMA, Group, Scan, scan
from autofix.migrations._fallback_lists import group_names, merge, parse, write

from autofix import litellm_data
from autofix.changes import MISSING, format_path
from autofix.errors import EditRefused
from autofix.values import LS, RS, listed

ID = "G7"
SLUG = "context-window-fallbacks"
PRIORITY = "p1"
SAFETY = "safe"
TITLE = "Context-window fallbacks in the list form LiteLLM reads, derived from the model windows"
# Paths this fix migrates: X5 reports them but never deletes them (path -> what this fix does)
OWNS = {
    (
        "router_settings",
        "context_window_fallback_dict",
    ): "rewrites it as router_settings.context_window_fallbacks",
    (
        "litellm_settings",
        "context_window_fallback_dict",
    ): "rewrites it as router_settings.context_window_fallbacks",
}

KEY = "context_window_fallbacks"
OLD_KEY = "context_window_fallback_dict"
R_NEW, R_OLD, L_NEW, L_OLD = (RS, KEY), (RS, OLD_KEY), (LS, KEY), (LS, OLD_KEY)
PRE_CALL = (RS, "enable_pre_call_checks")
WHY = {  # why a key did not work
    R_OLD: "LiteLLM ignores it there, with a warning at startup: it is a completion() argument",
    L_OLD: "LiteLLM never reads it there: it is a completion() argument",
    L_NEW: f"LiteLLM reads it only while {RS}.{KEY} is empty",
}
SHOWN = 10  # names listed in one message before "and N more"
MAX_DERIVED = 10_000  # fallback targets in a derived list; beyond it the list is left to the user


def _counted(counts: Counter[str]) -> str:
    return listed([f"{what} on {n} deployments" if n > 1 else what for what, n in counts.items()], SHOWN)


def _normalize(ctx, found: dict) -> tuple[list | None, bool]:
    """Repair and merge the existing keys. Returns (the list LiteLLM reads afterwards, whether it was written)."""
    doc = ctx.doc
    parsed: dict = {}
    for path, value in found.items():
        p = parse(value)
        if p is None:
            ctx.warn(
                f"{format_path(path)} has a shape autofix cannot rewrite without guessing; left as it is",
                path,
                manual=f"write it as {RS}.{KEY}: [{{small_group: [bigger_group, ...]}}]",
            )
            return None, False
        parsed[path] = p
    router_live = isinstance(found.get(R_NEW), list) and bool(found[R_NEW])
    router_items = parsed[R_NEW].items if R_NEW in parsed else []
    router_items = router_items + (parsed[R_OLD].items if R_OLD in parsed else [])
    if router_items:
        target, rename_from = R_NEW, (None if R_NEW in found else R_OLD)
        sources = [R_NEW, R_OLD, L_NEW, L_OLD] if not router_live else [R_NEW, R_OLD, L_OLD]
        if router_live and L_NEW in found and found[L_NEW]:
            ctx.warn(
                f"{LS}.{KEY} is not used: LiteLLM reads it only while {RS}.{KEY} is empty",
                L_NEW,
                manual=f"merge its entries into {RS}.{KEY}, or delete it",
            )
    elif L_NEW in found or L_OLD in found:
        target, rename_from = L_NEW, (None if L_NEW in found else L_OLD)
        sources = [L_NEW, L_OLD]
    else:  # only an empty router list: nothing to repair
        return None, False
    sources = [s for s in sources if s in found]
    home = rename_from or target
    final = copy.deepcopy(parsed[home].items)
    merged: dict = {}
    for source in sources:
        if source != home:
            merged[source] = merge(final, parsed[source].items)
    current = found[home]
    wrote = False
    if final != current:
        write(doc, home, current, final)
        wrote = True
    done = []
    if rename_from is not None:
        doc.rename(rename_from, KEY)
        wrote = True
        done.append(f"renamed {format_path(rename_from)} to {KEY} ({WHY[rename_from]})")
    if parsed[home].notes:
        done.append(
            f"rewrote {'it' if done else format_path(home)} as a list of one-group entries with list targets, the "
            f"only shape LiteLLM reads ({'; '.join(parsed[home].notes)})"
        )
    if done:
        ctx.report("; ".join(done), target)
    for source, added in merged.items():
        doc.delete(source, prune_empty=True)
        wrote = True
        what = f"added {listed(added, SHOWN)}" if added else "all its entries were there already"
        ctx.report(
            f"merged {format_path(source)} into {format_path(target)} and deleted it ({WHY[source]}): {what}",
            target,
        )
    return final, wrote


def _derive(ctx, result: Scan) -> list | None:
    eligible = [g for g in result.groups.values() if g.eligible]
    unknown = [g for g in eligible if g.window is None and not g.runtime]
    runtime = [g for g in eligible if g.window is None and g.runtime]
    by_mode: dict[str, list[Group]] = {}
    for g in eligible:
        if g.window is not None:
            by_mode.setdefault(g.mode, []).append(g)
    for members in by_mode.values():
        members.sort(key=lambda g: (g.window, g.name))
    # each group falls back to every group after the last one of its own window: count before building
    total = 0
    for members in by_mode.values():
        windows = [g.window for g in members]
        total += sum(len(members) - bisect.bisect_right(windows, w) for w in windows)
    total += sum(len(by_mode.get(g.mode, [])) for g in runtime)
    if total > MAX_DERIVED:
        ctx.report(
            f"no {KEY} derived: {sum(map(len, by_mode.values()))} model groups with known context windows would "
            f"make a list of {total} fallbacks",
            ("model_list",),
            manual=f"write {RS}.{KEY} by hand, e.g. each group to the next larger groups only",
        )
        return None
    entries = []
    for members in by_mode.values():
        windows = [g.window for g in members]
        for g in members:
            bigger = members[bisect.bisect_right(windows, g.window) :]
            if bigger:
                entries.append((g.window, g.name, {g.name: [h.name for h in bigger]}))
    entries.sort(key=lambda e: (e[0], e[1]))
    covered = []
    for g in sorted(runtime, key=lambda g: g.name):
        targets = [h.name for h in by_mode.get(g.mode, [])]
        if targets:  # after the groups of known window: LiteLLM learns this one at run time
            entries.append((0, g.name, {g.name: targets}))
            covered.append(g)
    if unknown and len(eligible) >= 2:
        what = f"left out of the derived {KEY}" if entries else f"no {KEY} derived"
        _report_unknown(ctx, unknown, what, ("model_list",))
    if not entries:
        return None
    items = [e[2] for e in entries]
    ctx.doc.set(R_NEW, items)
    windows = {g.name: g.window for g in eligible if g.window is not None}
    described = [
        f"{name} ({windows[name]}) → {', '.join(item[name])}" for _, name, item in entries if name in windows
    ]
    if described:
        ctx.report(
            f"derived {RS}.{KEY} from the model groups' context windows (each falls back to the larger ones, "
            f"smallest first): {listed(described, SHOWN, '; ')}",
            R_NEW,
        )
    if covered:
        _report_runtime(ctx, covered)
    skipped = [g.name for g in result.groups.values() if g.by_name_only and g.window is not None]
    if skipped:
        ctx.report(
            f"left out as not chat models (by their names): {listed(skipped, SHOWN)}",
            ("model_list",),
            manual="set model_info.mode: chat on their deployments if they are chat models, and run autofix again",
        )
    return items


def _report_runtime(ctx, groups: list[Group]) -> None:
    """The groups covered with a window LiteLLM learns at run time, each with its source."""
    parts = [f"{g.name} (from {' and '.join(g.runtime)})" for g in groups]
    ctx.report(
        f"{KEY} also cover {listed(parts, SHOWN)}: the config gives no window, LiteLLM learns it at run time, so "
        "each falls back to every group whose window is known, smallest first (the pre-call check skips a "
        "target the prompt does not fit, and the router goes on to the next)",
        R_NEW,
    )
    ollama = [g.name for g in groups if RUNTIME_OLLAMA in g.runtime]
    if ollama:
        ctx.report(
            f"{listed(ollama, SHOWN)}: /api/show reports the model's trained context_length, not the num_ctx Ollama "
            "serves (LiteLLM documents a default of 2048): a longer prompt that still fits context_length is "
            "truncated silently instead of falling back",
            ("model_list",),
            manual="set model_info.max_input_tokens on these deployments to the num_ctx the server runs with "
            "(or set litellm_params.num_ctx), so the fallback fires at that size",
        )


def _report_unknown(ctx, groups: list[Group], what: str, path) -> None:
    parts = []
    for g in groups:
        hints = [d.hint for d in g.deployments if d.window is None and d.hint]
        parts.append(f"{g.name} ({hints[0]})" if hints else g.name)
    ctx.report(
        f"context window unknown for {listed(parts, SHOWN)}: {what}",
        path,
        manual="give their deployments an integer model_info.max_input_tokens (for Ollama, the num_ctx the "
        "server runs with)",
    )


def _pin(ctx, result: Scan, names: list[str]) -> None:
    """Write the windows the router cannot see itself as integer model_info.max_input_tokens."""
    version = litellm_data.version()
    from_map: Counter[str] = Counter()
    from_ctx: Counter[str] = Counter()
    local_ollama: dict[str, None] = {}
    chat_ollama = False
    for name in names:
        g = result.groups.get(name)
        if g is None or not g.eligible:
            continue
        for d in g.deployments:
            if d.source not in ("map", "num_ctx") or not d.pinnable:
                continue
            if not _set_window(ctx, d.index, d.window):
                continue
            if d.source == "map":
                from_map[f"{name} {d.window} ({d.key})"] += 1
                chat_ollama = chat_ollama or d.provider == "ollama_chat"
                if d.local_ollama:
                    local_ollama[name] = None
            else:
                from_ctx[f"{name} {d.window}"] += 1
    if from_map:
        why = "it finds no ollama_chat/ model in the map, and " if chat_ollama else ""
        ctx.report(
            f"context windows from LiteLLM {version}'s model map: {_counted(from_map)}; written as integer "
            f"model_info.max_input_tokens, which the pre-call check reads first ({why}the value no longer changes "
            "with LiteLLM's map)",
            ("model_list",),
        )
    if from_ctx:
        ctx.report(
            f"context windows from litellm_params.num_ctx: {_counted(from_ctx)}; written as integer "
            "model_info.max_input_tokens (the pre-call check does not read num_ctx)",
            ("model_list",),
        )
    if local_ollama:
        ctx.report(
            f"local Ollama ({listed(list(local_ollama), SHOWN)}) serves only num_ctx prompt tokens (LiteLLM documents a default "
            "of 2048) and truncates the rest silently, whatever the model map says",
            ("model_list",),
            manual="set litellm_params.num_ctx on these deployments to their model_info.max_input_tokens, or "
            "lower max_input_tokens to the num_ctx the server runs with",
        )


def _set_window(ctx, index: int, window: int) -> bool:
    """Write one deployment's integer max_input_tokens; report instead when its model_info is shared."""
    path = ("model_list", index, "model_info", "max_input_tokens")
    try:
        ctx.doc.set(path, window)
    except EditRefused as exc:
        ctx.warn(
            f"model_list[{index}]: max_input_tokens {window} not written ({exc.reason})",
            ("model_list", index),
            manual=f"give this deployment its own model_info with max_input_tokens {window}",
        )
        return False
    return True


def _pre_call_checks(ctx, wrote: bool) -> None:
    doc = ctx.doc
    value = doc.get(PRE_CALL)
    if value is True:
        return
    if value is MISSING or value is None:
        if wrote:
            doc.set(PRE_CALL, True)
            ctx.report(
                "set router_settings.enable_pre_call_checks: true: the router now skips a deployment whose context "
                "window is too small and goes to the fallbacks before calling it (providers such as Ollama truncate "
                "instead of raising a context-window error, so without it their fallbacks never fire)",
                PRE_CALL,
            )
        else:
            ctx.report(
                "router_settings.enable_pre_call_checks is not set: context-window fallbacks fire only when the "
                "provider itself raises a context-window error (Ollama never does)",
                PRE_CALL,
                manual="set router_settings.enable_pre_call_checks: true",
            )
        return
    shown = str(value).lower() if isinstance(value, bool) else repr(value)
    ctx.warn(
        f"router_settings.enable_pre_call_checks is {shown}, left as it is: context-window fallbacks fire only "
        "when the provider itself raises a context-window error (Ollama never does)",
        PRE_CALL,
        manual="set router_settings.enable_pre_call_checks: true (it also filters deployments by region and "
        "supported parameters)",
    )


def fix(ctx):
    doc = ctx.doc
    for section in (RS, LS):
        value = doc.get((section,))
        if value is not MISSING and value is not None and not isinstance(value, dict):
            ctx.warn(f"{section} is not a mapping; LiteLLM cannot read it", (section,))
            return
    result = scan(doc)
    result.converted = [c for c in result.converted if _set_window(ctx, c[0], c[2])]
    if result.converted:
        ctx.report(
            "context windows written as a string or a float, which the pre-call check ignores, made integers: "
            + listed([f"model_list[{i}] {old!r} → {new}" for i, old, new in result.converted], SHOWN),
            ("model_list",),
        )
    if result.broken:
        ctx.warn(
            "context windows LiteLLM ignores (model_info.max_input_tokens is not a positive integer), left as "
            "they are: " + listed([f"model_list[{i}] {old!r}" for i, old in result.broken], SHOWN),
            ("model_list",),
            manual="write the window as a plain integer, such as 8192",
        )
    found = {path: doc.get(path) for path in (R_NEW, R_OLD, L_NEW, L_OLD) if doc.exists(path)}
    if found:
        items, wrote = _normalize(ctx, found)
        if items is None:
            return
        if wrote:
            _check_written(ctx, result, items)
            _pin(ctx, result, group_names(items))
    else:
        items = _derive(ctx, result)
        if items is None:
            return
        wrote = True
        _pin(ctx, result, group_names(items))
    if items:
        _pre_call_checks(ctx, wrote)


def _check_written(ctx, result: Scan, items: list) -> None:
    """Report the groups a repaired list names that do not exist, and the small groups of unknown window."""
    doc = ctx.doc
    aliases = doc.get((RS, "model_group_alias"))
    known = {*result.groups, *(aliases if isinstance(aliases, dict) else ())}
    missing = [n for n in group_names(items) if n not in known and n != "*"]
    if missing:
        ctx.warn(
            f"{KEY} names groups that are no model_name in model_list: {listed(missing, SHOWN)}",
            R_NEW if doc.exists(R_NEW) else L_NEW,
            manual="use the model_name of a model_list entry",
        )
    smaller = []
    for item in items:
        if not isinstance(item, dict):
            continue
        group, targets = next(iter(item.items()))
        g = result.groups.get(group)
        for target in targets:
            t = result.groups.get(target)
            if g and t and g.window and t.window and t.window <= g.window:
                smaller.append(f"{group} ({g.window}) → {target} ({t.window})")
    if smaller:
        ctx.warn(
            f"{KEY} lead to a group whose context window is not larger: {listed(smaller, SHOWN)}",
            R_NEW if doc.exists(R_NEW) else L_NEW,
            manual="point each group at groups with larger windows (or correct model_info.max_input_tokens)",
        )
    keys = [next(iter(i)) for i in items if isinstance(i, dict)]
    unknown = [result.groups[k] for k in keys if k in result.groups]
    unknown = [g for g in unknown if g.eligible and g.window is None and not g.runtime]
    if unknown:
        _report_unknown(
            ctx,
            unknown,
            "the router cannot check it before the call, so their fallbacks fire only when the provider raises "
            "a context-window error (Ollama never does)",
            ("model_list",),
        )
