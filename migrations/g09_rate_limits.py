"""## What it does
Moves the per-model limits of the custom `rate_limit_settings` section into LiteLLM's own per-deployment
limits: `rate_limit_settings.limits.<model_name>.rpm` / `.tpm` become `litellm_params.rpm` / `.tpm` of
the deployment with that `model_name`, and, when the section was enabled (`enabled: true` or no
`enabled`), `enforce_model_rate_limits` is appended to `router_settings.optional_pre_call_checks`.
`rate_limit_settings` is deleted once everything in it was moved; what could not be moved stays, and
is reported.

## Why is this bad?
LiteLLM has no `rate_limit_settings` section: it is ignored without any message, so none of its limits
applies. LiteLLM's native limits are per deployment (`litellm_params.rpm`/`tpm`), enforced under any
routing strategy by the `enforce_model_rate_limits` pre-call check, which answers 429 ("Model rate
limit exceeded") once a deployment's limit is reached in the current minute. No database or virtual
keys are needed (the audit says otherwise).

## Example
```yaml
model_list:
  - model_name: llama3.1:latest
    litellm_params:
      model: ollama/llama3.1:latest
rate_limit_settings:
  enabled: true
  limits:
    llama3.1:latest:
      rpm: 100
      tpm: 50000
```
Use instead:
```yaml
model_list:
  - model_name: llama3.1:latest
    litellm_params:
      model: ollama/llama3.1:latest
      rpm: 100
      tpm: 50000
router_settings:
  optional_pre_call_checks: ["enforce_model_rate_limits"]
```

## Fix safety
Safe when selected (P2: it runs only with `--only p2` or its id). A limit is moved only to the one
deployment of that name. The check counts per deployment, so copying a limit R to N > 1 deployments
would allow N×R for the group: with `--unsafe-fixes` each gets floor(R/N) (at least 1), reported;
otherwise the limit stays. An existing different rpm/tpm on the deployment (top level,
`litellm_params` or `model_info`) is never overwritten: the limit stays and the conflict is reported;
an equal one counts as moved. A limit naming no deployment, a value that is not a positive integer,
a deployment whose `litellm_params` is shared through an anchor, and any other key stay and are
reported. A section with `enabled: false` is left alone and reported.
The counters are per proxy instance unless the router has Redis (`router_settings.redis_host` and
`redis_port`, or `redis_url`); under simple-shuffle the moved values are also routing weights between
the deployments of a group; the new check also enforces rpm/tpm that other deployments already had.
"""

from autofix.changes import MISSING
from autofix.errors import EditRefused
from autofix.values import RS, as_int, listed, show

ID = "G9"
SLUG = "rate-limits"
PRIORITY = "p2"
SAFETY = "mixed"
TITLE = "Per-model limits from rate_limit_settings as litellm_params rpm/tpm, enforced by the router"
# Paths this fix migrates: X5 reports them but never deletes them (path -> what this fix does)
OWNS = {
    ("rate_limit_settings",): "moves its limits to the deployments' litellm_params",
}

SECTION = "rate_limit_settings"
LIMITS = (SECTION, "limits")
CHECKS = (RS, "optional_pre_call_checks")
CHECK = "enforce_model_rate_limits"
KEYS = ("rpm", "tpm")
NOT_DATA = ("enabled", "limits")
FALSE_STRINGS = {"false", "no", "off", "n", "0"}


def _groups(doc):
    """model_name -> indexes of its deployments in model_list."""
    models = doc.get(("model_list",))
    groups = {}
    for i, dep in enumerate(models if isinstance(models, list) else []):
        if isinstance(dep, dict) and dep.get("model_name") is not None:
            groups.setdefault(dep["model_name"], []).append(i)
    return groups


def _shared_ids(root):
    """ids of the mappings reached more than once: nodes shared through an anchor (PyYAML builds an alias
    as the same object), which the Document refuses to edit."""
    seen, shared, stack = set(), set(), [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict | list):
            continue
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        stack.extend(node.values() if isinstance(node, dict) else node)
    return shared


