"""## What it does
Reports every section and key LiteLLM 1.110 ignores or rejects, one finding per key with its line, and
says where the setting really belongs:
- top-level sections LiteLLM does not read: `server_settings` (host and port are the `--host`/`--port`
  flags or the `HOST`/`PORT` environment variables; CORS is the `LITELLM_CORS_ORIGINS` variable), `debug`,
  `debug_router`, `test_mode`, misspelled section names, and `enable_jwt_auth`/`litellm_jwtauth` at the top
  level (they belong under `general_settings`);
- `router_settings` keys that are no `Router` argument (the proxy logs "not a valid argument for
  Router.__init__()" and drops them), with the closest valid key;
- `litellm_settings` keys nothing reads (LiteLLM assigns every unknown key to the `litellm` module, where
  no code looks at it), including `model_group_alias`, which only works under `router_settings`;
- `general_settings` keys LiteLLM never reads;
- `model_info.tags` and `model_info.provider` on deployments: stored, shown by `/model/info`, used by
  nothing (tag routing reads `litellm_params.tags`, with `router_settings.enable_tag_filtering: true`);
  one finding per key name, listing the deployments (a config can hold thousands).

With `--unsafe-fixes` it deletes them, carrying each value into the report (secrets masked), so that
the config holds only keys LiteLLM reads. `litellm_settings.model_group_alias` is moved to
`router_settings` instead (the aliases the router does not define already), with its comments.
`enable_jwt_auth`/`litellm_jwtauth` at the top level are reported, never deleted: they hold
settings meant to work (moving them would switch them on, which is the user's call). A misspelled section
or key with one clear valid name (`router_setting`, `enable_pre_call_check`) is X6's: X6 renames it, and
X5 never deletes it (it reports it only when X6 is not selected).

It never deletes what another fix migrates: `server_settings.prometheus` (G1), router
`health_check_interval`/`health_check_concurrency` (G2), `litellm_settings.timeout`/`stream_timeout`
(G6), `context_window_fallback_dict` (G7), `litellm_settings.otel_settings` and `general_settings.otel`
(G8), `rate_limit_settings` (G9), `general_settings.slack_webhook_url` (G10). Those fixes run first;
what they leave is reported here, never deleted.

## Why is this bad?
These keys look like configuration and do nothing, so the settings they were meant to make are
silently missing: the server listens where the CLI says, CORS allows every origin, deployments are not
tagged for routing, and aliases defined under `litellm_settings` do not exist.

## Example
```yaml
server_settings:
  port: 4000
  cors:
    allowed_origins: ["https://app.example.com"]
debug: false
model_list:
  - model_name: llama
    litellm_params:
      model: ollama/llama3.1
    model_info:
      tags: [general_chat]
```
Use instead: `litellm --config config.yaml --port 4000` with
`LITELLM_CORS_ORIGINS=https://app.example.com` in the proxy's environment, and
```yaml
model_list:
  - model_name: llama
    litellm_params:
      model: ollama/llama3.1
```

## Fix safety
Report by default; deleting is unsafe: nothing LiteLLM reads changes, but `/model/info` stops showing
`model_info.tags`/`provider`, and moving `litellm_settings.model_group_alias` makes its aliases callable.
`model_info.tags` is deleted, not moved to `litellm_params.tags`: tag filtering only chooses among the
deployments of the requested model group (a group with one deployment gains nothing), and with
`enable_tag_filtering: true` every request that carries tags for other reasons (spend tracking, key or
team tags) and matches no deployment fails with "no deployments with tag routing"; the deployment's tags
would also be added to every request's spend-log tags. Priority p1, so that these reports show by
default (findings never change the exit code without `--strict`).
"""

from __future__ import annotations

import difflib
import json

from autofix import versions
from autofix.changes import MISSING, format_path, identical
from autofix.errors import EditRefused
from autofix.litellm_data import key_is_read, names, read_sets, section_is_read
from autofix.secrets import mask_value
from autofix.values import GS, LS, RS, listed

ID = "X5"
SLUG = "ignored-keys"
PRIORITY = "p1"
SAFETY = "mixed"
TITLE = "Sections and keys LiteLLM ignores, with where each setting belongs (deleted with --unsafe-fixes)"


