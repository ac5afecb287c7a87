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
import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from urllib.parse import urlsplit

from autofix import litellm_data
from autofix.changes import MISSING, format_path
from autofix.errors import EditRefused
from autofix.values import LS, RS, as_int, listed

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
MODES = ("chat", "completion")
OLLAMA = ("ollama", "ollama_chat")
# LiteLLM also finds these providers' models under the bare name (`openai/gpt-4o` → `gpt-4o`); it checks
# the entry's provider, which the snapshot does not carry, so the bare lookup is limited to them.
BARE_NAME_PROVIDERS = frozenset({"openai", "anthropic", "bedrock", "vertex_ai"})
# A deployment without model_info.mode whose model or group name says it is not a chat model. The
# snapshot has no `mode`; these words cover all but 46 of the 389 non-chat entries with a window in
# LiteLLM 1.110.2's map (the rest are evaluation/decision models and a few image and live models).
NOT_CHAT = re.compile(
    r"embed|rerank|whisper|tts|dall-e|image|transcri|moderation|speech|realtime|diffusion|voyage|jina|bge|"
    r"gte-|veo-|flux|canvas|upscale|outpaint|native-audio|lyria|orpheus|sd3|nano-banana|-live\b|-asr-|stt-",
    re.IGNORECASE,
)
SHOWN = 10  # names listed in one message before "and N more"
MAX_DERIVED = 10_000  # fallback targets in a derived list; beyond it the list is left to the user


# --------------------------------------------------------------------------------------------------
# Context windows
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _map_keys() -> dict[str, str]:
    """Lower-cased model-map key → key: LiteLLM looks keys up case-insensitively."""
    keys: dict[str, str] = {}
    for key in litellm_data.data()["context_windows"]:
        keys.setdefault(key.lower(), key)
    return keys


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


_NUMERIC = re.compile(r"\s*\+?\d+(?:\.0*)?\s*")


def _as_int(value) -> int | None:
    """A positive integer for a string of digits ("8192", "8192.0") or an integral float; else None."""
    if isinstance(value, str) and not _NUMERIC.fullmatch(value):
        return None
    number = as_int(value) if isinstance(value, float | str) else None
    return number if number and number > 0 else None


