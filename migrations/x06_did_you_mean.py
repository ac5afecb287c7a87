"""## What it does
Checks the names and values LiteLLM 1.110 knows, from the facts generated out of its source
(`autofix/data/litellm_1.110.2.json`), and repairs the misspelled ones:
- a misspelled top-level section (`general_setting`), settings key (`router_settings.enable_pre_call_check`,
  `litellm_settings.drop_param`), deployment key (`litelm_params`) or key of a deployment's
  `litellm_params`/`model_info` that LiteLLM knows by name (`api_bse`) with one clear nearest valid name
  is renamed to it; a misspelled section is merged into the correct one when both exist and no key is in
  both (and the misspelled block holds no comment), otherwise reported; a name as near to several valid
  ones is reported with them and left as it is;
- a settings key in a section that does not read it, which exactly one other settings section reads
  (`litellm_settings.cooldown_time`), is moved there, unless it is set there too;
- a value LiteLLM enumerates (`routing_strategy`, `optional_pre_call_checks`, `debug_level`, the cache
  `type`, callback names in `callbacks`/`success_callback`/`failure_callback`, `general_settings.alerting`
  channels and `alert_types`, and every other setting whose type in the source is a `Literal`) that is
  none of the valid values: renamed when one valid value is clearly meant (`simple-shufle` →
  `simple-shuffle`), otherwise reported with the valid values;
- a setting the source types as an integer, a number or a boolean, given as a string (`num_retries: "3"`,
  `drop_params: "true"`): converted when the string is a plain number or `true`/`false`, otherwise
  reported; an integer setting given a fraction (`num_retries: 2.5`) is reported;
- a `router_settings.model_group_alias` entry that is neither a model group name nor `{model: name}`
  (lists are X1's).

"Clearly meant" is a letter or two away (Damerau-Levenshtein distance, case ignored: 1 for names of up
to five letters, 2 for longer ones), with exactly one valid name that near, and not a different word
that looks alike: `enable_cooldowns` is never renamed to `disable_cooldowns`, `rpm_limit` never to
`tpm_limit` (`autofix/suggest.py`). Without a clear nearest name the finding only says what LiteLLM does.

This fix runs before every other one (`RUNS_FIRST`), so that no fix creates a `general_settings` beside
a misspelled `general_setting` in the same run. X5 leaves the keys this fix can rename to it.

## Why is this bad?
What LiteLLM 1.110.2 does with each mistake:
- an unknown top-level section: ignored without a message (`proxy/proxy_server.py` `ProxyConfig.load_config`
  reads only the sections it knows); a misspelled `general_settings` loses the master key, so the proxy
  refuses to start or runs with the key from the environment;
- an unknown `router_settings` key: logged as "not a valid argument for Router.__init__()" and dropped;
  an unknown `litellm_settings` key: `setattr(litellm, key, value)` (`proxy/proxy_server.py:7187`), read
  by nothing; an unknown `general_settings` key: never read;
- a deployment without `litellm_params`: the proxy cannot build it; an unknown `litellm_params` key is
  passed on to the provider call (the setting it was meant for stays unset); an unknown `model_info` key
  is stored and used for nothing;
- an unknown `routing_strategy`: the proxy refuses to start (`ValueError: Invalid routing_strategy`,
  `litellm_core_utils/routing_groups.py:30`);
- an unknown `optional_pre_call_checks` name: ignored, no check is built for it
  (`router_rust/steps/callbacks.py:290-321`, `add`);
- an unknown `general_settings.alerting` channel or `alert_types` name: no alert goes there
  (`proxy/utils.py:3954-3965`, `integrations/SlackAlerting/slack_alerting.py`);
- an unknown name in `callbacks`: imported as a Python module, the proxy does not start; in
  `success_callback`/`failure_callback`: dropped without a message (G5 reports these);
- settings values are used as written: LiteLLM converts nothing (`Router(**router_settings)`,
  `setattr(litellm, key, value)`, `general_settings.get(key)`). A string where a number is read fails
  with a `TypeError` where the value is compared or counted (at start-up or on the request that
  reaches it); a string where a boolean is read counts as true whenever it is not empty, `"false"` too.
  The type each setting has in the source is quoted in the finding (file:line of its annotation).

## Example
```yaml
general_setting:
  master_key: os.environ/LITELLM_MASTER_KEY
router_settings:
  enable_pre_call_check: true
  routing_strategy: simple-shufle
litellm_settings:
  drop_param: true
  num_retries: "3"
```
Use instead:
```yaml
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
router_settings:
  enable_pre_call_checks: true
  routing_strategy: simple-shuffle
litellm_settings:
  drop_params: true
  num_retries: 3
```

## Fix safety
Unsafe: each repair makes a setting take effect that did nothing (or stopped the proxy) before, which
changes how the proxy behaves. Without `--unsafe-fixes` every repair is reported with its exact rename,
move or conversion. Nothing is ever deleted. Priority p1.
"""