SERVER = {
    "port": "start the proxy with --port {v} (or the env var PORT={v})",
    "host": "start the proxy with --host {v} (or the env var HOST={v})",
    "num_workers": "start the proxy with --num_workers {v}",
    "workers": "start the proxy with --num_workers {v}",
    "ssl_keyfile": "start the proxy with --ssl_keyfile_path {v}",
    "ssl_certfile": "start the proxy with --ssl_certfile_path {v}",
    "keepalive_timeout": "start the proxy with --keepalive_timeout {v}",
    "health_check_endpoint": "the health endpoints are fixed: /health, /health/liveliness, /health/readiness",
}
TOP = {
    "debug": "start the proxy with --debug (or --detailed_debug), or set the env var LITELLM_LOG=DEBUG",
    "debug_router": "set router_settings.debug_level: DEBUG (or the env var LITELLM_LOG=DEBUG)",
    "test_mode": "LiteLLM has no test mode: delete it",
}
MANAGED = {  # router_settings keys the proxy sets itself (litellm/constants.py ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG)
    "model_list": "the top-level model_list",
    "search_tools": "the top-level search_tools section",
    "assistants_config": "the top-level assistant_settings section",
}
# keys users expect to work, and what does what they meant
WHERE_INSTEAD = {
    (LS, "log_level"): (
        # litellm/_logging.py:716 reads LITELLM_LOG once, at import
        "the proxy's log level is the env var LITELLM_LOG (DEBUG, INFO, WARNING, ERROR), or the --detailed_debug flag"
    ),
}
VALUE_CHARS = 200


# ---- findings ---------------------------------------------------------------------------------------