def _local(api_base) -> bool:
    """True for Ollama's default (localhost:11434) and for a loopback, private or .local host."""
    if api_base is None:
        return True
    if not isinstance(api_base, str) or api_base.startswith("os.environ/"):
        return False
    host = (urlsplit(api_base if "//" in api_base else "//" + api_base).hostname or "").lower()
    if host in ("localhost", "host.docker.internal") or host.endswith((".local", ".localhost")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def _provider(model: str, params: dict) -> tuple[str, str]:
    """(provider, model with its provider prefix), as LiteLLM names them for the map lookup."""
    custom = params.get("custom_llm_provider")
    if isinstance(custom, str) and custom and not model.startswith(custom + "/"):
        return custom, f"{custom}/{model}"
    head, slash, _ = model.partition("/")
    return (head if slash else ""), model


def map_key(model: str, provider: str = "") -> str | None:
    """The model-map key LiteLLM's simple lookups find for `model`, or None.

    Tried in LiteLLM's order: the model as written (`ollama/llama3.1`, `gpt-4o`, `azure/gpt-4o`), then for
    `ollama_chat/<name>` the `ollama/<name>` entry, then the bare name for the providers listed in
    BARE_NAME_PROVIDERS. A tag is never dropped: LiteLLM asks the Ollama server about
    `ollama/llama3.1:latest` instead of using `ollama/llama3.1`.
    """
    if not model:
        return None
    keys = _map_keys()
    rest = model[len(provider) + 1 :] if provider and model.startswith(provider + "/") else model
    candidates = [model]
    if provider == "ollama_chat":
        candidates.append("ollama/" + rest)
    if provider in BARE_NAME_PROVIDERS:
        candidates.append(rest)
    for candidate in candidates:
        key = keys.get(candidate.lower())
        if key is not None:
            return key
    return None


@dataclass
class Deployment:
    index: int
    window: int | None = None
    source: str = ""  # model_info | num_ctx | map ("" when unknown)
    key: str = ""  # the model-map key when source == "map"
    provider: str = ""
    local_ollama: bool = False  # served by an Ollama on this machine or network, which truncates at num_ctx
    hint: str = ""  # why the window is unknown, when there is something to say
    pinnable: bool = True  # model_info is missing, null or a mapping, so max_input_tokens can be written
    runtime: str = ""  # where LiteLLM learns the window at run time, when the config does not say it


@dataclass
class Group:
    name: str
    deployments: list[Deployment] = field(default_factory=list)
    modes: set[str] = field(default_factory=set)
    by_name_only: bool = False  # left out because its model looks like a non-chat model
    wildcard: bool = False

    @property
    def mode(self) -> str | None:
        return next(iter(self.modes)) if len(self.modes) == 1 else None

    @property
    def eligible(self) -> bool:
        return not self.wildcard and self.mode in MODES

    @cached_property
    def window(self) -> int | None:  # read once scan() is done
        windows = [d.window for d in self.deployments]
        return min(windows) if windows and None not in windows else None

    @cached_property
    def runtime(self) -> list[str]:
        """Where LiteLLM learns the window of each deployment the config gives none, when it learns all
        of them at run time ([] otherwise)."""
        unknown = [d for d in self.deployments if d.window is None]
        if not unknown or not all(d.runtime for d in unknown):
            return []
        return list(dict.fromkeys(d.runtime for d in unknown))


@dataclass
class Scan:
    groups: dict[str, Group] = field(default_factory=dict)
    converted: list[tuple[int, object, int]] = field(default_factory=list)  # (index, old, new)
    broken: list[tuple[int, object]] = field(default_factory=list)  # unusable max_input_tokens


OLLAMA_DEFAULT_PORT = 11434
RUNTIME_OLLAMA = "the context_length of Ollama's /api/show at localhost:11434"
RUNTIME_VLLM = "the max_model_len of its vLLM server's /v1/models"


def _ollama_default_base(api_base) -> bool:
    """True when the deployment's Ollama is the one LiteLLM asks for a window: `get_model_info` is called
    without an api_base (`router_rust/surface/model_info.py` `_model_info_row`), so `/api/show` goes to
    OLLAMA_API_BASE or http://localhost:11434 (`llms/ollama/common_utils.py` `get_api_base`)."""
    if api_base is None:
        return True
    if not isinstance(api_base, str) or api_base.startswith("os.environ/"):
        return False
    parts = urlsplit(api_base if "//" in api_base else "//" + api_base)
    try:
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return port == OLLAMA_DEFAULT_PORT and (host == "localhost" or host.startswith("127.") or host == "::1")


def _runtime_source(provider: str, params: dict) -> str:
    """Where LiteLLM 1.110.2 learns a window the config and its map do not give, or "".

    - `ollama/<name>` (not `ollama_chat/`, which get_model_info never maps) at the default base: the
      server's `/api/show` (`llms/ollama/common_utils.py` `get_runtime_model_info`).
    - `hosted_vllm/<name>` with an api_base: the router reads `/v1/models` of the deployment's own server
      (`llms/openai_like/model_info.py`, `router_rust/surface/registry.py` `_arefresh_deployment_model_info`);
      vLLM answers `max_model_len`. Other OpenAI-compatible servers (llama.cpp...) may not say it.
    """
    if provider == "ollama" and _ollama_default_base(params.get("api_base")):
        return RUNTIME_OLLAMA
    api_base = params.get("api_base")
    if provider == "hosted_vllm" and isinstance(api_base, str) and api_base.strip():
        return RUNTIME_VLLM
    return ""


def _window(dep: Deployment, params: dict, info: dict, model: str, scan: Scan) -> None:
    value = info.get("max_input_tokens")
    if value is not None:
        if _positive_int(value):
            dep.window, dep.source = value, "model_info"
        elif (number := _as_int(value)) is not None:
            dep.window, dep.source = number, "model_info"
            scan.converted.append((dep.index, value, number))
        else:
            scan.broken.append((dep.index, value))
            dep.hint = f"its max_input_tokens {value!r} is not a positive integer"
        return
    provider, full = _provider(model, params)
    dep.provider = provider
    dep.local_ollama = provider in OLLAMA and _local(params.get("api_base"))
    if provider in OLLAMA and params.get("num_ctx") is not None:
        num_ctx = params["num_ctx"]
        if _positive_int(num_ctx):
            dep.window, dep.source = num_ctx, "num_ctx"
        else:
            dep.hint = f"its num_ctx {num_ctx!r} is not a positive integer"
        return
    base = info.get("base_model") or params.get("base_model")
    base_key = map_key(base, _provider(base, {})[0]) if isinstance(base, str) else None
    key = map_key(full, provider)
    if provider == "azure" and base_key:  # the router reads an azure deployment's window from base_model
        key = base_key
    key = key or base_key
    if key is not None:
        dep.window, dep.source, dep.key = litellm_data.context_window(key), "map", key
        return
    dep.runtime = _runtime_source(provider, params)
    if dep.runtime:
        return
    if provider == "ollama":
        dep.hint = (
            "LiteLLM asks only the Ollama at OLLAMA_API_BASE or localhost:11434 for a window, not this "
            "deployment's api_base"
        )
    elif provider == "ollama_chat" and ":" in full:
        near = map_key("ollama/" + full.split("/", 1)[1].rsplit(":", 1)[0], "ollama")
        if near is not None:
            dep.hint = (
                f"the map has {near} ({litellm_data.context_window(near)}), but LiteLLM does not drop the tag, "
                "and asks no server about an ollama_chat/ model"
            )


def scan(doc) -> Scan:
    """One pass over model_list: each group's deployments, windows and modes."""
    result = Scan()
    models = doc.get(("model_list",))
    if not isinstance(models, list):
        return result
    for i, raw in enumerate(models):
        if not isinstance(raw, dict):
            continue
        name = raw.get("model_name")
        if not isinstance(name, str) or not name:
            continue
        params = raw.get("litellm_params")
        params = params if isinstance(params, dict) else {}
        info = raw.get("model_info")
        model = params.get("model") if isinstance(params.get("model"), str) else ""
        group = result.groups.get(name)
        if group is None:
            group = result.groups[name] = Group(name)
        if "*" in name or "*" in model:
            group.wildcard = True
        mode = info.get("mode") if isinstance(info, dict) else None
        if mode is None:
            mode = "chat"
            if NOT_CHAT.search(model) or NOT_CHAT.search(name):
                mode, group.by_name_only = "other", True
        group.modes.add(mode if isinstance(mode, str) else "other")
        dep = Deployment(i, pinnable=info is None or isinstance(info, dict))
        _window(dep, params, info if isinstance(info, dict) else {}, model, result)
        group.deployments.append(dep)
    return result


# --------------------------------------------------------------------------------------------------
# Reading and merging the fallback lists
# --------------------------------------------------------------------------------------------------


@dataclass
class Parsed:
    items: list  # the list form: {group: [targets]} dicts, and plain strings (LiteLLM's other form)
    notes: list[str] = field(default_factory=list)  # what was wrong with the shape


def parse(value) -> Parsed | None:
    """The list form of a fallbacks value, or None when it cannot be rewritten without guessing."""
    if value is None:
        return Parsed([])
    notes: list[str] = []
    if isinstance(value, dict):
        items = [{k: v} for k, v in value.items()]
        notes.append("LiteLLM does not read a mapping: the router drops it without a message")
    elif isinstance(value, list):
        items = value
    else:
        return None
    out: list = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        if not isinstance(item, dict) or not item:
            return None
        if len(item) > 1:
            note = "an entry with several groups only works for its first"
            if note not in notes:
                notes.append(note)
        for group, targets in item.items():
            if not isinstance(group, str):
                return None
            if isinstance(targets, str):
                note = "a string target makes no fallback happen"
                if note not in notes:
                    notes.append(note)
                targets = [targets]
            if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
                return None
            out.append({group: list(targets)})
    return Parsed(out, notes)


def merge(into: list, items: list) -> list[str]:
    """Add `items` to the list form `into`, in place and without duplicates; describe what was added."""
    index: dict[str, int] = {}
    for i, item in enumerate(into):
        if isinstance(item, dict):
            index.setdefault(next(iter(item)), i)
    added: list[str] = []
    for item in items:
        if isinstance(item, str):
            if item not in into:
                into.append(item)
                added.append(item)
            continue
        ((group, targets),) = item.items()
        if group in index:
            have = into[index[group]][group]
            for target in targets:
                if target not in have:
                    have.append(target)
                    added.append(f"{group} → {target}")
        else:
            index[group] = len(into)
            into.append({group: list(targets)})
            added.append(f"{group} → {', '.join(targets)}" if targets else group)
    return added


def _write(doc, path, current, final: list) -> None:
    """Make the value at `path` equal `final` with as small edits as its current shape allows."""
    if isinstance(current, list) and current and _extends(current, final):
        for i, item in enumerate(current):
            if isinstance(item, str):
                continue
            group, targets = next(iter(item.items()))
            wanted = final[i][group]
            if isinstance(targets, str) or not targets:
                if wanted != targets:
                    doc.set((*path, i, group), wanted)
            else:
                for target in wanted[len(targets) :]:
                    doc.append((*path, i, group), target)
        for item in final[len(current) :]:
            doc.append(path, item)
    elif isinstance(current, dict) and doc.mapping_to_items(path, _one_key_items(current, final)):
        # `{a: b, c: d}` became `- a: [b]` / `- c: [d]` line by line: every comment kept its line
        for item in final[len(current) :]:
            doc.append(path, item)
    else:
        doc.set(path, final)


def _one_key_items(current: dict, final: list) -> list:
    """`final`'s first len(current) items when they are current's entries, in order (else [])."""
    head = final[: len(current)]
    keys = [next(iter(i)) if isinstance(i, dict) and len(i) == 1 else None for i in head]
    return head if keys == list(current) else []


def _extends(current: list, final: list) -> bool:
    """True when `final` is `current` with string targets made lists, targets appended and items added."""
    if len(final) < len(current):
        return False
    for item, new in zip(current, final, strict=False):
        if isinstance(item, str):
            if item != new:
                return False
            continue
        if not isinstance(item, dict) or len(item) != 1 or not isinstance(new, dict):
            return False
        group, targets = next(iter(item.items()))
        if list(new) != [group]:
            return False
        old = [targets] if isinstance(targets, str) else targets
        if new[group][: len(old)] != old:
            return False
    return True


def _names(items: list) -> list[str]:
    """Every group an effective list names, keys first."""
    keys = [next(iter(i)) for i in items if isinstance(i, dict)]
    targets = [t for i in items if isinstance(i, dict) for t in next(iter(i.values()))]
    return list(dict.fromkeys([*keys, *targets, *(i for i in items if isinstance(i, str))]))


def _counted(counts: Counter[str]) -> str:
    return listed([f"{what} on {n} deployments" if n > 1 else what for what, n in counts.items()], SHOWN)


# --------------------------------------------------------------------------------------------------
# The fix
# --------------------------------------------------------------------------------------------------


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
        _write(doc, home, current, final)
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
            _pin(ctx, result, _names(items))
    else:
        items = _derive(ctx, result)
        if items is None:
            return
        wrote = True
        _pin(ctx, result, _names(items))
    if items:
        _pre_call_checks(ctx, wrote)


def _check_written(ctx, result: Scan, items: list) -> None:
    """Report the groups a repaired list names that do not exist, and the small groups of unknown window."""
    doc = ctx.doc
    aliases = doc.get((RS, "model_group_alias"))
    known = {*result.groups, *(aliases if isinstance(aliases, dict) else ())}
    missing = [n for n in _names(items) if n not in known and n != "*"]
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