from __future__ import annotations

from typing import Any

from autofix.migrations._value_checks import (
    SECTIONS,
    callback_names,
    check_aliases,
    check_types,
    check_values,
    custom_callback,
    defined_callbacks,
)

from autofix.changes import format_path
from autofix.errors import EditRefused
from autofix.litellm_data import (
    GS,
    LS,
    RS,
    data,
    key_is_read,
    litellm_settings_names,
    names,
    read_sets,
    section_is_read,
)
from autofix.suggest import near, nearest, vocabulary

ID = "X6"
SLUG = "did-you-mean"
PRIORITY = "p1"
SAFETY = "unsafe"
TITLE = "Misspelled sections, keys and values renamed to the valid name; values LiteLLM rejects or misreads"
RUNS_FIRST = True  # before any fix that could create the section a misspelled one stands for

DEPLOYMENT_KEYS = ("model_name", "litellm_params", "model_info")
# keys of a deployment's blocks LiteLLM knows by name (both blocks keep other keys too)
NESTED = {
    "litellm_params": (
        "litellm_params_keys",
        "LiteLLM passes an unknown key on to the provider call, and the setting it was meant for stays unset",
    ),
    "model_info": ("model_info_keys", "LiteLLM stores an unknown model_info key and uses it for nothing"),
}
X5_MODEL_INFO = {("model_info", "tags"), ("model_info", "provider")}  # X5 reports these

SECTION_EFFECT = "LiteLLM ignores a section it does not know, without a message"
KEY_EFFECT = {
    RS: "the proxy logs 'not a valid argument for Router.__init__()' and drops it",
    LS: "LiteLLM sets litellm.{key}, which nothing reads",
    GS: "LiteLLM never reads it",
}


# ---- the pools of valid names ------------------------------------------------------------------------


def _pool(section: str) -> frozenset[str]:
    sets = read_sets()
    if section == LS:
        return litellm_settings_names()
    if section == "":
        return sets["sections"]
    return sets[section]


_VOCAB: dict[str, frozenset[str]] = {}


def _guess(name: str, section: str) -> str | None:
    pool = _pool(section)
    if section not in _VOCAB:
        _VOCAB[section] = vocabulary(pool)
    return nearest(name, pool, _VOCAB[section])


def _maybe(name: str, section: str) -> list[str]:
    """Valid names a misspelled one may stand for, when there is no single clear one."""
    pool = _pool(section)
    if section not in _VOCAB:
        _VOCAB[section] = vocabulary(pool)
    return near(name, pool, _VOCAB[section])


def _home(section: str, key: str) -> str | None:
    """The one other settings section that reads this key (a key written in the wrong section)."""
    if section == RS and key in data()["sources"]["router_settings_keys"]["managed_outside_config"]:
        return None  # model_list, search_tools...: their own top-level sections (X5 says which)
    homes = [
        s
        for s in SECTIONS
        if s != section
        and key_is_read(s, key)
        and not (s == LS and key in names("litellm_lazy_attributes") and key not in _pool(LS))
    ]
    return homes[0] if len(homes) == 1 else None


def _misspelled_key(path: tuple) -> str | None:
    """The valid name a section or settings key at `path` is clearly a misspelling of."""
    if len(path) == 1 and isinstance(path[0], str) and not section_is_read(path[0]):
        return _guess(path[0], "")
    if len(path) == 2 and path[0] in SECTIONS and isinstance(path[1], str) and not key_is_read(*path):
        return _guess(path[1], path[0])
    return None