def _shown(path: tuple, value) -> str:
    """A value for a message: secrets masked, compact, cut at VALUE_CHARS."""
    key = next((p for p in reversed(path) if isinstance(p, str)), None)
    value = mask_value(key, value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def _ignored(ctx, path: tuple, why: str, where: str | None, *, delete: bool = True) -> bool:
    """One finding for an ignored key; with --unsafe-fixes, delete it. Returns True when deleted."""
    doc = ctx.doc
    what = f"{format_path(path)} = {_shown(path, doc.get(path))} is ignored ({why})"
    if not delete:
        ctx.report(what, path, manual=where)
        return False
    if not ctx.allow_unsafe(f"{what}; would delete it", path, manual=where):
        return False
    try:
        doc.delete(path, prune_empty=True)
    except EditRefused as exc:
        ctx.warn(f"{what}; not deleted ({exc.reason})", path, manual=where)
        return False
    ctx.report(f"deleted {what.replace(' is ignored (', ', ignored (', 1)}", path, manual=where)
    return True


OWNED_WHY = {
    (LS, "timeout"): "LiteLLM assigns it over its own timeout function, so it is no timeout",
    (RS, "health_check_interval"): "the proxy refuses to start with it in router_settings",
    (RS, "health_check_concurrency"): "the proxy refuses to start with it in router_settings",
}


def _owned(ctx, path: tuple, why: str, owner: tuple[str, str]) -> None:
    fix_id, does = owner
    why = OWNED_WHY.get(path, why)
    ctx.report(
        f"{format_path(path)} is ignored ({why}); {fix_id} {does}",
        path,
        manual=f"run `autofix apply --only {fix_id}` (what it cannot migrate stays, with its own finding)",
    )


def _claimed(ctx, path: tuple, why: str) -> bool:
    """A misspelling another fix renames: that fix reports it when it runs; otherwise one finding here."""
    claim = ctx.claimed(path)
    if claim is None:
        return False
    fix_id, does = claim
    if fix_id not in ctx.selected:
        ctx.report(
            f"{format_path(path)} is ignored ({why}); {fix_id} {does}",
            path,
            manual=f"run `autofix apply --only {fix_id} --unsafe-fixes`",
        )
    return True


def _close(key: str, pool) -> str | None:
    found = difflib.get_close_matches(key, sorted(pool), n=1, cutoff=0.75)
    return found[0] if found else None


# ---- sections ----------------------------------------------------------------------------------------


def _cors(value) -> str:
    origins = value.get("allowed_origins") if isinstance(value, dict) else None
    if isinstance(origins, str):
        origins = [origins]
    step = "set the env var LITELLM_CORS_ORIGINS to a comma-separated list of exact origins (unset: every origin)"
    if isinstance(origins, list) and origins and all(isinstance(o, str) for o in origins):
        step = (
            f"set the env var LITELLM_CORS_ORIGINS={','.join(origins)} (exact origins; unset: every origin)"
        )
        if any("*" in o and o != "*" for o in origins):
            step += " ('*' inside an origin is not a wildcard: list each origin with its port)"
    if isinstance(value, dict) and value.get("enabled") is False:
        step = "CORS cannot be switched off by config: LITELLM_CORS_ORIGINS restricts the origins"
    return step


def _server_settings(ctx, value) -> None:
    why = "LiteLLM reads no server_settings section"
    if not isinstance(value, dict) or not value:
        _ignored(ctx, ("server_settings",), why, "delete it")
        return
    owned = [k for k in value if ctx.owner(("server_settings", k))]
    if owned or not ctx.unsafe_fixes:
        for key, inner in list(value.items()):
            path = ("server_settings", key)
            if ctx.owner(path):
                _owned(ctx, path, why, ctx.owner(path))
                continue
            _ignored(ctx, path, why, _server_step(key, inner))
        return
    # everything can go: one edit for the section, one finding per key
    where = {key: _server_step(key, inner) for key, inner in value.items()}
    try:
        ctx.doc.delete(("server_settings",))
    except EditRefused as exc:
        ctx.warn(f"server_settings is ignored ({why}); not deleted ({exc.reason})", ("server_settings",))
        return
    for key, inner in value.items():
        path = ("server_settings", key)
        ctx.report(
            f"deleted {format_path(path)} = {_shown(path, inner)}, ignored ({why})", path, manual=where[key]
        )


def _server_step(key, value) -> str:
    if key == "cors":
        return _cors(value)
    template = SERVER.get(key)
    if template is None:
        return "LiteLLM's server options are CLI flags of `litellm` (see `litellm --help`)"
    return template.format(v=value)


def _top_level(ctx, key, value) -> None:
    if key == "server_settings":
        _server_settings(ctx, value)
        return
    path = (key,)
    if ctx.owner(path):
        _owned(ctx, path, "LiteLLM reads no such section", ctx.owner(path))
        return
    if _claimed(ctx, path, "LiteLLM reads no such section"):
        return
    if key in names("top_level_warned_keys"):
        # auth settings: moving them switches JWT auth on, deleting them drops the user's auth setup
        _ignored(
            ctx,
            path,
            "LiteLLM logs a warning and ignores it at the top level",
            f"move it under {GS}",
            delete=False,
        )
        return
    if key in TOP:
        where = TOP[key]
        if (value is False or value is None) and key != "test_mode":
            where = f"{key} = {_shown(path, value)} changes nothing either way; to turn it on, {where}"
        _ignored(ctx, path, "LiteLLM reads no such section", where)
        return
    guess = _close(str(key), read_sets()["sections"])
    if guess:  # a misspelled section holds settings meant to work: never deleted
        merge = " (merge it into the existing one)" if ctx.doc.exists((guess,)) else ""
        _ignored(ctx, path, "LiteLLM reads no such section", f"rename it to {guess}{merge}", delete=False)
        return
    _ignored(ctx, path, "LiteLLM reads no such section", "delete it")


# ---- settings keys -------------------------------------------------------------------------------------


def _elsewhere(section: str, key: str) -> str | None:
    sets = read_sets()
    homes = []
    if section != RS and key in sets[RS]:
        homes.append(f"{RS}.{key}")
    if section != LS and key in sets[LS] - names("litellm_lazy_attributes"):
        homes.append(f"{LS}.{key}")
    if section != GS and key_is_read(GS, key):
        homes.append(f"{GS}.{key}")
    return " or ".join(homes) or None


def _settings_key(ctx, section: str, key) -> None:
    path = (section, key)
    why = {
        RS: "not a Router argument; the proxy logs 'not a valid argument for Router.__init__()' and drops it",
        LS: f"LiteLLM sets litellm.{key}, which nothing reads",
        GS: "LiteLLM never reads it",
    }[section]
    if not versions.is_newest() and isinstance(key, str):
        later = versions.section_first_read(section, key)
        if later is not None and versions.key(later) > versions.key(versions.target()):
            why = f"not read by LiteLLM {versions.target()}; read from {later}"
    if ctx.owner(path):
        _owned(ctx, path, why, ctx.owner(path))
        return
    if _claimed(ctx, path, why):
        return
    if section == RS and key in MANAGED:
        _ignored(ctx, path, why, f"it belongs in {MANAGED[key]}")
        return
    if (section, key) in WHERE_INSTEAD:
        _ignored(ctx, path, why, WHERE_INSTEAD[(section, key)])
        return
    home = _elsewhere(section, str(key))
    if home:
        _ignored(ctx, path, why, f"it belongs under {home}")
        return
    pool = (
        read_sets()[section]
        if section != LS
        else read_sets()["litellm_globals"] | names("litellm_settings_special")
    )
    guess = _close(str(key), pool)
    _ignored(ctx, path, why, f"did you mean {section}.{guess}?" if guess else "delete it")


def _misplaced_aliases(ctx, section, value) -> None:
    """litellm_settings/general_settings.model_group_alias: never read; its home is
    router_settings.model_group_alias (`proxy_server.py:12674` reads only that one)."""
    doc = ctx.doc
    src, dst = (section, "model_group_alias"), (RS, "model_group_alias")
    why = (
        "LiteLLM sets litellm.model_group_alias, which nothing reads"
        if section == LS
        else "LiteLLM never reads it in general_settings"
    )
    if not isinstance(value, dict):
        _ignored(ctx, src, why, f"aliases belong under {RS}.model_group_alias")
        return
    current = doc.get(dst)
    if current is not MISSING and current is not None and not isinstance(current, dict):
        _ignored(ctx, src, why, f"aliases belong under {RS}.model_group_alias", delete=False)
        return
    current = current or {}
    moved = [a for a in value if a not in current]
    kept = [a for a in value if a in current and current[a] != value[a]]
    what = f"{format_path(src)} is ignored ({why})"
    plan = (
        f"would move its aliases {', '.join(map(str, moved))} to {RS}.model_group_alias"
        if moved
        else "would delete it"
    )
    plan += f" ({RS} defines {', '.join(map(str, kept))} already, and keeps its own)" if kept else ""
    if not ctx.allow_unsafe(f"{what}; {plan}", src, manual=f"move its entries under {RS}.model_group_alias"):
        return
    try:
        if current or doc.exists(dst):
            for alias in moved:  # each with its comments; the rest goes with the old key
                doc.move((*src, alias), (*dst, alias))
            doc.delete(src, prune_empty=True)
        else:
            doc.move(src, dst)  # the block above it, its inline comment and those inside go along
            if doc.get((section,)) == {}:
                doc.delete((section,))  # nothing else was in it
    except EditRefused as exc:
        ctx.warn(
            f"{what}; not moved ({exc.reason})", src, manual=f"move its entries under {RS}.model_group_alias"
        )
        return
    dropped = ", ".join(f"{a} = {_shown((a,), value[a])}" for a in kept)
    ctx.report(
        f"moved {format_path(src)} to {RS}.model_group_alias, where LiteLLM reads it; its aliases "
        f"{', '.join(map(str, moved)) or '(none new)'} are callable now"
        + (f"; dropped {dropped}, which {RS} defines differently" if kept else ""),
        src,  # its line on disk (the moved key is not there yet)
    )


# ---- deployments -------------------------------------------------------------------------------------


def _deployments(ctx) -> None:
    models = ctx.doc.get(("model_list",))
    if not isinstance(models, list):
        return
    found: dict[str, list[int]] = {"tags": [], "provider": []}
    for i, dep in enumerate(models):
        info = dep.get("model_info") if isinstance(dep, dict) else None
        if isinstance(info, dict):
            for key in found:
                if key in info:
                    found[key].append(i)
    why = {
        "tags": "tag routing reads litellm_params.tags, only with router_settings.enable_tag_filtering set to "
        "true, and then chooses among the deployments of the requested model group",
        "provider": "LiteLLM takes the provider from litellm_params.model (its prefix) or "
        "litellm_params.custom_llm_provider",
    }
    where = {
        "tags": "for tag routing inside a model group, put the tags in litellm_params.tags and set "
        "router_settings.enable_tag_filtering to true (requests whose tags match no deployment then fail)",
        "provider": "delete it (keep it only if your own tooling reads /model/info)",
    }
    for key, indexes in found.items():
        if not indexes:
            continue
        paths = [("model_list", i, "model_info", key) for i in indexes]
        raws = [ctx.doc.get(p) for p in paths]
        deps = listed([f"model_list[{i}]" for i in indexes])
        value = f" ({_shown(paths[0], raws[0])})" if all(identical(r, raws[0]) for r in raws) else ""
        what = f"model_info.{key}{value} on {len(indexes)} deployment{'s' if len(indexes) > 1 else ''} ({deps}) is stored but never read ({why[key]})"
        if not ctx.allow_unsafe(f"{what}; would delete it", paths[0], manual=where[key]):
            continue
        deleted, refused, first = [], [], None
        for p, raw in zip(paths, raws, strict=True):
            try:
                ctx.doc.delete(p, prune_empty=True)
                deleted.append(f"model_list[{p[1]}] = {_shown(p, raw)}")
                first = first or p
            except EditRefused:
                refused.append(f"model_list[{p[1]}]")
        if deleted:
            ctx.report(
                f"deleted model_info.{key} from {len(deleted)} deployment{'s' if len(deleted) > 1 else ''}, stored but "
                f"never read ({why[key]}); the values were {'; '.join(deleted)}",
                first,
                manual=where[key],
            )
        if refused:
            ctx.warn(
                f"model_info.{key} not deleted from {', '.join(refused)}: their model_info is shared through a YAML "
                "anchor, and deleting it there would change every deployment that uses it",
                paths[0],
                manual=f"delete model_info.{key} from the anchored block by hand",
            )


# ---- include: sections another file replaces ---------------------------------------------------------------


def _replaced_sections(ctx) -> None:
    """A top-level section an included file also sets: LiteLLM keeps only the later one.

    `proxy/common_utils/config_includes.py` `_merged_value`: a list value extends the list so far, any
    other value replaces it, so a root `litellm_settings` is dead when an included file has its own
    (`/metrics` is then 404 for a root `callbacks: [prometheus]`). Only a config set read with its
    include files can tell; a single file has no replaced sections.
    """
    replaced = getattr(ctx.doc, "replaced_sections", None)
    if replaced is None:
        return
    for key, file, line, by, value in replaced():
        dead = f" ({', '.join(map(str, value))})" if isinstance(value, dict) and value else ""
        ctx.warn(
            f"{key} here is replaced by the {key} of {by}, which LiteLLM merges in later: a value that is not a "
            f"list is overwritten, not merged, so none of it takes effect{dead}",
            None,
            manual=f"merge it into the {key} of {by} (or keep {key} in one file only)",
            line=line,
            file=file,
        )


# ---- the fix -------------------------------------------------------------------------------------------


def fix(ctx):
    doc = ctx.doc
    _replaced_sections(ctx)
    root = doc.get(())
    if not isinstance(root, dict):
        return
    for key, value in list(root.items()):
        if not isinstance(key, str) or not section_is_read(key) or ctx.owner((key,)):
            _top_level(ctx, key, value)
    for section in (RS, LS, GS):
        settings = doc.get((section,))
        if not isinstance(settings, dict):
            continue
        for key in list(settings):
            if not isinstance(key, str) or (key_is_read(section, key) and not ctx.owner((section, key))):
                continue
            if section in (LS, GS) and key == "model_group_alias":
                _misplaced_aliases(ctx, section, settings[key])
            else:
                _settings_key(ctx, section, key)
    _deployments(ctx)