def _existing(dep, key):
    """The deployment's own limit as the rate-limit check reads it (top level, litellm_params, model_info)."""
    for where, place in (
        ("", dep),
        ("litellm_params.", dep.get("litellm_params")),
        ("model_info.", dep.get("model_info")),
    ):
        if isinstance(place, dict) and place.get(key) is not None:
            return f"{where}{key}", place[key]
    return None, None


class _Entry:
    """What happened to one rate_limit_settings.limits entry."""

    def __init__(self, name):
        self.name = name
        self.moved = []  # keys to delete: now in the deployments (written, or already there), or null
        self.placed = set()  # (deployment index, key) of each limit now in the deployments
        self.kept = []  # (key or None, why, manual); why None: reported already


def _move_key(ctx, entry, key, value, indexes, unsafe_ok, shared):
    """Move one limit. Returns a description of what was written, or None."""
    doc = ctx.doc
    name = entry.name
    number = as_int(value)
    source = f"rate_limit_settings.limits.{name}.{key}"
    if number is None or number <= 0:
        entry.kept.append(
            (key, f"{show(value)} is not a positive integer", f"write {source} as a positive integer")
        )
        return None
    models = doc.get(("model_list",))
    n = len(indexes)
    share = number if n == 1 else max(1, number // n)
    if n > 1:
        total = share * n
        what = (
            f"split {source}: {number} over the {n} deployments of {name!r}: {share} each "
            f"({total} for the group; limits are counted per deployment, so copying {number} to each would allow "
            f"{number * n})"
        )
        manual = (
            f"set litellm_params.{key} on each deployment of {name!r} so that they add up to {number} (e.g. "
            f"{share} each), then delete {source}"
        )
        if not unsafe_ok(what, (*LIMITS, name, key), manual=manual):
            entry.kept.append((key, None, None))
            return None
    writes, conflicts, blocked = [], [], []
    for i in indexes:
        dep = models[i]
        where, current = _existing(dep, key)
        if current is None:
            if not isinstance(dep.get("litellm_params"), dict):
                blocked.append(f"model_list[{i}] has no litellm_params mapping")
            elif id(dep["litellm_params"]) in shared:
                blocked.append(f"model_list[{i}].litellm_params is shared through an anchor (&name/*name)")
            else:
                writes.append(i)
        elif as_int(current) != share:
            conflicts.append(f"model_list[{i}] already has {where}: {show(current)}")
    if conflicts:
        entry.kept.append(
            (
                key,
                f"{'; '.join(conflicts)} (never overwritten)",
                f"keep the right {key} on the deployment{'s' if n > 1 else ''} of {name!r}, then delete {source}",
            )
        )
        return None
    each = f" on each deployment of {name!r}" if n > 1 else ""
    if blocked:
        entry.kept.append(
            (
                key,
                "; ".join(blocked),
                f"set litellm_params.{key}: {share}{each} by hand, then delete {source}",
            )
        )
        return None
    for done, i in enumerate(writes):
        try:
            doc.set(("model_list", i, "litellm_params", key), share)
        except EditRefused as exc:
            if done:
                raise  # writes to the group's other deployments are queued: the runner rolls G9 back, reported
            entry.kept.append(
                (key, exc.reason, f"set litellm_params.{key}: {share}{each} by hand, then delete {source}")
            )
            return None
    entry.moved.append(key)
    entry.placed |= {(i, key) for i in indexes}
    shown = number if isinstance(value, int) else show(value)
    done = f"{key} {shown}" if n == 1 else f"{key} {shown} as {share} each"
    return done + ("" if writes else " (already there)")


def _entry(ctx, name, limits, groups, aliases, unsafe_ok, shared):
    entry = _Entry(name)
    indexes = groups.get(name, [])
    moved = []
    if not isinstance(limits, dict):
        entry.kept.append((None, "it is not a mapping of rpm/tpm", f"write it as {name}: {{rpm: N, tpm: N}}"))
        return entry, moved
    if not indexes:
        alias = aliases.get(name) if isinstance(aliases, dict) else None
        target = alias.get("model") if isinstance(alias, dict) else alias
        hint = f" (it is a model_group_alias of {target!r})" if isinstance(target, str) else ""
        entry.kept.append(
            (
                None,
                f"no deployment has the model_name {name!r}{hint}",
                f"put the limit on the deployments that serve {name!r} (litellm_params.rpm/tpm), or delete the entry",
            )
        )
        return entry, moved
    parts = []
    for key, value in limits.items():
        if key not in KEYS:
            entry.kept.append(
                (
                    key,
                    "only rpm and tpm are moved",
                    f"set it by hand in litellm_params of the deployments of {name!r} if LiteLLM has such a limit "
                    "(e.g. rpd, tpd, max_parallel_requests), or delete it",
                )
            )
            continue
        if value is None:
            entry.moved.append(key)  # no value: nothing to move
            continue
        done = _move_key(ctx, entry, key, value, indexes, unsafe_ok, shared)
        if done:
            parts.append(done)
    if parts:
        where = f"model_list[{indexes[0]}]" if len(indexes) == 1 else f"model_list{indexes}"
        moved.append(f"{name}: {', '.join(parts)} → {where}")
    return entry, moved


def _delete_moved(ctx, section, entries):
    """Delete what was moved: the whole section when nothing else is left in it."""
    doc = ctx.doc
    limits = section.get("limits")
    left = [e for e in entries if e.kept]
    others = [k for k in section if k not in NOT_DATA]
    if not left and not others:
        doc.delete((SECTION,))
        return True
    if not left and isinstance(limits, dict) and limits:
        doc.delete(LIMITS)
        return False
    for e in entries:
        if not e.moved:
            continue
        if not e.kept:
            doc.delete((*LIMITS, e.name))
        else:
            for key in e.moved:
                doc.delete((*LIMITS, e.name, key))
    return False


def _enabled(section):
    value = section.get("enabled", True)
    return not (value is False or (isinstance(value, str) and value.strip().lower() in FALSE_STRINGS))


def _has_redis(doc):
    router = doc.get((RS,))
    if not isinstance(router, dict):
        return False
    return router.get("redis_url") is not None or (
        router.get("redis_host") is not None and router.get("redis_port") is not None
    )


def _limited_elsewhere(doc, placed):
    """Deployments that already carried an rpm/tpm (not one moved here) the new check starts enforcing."""
    models = doc.get(("model_list",))
    out = []
    for i, dep in enumerate(models if isinstance(models, list) else []):
        if not isinstance(dep, dict):
            continue
        keys = [k for k in KEYS if (i, k) not in placed and _existing(dep, k)[1] is not None]
        if keys:
            out.append(f"[{i}] {dep.get('model_name')} ({', '.join(keys)})")
    return out


def _add_check(ctx, placed):
    doc = ctx.doc
    router = doc.get((RS,))
    if router is not MISSING and router is not None and not isinstance(router, dict):
        ctx.warn(
            "router_settings is not a mapping: enforce_model_rate_limits not added, so the moved limits are only "
            "routing weights",
            (RS,),
            manual="add enforce_model_rate_limits to router_settings.optional_pre_call_checks",
        )
        return
    try:
        added = doc.append(CHECKS, CHECK)
    except EditRefused as exc:
        ctx.warn(
            f"enforce_model_rate_limits not added ({exc.reason}): the moved limits are only routing weights",
            CHECKS,
            manual="add enforce_model_rate_limits to router_settings.optional_pre_call_checks",
        )
        return
    if not added:
        return
    ctx.report(
        "added enforce_model_rate_limits to router_settings.optional_pre_call_checks: it enforces litellm_params "
        "rpm/tpm under any routing strategy (429 'Model rate limit exceeded' once a deployment's limit is reached "
        "in the current minute, instead of trying another deployment)",
        CHECKS,
    )
    others = _limited_elsewhere(doc, placed)
    if others:
        ctx.report(
            f"enforce_model_rate_limits also enforces the rpm/tpm the deployments already had: {listed(others, sep='; ')}",
            CHECKS,
            manual="remove rpm/tpm from deployments where they were meant only as routing weights (use "
            "litellm_params.weight)",
        )


def fix(ctx):
    doc = ctx.doc
    section = doc.get((SECTION,))
    if section is MISSING:
        return
    if section is None or section == {}:
        doc.delete((SECTION,))
        ctx.report("removed an empty rate_limit_settings (LiteLLM never reads this section)", (SECTION,))
        return
    if not isinstance(section, dict):
        ctx.warn(
            "rate_limit_settings is not a mapping, and LiteLLM never reads it (left in place)",
            (SECTION,),
            manual="set rpm/tpm in litellm_params of each deployment and add enforce_model_rate_limits to "
            "router_settings.optional_pre_call_checks",
        )
        return
    limits = section.get("limits")
    others = [k for k in section if k not in NOT_DATA]
    has_limits = isinstance(limits, dict) and bool(limits)
    if not _enabled(section):
        if not has_limits and not others and limits in (None, {}):
            doc.delete((SECTION,))
            ctx.report(
                "removed rate_limit_settings: disabled, without limits, and never read by LiteLLM", (SECTION,)
            )
            return
        ctx.report(
            f"rate_limit_settings is disabled (enabled: {show(section.get('enabled'))}), and LiteLLM never reads it: "
            "its limits were not moved",
            (SECTION, "enabled"),
            manual="to enforce them, run autofix --only G9 after setting enabled: true; otherwise delete the section",
        )
        return
    if limits is not None and not isinstance(limits, dict):
        ctx.warn(
            "rate_limit_settings.limits is not a mapping of model names, and LiteLLM never reads it (left in place)",
            LIMITS,
            manual="set rpm/tpm in litellm_params of each deployment",
        )
        return
    groups = _groups(doc)
    aliases = doc.get((RS, "model_group_alias"))
    shared = _shared_ids(doc.get(())) if limits else set()
    entries, moved = [], []
    for name, value in (limits or {}).items():
        entry, done = _entry(ctx, name, value, groups, aliases, ctx.allow_unsafe, shared)
        entries.append(entry)
        moved += done
    deleted = _delete_moved(ctx, section, entries)
    if moved:
        ctx.report(
            "moved rate_limit_settings.limits (LiteLLM never reads this section) to litellm_params of the "
            f"deployments: {listed(moved, sep='; ')}",
            ("model_list",),
        )
    elif deleted:
        ctx.report("removed rate_limit_settings: it holds no limits, and LiteLLM never reads it", (SECTION,))
    for entry in entries:
        for key, why, manual in entry.kept:
            if why is None:
                continue
            where = f"rate_limit_settings.limits.{entry.name}" + (f".{key}" if key else "")
            path = (*LIMITS, entry.name) + ((key,) if key else ())
            ctx.warn(f"kept {where} (never read by LiteLLM): {why}", path, manual=manual)
    for key in others:
        ctx.warn(
            f"kept rate_limit_settings.{key}: LiteLLM never reads this section, and {key} has no per-deployment form",
            (SECTION, key),
            manual="move it where LiteLLM reads such a setting, or delete it",
        )
    if not any(e.placed for e in entries):
        return
    _add_check(ctx, set().union(*(e.placed for e in entries)))
    if _has_redis(doc):
        ctx.report(
            "rate-limit counters are shared by every proxy instance through the router's Redis "
            "(router_settings redis_host/redis_port or redis_url)",
            (RS,),
        )
    else:
        ctx.report(
            "rate-limit counters are kept per proxy instance: behind a load balancer, each instance allows the full "
            "limit",
            (RS,) if doc.exists((RS,)) else ("model_list",),
            manual="to share them, set router_settings.redis_host and redis_port (or redis_url)",
        )
    ctx.report(
        "no database or virtual keys are needed for these limits (the audit says otherwise): the router counts them "
        "in its cache; under simple-shuffle, rpm/tpm in litellm_params are also the routing weights between the "
        "deployments of a group",
        ("model_list",),
    )