def claims(doc, path: tuple) -> str | None:
    """What this fix does with a section or key X5 would otherwise report as ignored, or with a
    callback name G5 would otherwise delete."""
    path = tuple(path)
    if path[:2] == (LS, "callbacks") and len(path) <= 3:
        value = doc.get(path)
        if isinstance(value, str) and not custom_callback(value, defined_callbacks(doc)):
            guess = nearest(value, callback_names())
            return f"renames it to {guess} (with --unsafe-fixes)" if guess else None
        return None
    guess = _misspelled_key(path)
    if guess is not None:
        target = (guess,) if len(path) == 1 else (path[0], guess)
        return f"renames it to {format_path(target)} (with --unsafe-fixes)"
    if len(path) == 2 and path[0] in SECTIONS and isinstance(path[1], str) and not key_is_read(*path):
        home = _home(*path)
        if home is not None:
            if doc.exists((home, path[1])):
                return None  # set there too: X5 reports it
            return f"moves it to {home}.{path[1]} (with --unsafe-fixes)"
        maybe = _maybe(path[1], path[0])
        if maybe:
            return f"reports it as a possible misspelling of {' or '.join(maybe)} (never deleted)"
    elif len(path) == 1 and isinstance(path[0], str) and not section_is_read(path[0]) and _maybe(path[0], ""):
        return f"reports it as a possible misspelling of {' or '.join(_maybe(path[0], ''))} (never deleted)"
    return None


# ---- helpers -----------------------------------------------------------------------------------------


def _block_has_comment(doc, path: tuple) -> bool:
    """Does the text of the top-level block at `path` hold a comment (a merge would lose it)?"""
    lines, first = doc.source_lines(path)
    if "#" in lines[first - 1]:
        return True
    for text in lines[first:]:
        stripped = text.strip()
        if stripped and not text[0].isspace() and not stripped.startswith("#"):
            return False
        if "#" in text:
            return True
    return False


def _rename_key(ctx, path: tuple, new: str, what: str, effect: str) -> None:
    target = (*path[:-1], new)
    message = f"{format_path(path)} is not {what} LiteLLM knows: {effect}; did you mean {new}?"
    manual = f"rename {format_path(path)} to {new}"
    if not ctx.allow_unsafe(f"{message} Would rename it to {format_path(target)}", path, manual=manual):
        return
    try:
        ctx.doc.rename(path, new)
    except EditRefused as exc:
        ctx.warn(f"{message} Not renamed ({exc.reason})", path, manual=manual)
        return
    ctx.report(
        f"renamed {format_path(path)} to {format_path(target)}, which LiteLLM reads (before: {effect})",
        target,
    )


# ---- sections and keys -------------------------------------------------------------------------------


def _sections(ctx, root: dict) -> None:
    doc = ctx.doc
    for key in list(root):
        if not isinstance(key, str) or section_is_read(key):
            continue
        guess = _guess(key, "")
        if guess is None:
            maybe = _maybe(key, "")
            if maybe:
                ctx.warn(
                    f"{key} is not a section LiteLLM knows: {SECTION_EFFECT}; it may be a misspelling of "
                    f"{' or '.join(maybe)} (no single clear one, so it is left as it is)",
                    (key,),
                    manual=f"rename it to the section you meant ({' or '.join(maybe)})",
                )
            continue
        if guess not in root:
            _rename_key(ctx, (key,), guess, "a section", SECTION_EFFECT)
            continue
        typo, good = root[key], root[guess]
        both = (
            sorted(set(typo) & set(good), key=str)
            if isinstance(typo, dict) and isinstance(good, dict)
            else None
        )
        message = f"{key} is not a section LiteLLM knows ({SECTION_EFFECT}); did you mean {guess}, which exists too?"
        manual = f"move the keys of {key} into {guess} and delete {key}"
        if both is None or both or not typo or _block_has_comment(doc, (key,)):
            why = (
                f"both set {', '.join(map(str, both))}"
                if both
                else "it holds comments a merge would lose"
                if both is not None and typo
                else "one of them is not a mapping"
            )
            ctx.warn(f"{message} Not merged: {why}", (key,), manual=manual)
            continue
        if not ctx.allow_unsafe(
            f"{message} Would merge its keys {', '.join(map(str, typo))} into {guess}", (key,), manual=manual
        ):
            continue
        try:
            for k, v in typo.items():
                doc.set((guess, k), v)
            doc.delete((key,))
        except EditRefused as exc:
            raise EditRefused(f"{key} not merged into {guess}: {exc.reason}", line=exc.line) from None
        ctx.report(
            f"merged {key} into {guess} ({', '.join(map(str, typo))}), where LiteLLM reads them", (guess,)
        )


def _settings_keys(ctx, section: str, settings: dict) -> None:
    for key in list(settings):
        if not isinstance(key, str) or key_is_read(section, key) or ctx.owner((section, key)):
            continue
        guess = _guess(key, section)
        effect = KEY_EFFECT[section].format(key=key)
        if guess is None:
            _elsewhere_or_maybe(ctx, section, key, settings[key], effect)
            continue
        if guess in settings:
            ctx.warn(
                f"{section}.{key} is not a key LiteLLM knows ({effect}); did you mean {guess}? It is set too",
                (section, key),
                manual=f"keep the value you mean under {section}.{guess} and delete {key}",
            )
            continue
        _rename_key(ctx, (section, key), guess, "a key", effect)


def _elsewhere_or_maybe(ctx, section: str, key: str, value: Any, effect: str) -> None:
    """A key in a section that does not read it: moved to the one section that does, or, when it may
    be a misspelling of more than one name, reported (never deleted)."""
    path = (section, key)
    home = _home(section, key)
    if home is not None:
        target = (home, key)
        message = f"{format_path(path)} is not read there: {effect}; LiteLLM reads {key} under {home}"
        manual = f"move {key} from {section} to {home}"
        if ctx.doc.exists(target):
            return  # set there too: X5 reports it, with both places
        if not ctx.allow_unsafe(f"{message}. Would move it to {format_path(target)}", path, manual=manual):
            return
        ctx.doc.set(target, value)
        ctx.doc.delete(path, prune_empty=True)
        ctx.report(
            f"moved {format_path(path)} to {format_path(target)}, where LiteLLM reads it (before: {effect})",
            target,
        )
        return
    maybe = _maybe(key, section)
    if maybe:
        ctx.warn(
            f"{format_path(path)} is not a key LiteLLM knows: {effect}; it may be a misspelling of "
            f"{' or '.join(maybe)} (no single clear one, so it is left as it is)",
            path,
            manual=f"rename it to the key you meant ({' or '.join(maybe)}), or delete it",
        )


def _deployment_keys(ctx) -> None:
    models = ctx.doc.get(("model_list",))
    if not isinstance(models, list):
        return
    for i, dep in enumerate(models):
        if not isinstance(dep, dict):
            continue
        for key in list(dep):
            if not isinstance(key, str) or key in DEPLOYMENT_KEYS:
                continue
            guess = nearest(key, DEPLOYMENT_KEYS)
            if guess is None:
                continue
            path = ("model_list", i, key)
            effect = "LiteLLM reads only model_name, litellm_params and model_info of a deployment"
            if guess in dep:
                ctx.warn(
                    f"{format_path(path)}: did you mean {guess}? It is set too ({effect})",
                    path,
                    manual=f"keep the value you mean under {guess} and delete {key}",
                )
                continue
            _rename_key(ctx, path, guess, "a deployment key", effect)
        for sub, (pool_key, effect) in NESTED.items():
            block = ctx.doc.get(("model_list", i, sub))
            if not isinstance(block, dict):
                continue
            pool = names(pool_key)
            for key in list(block):
                if not isinstance(key, str) or key in pool or (sub, key) in X5_MODEL_INFO:
                    continue
                if pool_key not in _VOCAB:
                    _VOCAB[pool_key] = vocabulary(pool)
                guess = nearest(key, pool, _VOCAB[pool_key])
                if guess is not None and guess not in block:
                    _rename_key(ctx, ("model_list", i, sub, key), guess, f"a {sub} key", effect)


# ---- the fix -------------------------------------------------------------------------------------------


def fix(ctx):
    doc = ctx.doc
    root = doc.get(())
    if not isinstance(root, dict):
        return
    _sections(ctx, root)
    for section in SECTIONS:
        settings = doc.get((section,))
        if isinstance(settings, dict):
            _settings_keys(ctx, section, settings)
    _deployment_keys(ctx)
    check_values(ctx)
    check_types(ctx)
    check_aliases(ctx)
