"""## What it does
Repairs `router_settings.model_group_alias` entries whose value is a list:
- a one-element list (`reasoning: [deepseek]`) becomes the plain string (`reasoning: deepseek`), also
  inside the `{model: [...], hidden: ...}` form;
- with `--unsafe-fixes`, a longer list (`code: [a, b]`) is replaced by a routing group with the alias
  as its name: the alias entry is deleted and `router_settings.routing_groups` gets
  `{group_name: code, models: [a, b], routing_strategy: S}`, where S is the router's own
  `routing_strategy` as the file has it when this fix runs (after G3 in the same run), `simple-shuffle`
  when none is set (with the router's `routing_strategy_args` for a strategy that takes them);
- when a listed group already belongs to another non-priority routing group (LiteLLM allows a model
  in only one), it writes `code: a` plus a fallback keyed by the alias instead,
  `router_settings.fallbacks: [{code: [b]}]` (added to an existing entry for the alias, or to
  `litellm_settings.fallbacks` when only that list is in use);
- `model_group_alias` is removed when no entry is left.

It reports listed names that are no `model_name` of `model_list`, and leaves an alias alone (reported)
when its name is a `model_name` or an existing routing group, is `default` (reserved), or the router's
strategy is not one LiteLLM knows. `litellm_settings.model_group_alias` is never read: X5 reports it.

## Why is this bad?
LiteLLM reads an alias target only as a string (or `{model: string}`): with a list the config loads
without a message, the alias is missing from `/v1/models`, and every request to it fails with
`There are no healthy deployments for this model`. A routing group is the 1.110 way to serve several
model groups under one name: requests to it are spread over every deployment of the listed groups
(measured: 6/5 over 10 requests), with no deployment copied, so rpm/tpm counters, cooldowns and health
checks stay shared. A fallback keyed by the alias is the other working form: it fails over, but does not
spread load. A fallback keyed by the first group does not fire for requests to the alias.

## Example
```yaml
router_settings:
  model_group_alias:
    code_generation: [qwen2.5-coder:7b, qwen3-coder:480b-cloud]
    reasoning: [deepseek-v3.1:671b-cloud]
```
Use instead:
```yaml
router_settings:
  model_group_alias:
    reasoning: deepseek-v3.1:671b-cloud
  routing_groups:
    - group_name: code_generation
      models: [qwen2.5-coder:7b, qwen3-coder:480b-cloud]
      routing_strategy: simple-shuffle
```

## Fix safety
The one-element case is safe: the string is what the list meant. A longer list is unsafe: the alias
starts answering, and a group's `routing_strategy` also applies to direct requests to its members
(autofix copies the router's own strategy so that these do not change; if the router's strategy changes
later, change the group's too). Priority p1: the alias fails every request.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from autofix.changes import MISSING
from autofix.errors import EditRefused
from autofix.litellm_data import names
from autofix.values import LS, RS

ID = "X1"
SLUG = "model-group-alias"
PRIORITY = "p1"
SAFETY = "mixed"
TITLE = "List-valued model_group_alias: one name becomes a string, several a routing group"

ALIAS = (RS, "model_group_alias")
GROUPS = (RS, "routing_groups")
STRATEGY = (RS, "routing_strategy")
STRATEGY_ARGS = (RS, "routing_strategy_args")
DEFAULT_STRATEGY = "simple-shuffle"
# litellm_core_utils/routing_groups.py: "'default' is reserved for the implicit fallback group"
RESERVED = "default"
USAGE_BASED = ("usage-based-routing", "usage-based-routing-v2")  # what G3 replaces
FAILS = "every request to it fails ('There are no healthy deployments for this model')"


def _model_names(doc) -> tuple[set[str], list[str], bool]:
    """(model_names, wildcard model_names, whether the file has a model_list at all)."""
    models = doc.get(("model_list",))
    if not isinstance(models, list):
        return set(), [], False
    found = {d.get("model_name") for d in models if isinstance(d, dict)}
    found = {n for n in found if isinstance(n, str)}
    return found, [n for n in found if "*" in n], True


def _listed(items: list[str]) -> str:
    return ", ".join(items)


class _Groups:
    """The routing groups in the file (and those this run adds): names and member owners."""

    def __init__(self, ctx):
        value = ctx.doc.get(GROUPS)
        self.ok = value is MISSING or value is None or isinstance(value, list)
        self.names: set[str] = set()
        self.owner: dict[str, str] = {}  # model_name -> non-priority group that holds it
        for group in value if isinstance(value, list) else []:
            if not isinstance(group, dict):
                continue
            name = group.get("group_name")
            if isinstance(name, str):
                self.names.add(name)
            if group.get("routing_strategy") == "priority":
                continue
            for member in group.get("models") or []:
                if isinstance(member, str):
                    self.owner.setdefault(member, str(name))

    def add(self, name: str, members: list[str]) -> None:
        self.names.add(name)
        for member in members:
            self.owner.setdefault(member, name)


def _strategy(ctx) -> tuple[str | None, dict | None]:
    """The router's routing strategy (and args that go with it); None when it cannot be copied."""
    value = ctx.doc.get(STRATEGY)
    if value is MISSING or value is None:
        return DEFAULT_STRATEGY, None
    if isinstance(value, str) and value in names("routing_strategies"):
        args = ctx.doc.get(STRATEGY_ARGS)
        if value != DEFAULT_STRATEGY and isinstance(args, dict) and args:
            return value, args
        return value, None
    return None, None


def _fallback_target(doc) -> tuple[str, ...]:
    """The fallbacks list the router uses: its own, else litellm_settings.fallbacks when that one is live."""
    router = doc.get((RS, "fallbacks"))
    if isinstance(router, list) and router:
        return (RS, "fallbacks")
    legacy = doc.get((LS, "fallbacks"))
    if (router is MISSING or router is None or router == []) and isinstance(legacy, list) and legacy:
        return (LS, "fallbacks")
    return (RS, "fallbacks")


def _add_fallbacks(ctx, alias: str, rest: list[str]) -> tuple[str, ...]:
    doc = ctx.doc
    path = _fallback_target(doc)
    current = doc.get(path)
    if isinstance(current, list):
        for i, entry in enumerate(current):
            if isinstance(entry, dict) and len(entry) == 1 and alias in entry:
                targets = entry[alias]
                old = (
                    [targets]
                    if isinstance(targets, str)
                    else list(targets)
                    if isinstance(targets, list)
                    else []
                )
                new = old + [t for t in rest if t not in old]
                if new != targets:
                    doc.set((*path, i, alias), new)
                return path
    doc.append(path, {alias: rest})
    return path


def _unknown(ctx, alias: str, path, unknown: list[str], has_model_list: bool) -> None:
    where = (
        "model_list"
        if has_model_list
        else "this file (it has no model_list; models may come from the database)"
    )
    ctx.warn(
        f"model_group_alias.{alias} names {_listed(unknown)}, which is no model_name in {where}",
        path,
        manual="use the model_name of a model_list entry",
    )


def fix(ctx):
    doc = ctx.doc
    aliases = doc.get(ALIAS)
    if not isinstance(aliases, dict):
        if aliases is not MISSING and aliases is not None:
            ctx.warn(
                "router_settings.model_group_alias is not a mapping, so LiteLLM reads no alias from it",
                ALIAS,
                manual="write it as model_group_alias: {alias: model_group}",
            )
        return
    listy = [
        (a, v) for a, v in aliases.items()
        if isinstance(v, list) or (isinstance(v, dict) and isinstance(v.get("model"), list))
    ]  # fmt: skip
    if not listy:
        return
    model_names, wildcards, has_model_list = _model_names(doc)
    groups = _Groups(ctx)
    callable_names = model_names | groups.names | {a for a, v in aliases.items() if isinstance(v, str | dict)}

    def known(name: str, members_only: bool = False) -> bool:
        pool = model_names if members_only else callable_names
        return name in pool or any(fnmatchcase(name, w) for w in wildcards)

    removed: list[str] = []
    for alias, value in listy:
        path = (*ALIAS, alias)
        hidden_form = isinstance(value, dict)
        items = value["model"] if hidden_form else value
        bad = [i for i in items if not isinstance(i, str) or not i]
        if bad:
            ctx.warn(
                f"model_group_alias.{alias} is a list with entries that are not model group names; {FAILS}",
                path,
                manual=f"write model_group_alias.{alias}: <model_name>",
            )
            continue
        listed = list(dict.fromkeys(items))
        if not listed:
            ctx.warn(
                f"model_group_alias.{alias} is an empty list; {FAILS}",
                path,
                manual=f"write model_group_alias.{alias}: <model_name>, or delete the alias",
            )
            continue
        if len(listed) == 1:
            target = (*path, "model") if hidden_form else path
            try:
                doc.set(target, listed[0])
            except EditRefused as exc:
                ctx.warn(f"model_group_alias.{alias} not rewritten ({exc.reason}); {FAILS}", path)
                continue
            ctx.report(
                f"model_group_alias.{alias} was a one-element list and is now the string {listed[0]!r} "
                "(with a list, every request to the alias failed)",
                path,
            )
            if not known(listed[0]):
                _unknown(ctx, alias, path, listed, has_model_list)
            continue
        _several(ctx, alias, path, listed, hidden_form, groups, known, has_model_list, model_names, removed)
    if removed and len(removed) == len(aliases):
        doc.delete(ALIAS)
    else:
        for alias in removed:
            doc.delete((*ALIAS, alias))


# router_strategy/simple_shuffle.py: the first of these that any deployment sets is the weight of every one
WEIGHTS = ("weight", "rpm", "tpm")


def _positive(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _warn_idle(ctx, alias: str, members: list[str], strategy: str) -> None:
    """simple-shuffle picks among all the group's deployments by litellm_params weight, else rpm, else tpm:
    a listed group whose deployments lack the metric that another one sets gets no traffic through it."""
    if strategy != DEFAULT_STRATEGY:
        return
    models = ctx.doc.get(("model_list",))
    params: dict[str, list] = {}
    for d in models if isinstance(models, list) else []:
        if isinstance(d, dict) and d.get("model_name") in members:
            p = d.get("litellm_params")
            params.setdefault(d["model_name"], []).append(p if isinstance(p, dict) else {})
    for metric in WEIGHTS:
        weighted = [m for m in members if any(_positive(p.get(metric)) for p in params.get(m, []))]
        if not weighted:
            continue
        idle = [m for m in members if m in params and m not in weighted]
        if idle:
            one = len(idle) == 1
            ctx.warn(
                f"through the routing group {alias!r}, simple-shuffle picks a deployment by litellm_params.{metric}, "
                f"which {_listed(weighted)} set{'s' if len(weighted) == 1 else ''} and {_listed(idle)} "
                f"do{'es' if one else ''} not, so {_listed(idle)} get{'s' if one else ''} no traffic from it "
                "(measured)",
                GROUPS,
                manual=f"give every deployment of {_listed(members)} a litellm_params.weight (weight is read "
                "before rpm and tpm)",
            )
        return


def _several(ctx, alias, path, listed, hidden_form, groups, known, has_model_list, model_names, removed):
    """A list of several groups: a routing group (or alias + fallbacks), with --unsafe-fixes."""
    doc = ctx.doc
    unknown = [n for n in listed if not known(n, members_only=True)]
    members = [n for n in listed if n not in unknown]
    if unknown and members:
        _unknown(ctx, alias, path, unknown, has_model_list)
    if hidden_form:
        ctx.warn(
            f"model_group_alias.{alias} lists {len(listed)} model groups under `model`; {FAILS}; a hidden alias "
            "has no routing-group equivalent, so it is left as it is",
            path,
            manual=f"point model_group_alias.{alias}.model at one model_name, or replace the alias by a "
            f"router_settings.routing_groups entry named {alias}",
        )
        return
    blocker = None
    if not members:
        where = "model_list" if has_model_list else "this file (it has no model_list)"
        blocker = f"none of the listed names is a model_name in {where}"
    elif alias in model_names:
        blocker = f"{alias!r} is also a model_name, which would shadow a routing group of that name"
    elif alias in groups.names:
        blocker = f"a routing group named {alias!r} exists already"
    elif alias == RESERVED:
        blocker = "'default' is reserved for LiteLLM's implicit routing group"
    elif not groups.ok:
        blocker = "router_settings.routing_groups is not a list"
    strategy, args = _strategy(ctx)
    if blocker is None and strategy is None:
        blocker = f"the router's routing_strategy {doc.get(STRATEGY)!r} is not one LiteLLM knows"
    if blocker:
        ctx.warn(
            f"model_group_alias.{alias} lists {len(listed)} model groups; {FAILS}; not rewritten, because {blocker}",
            path,
            manual=f"serve the groups under one name with a router_settings.routing_groups entry (group_name "
            f"{alias}, models {_listed(listed)}), or point the alias at one model_name",
        )
        return
    taken = [m for m in listed if m in groups.owner]
    if not taken:
        # unknown names stay members: LiteLLM warns at startup and uses them once such a deployment exists
        entry = {"group_name": alias, "models": listed, "routing_strategy": strategy}
        if args:
            entry["routing_strategy_args"] = args
        what = (
            f"model_group_alias.{alias} lists {len(listed)} model groups, so {FAILS}: replace it by a routing "
            f"group {alias!r} spreading requests over {_listed(listed)} ({strategy}, the router's strategy)"
        )
        if not ctx.allow_unsafe(what, path):
            return
        doc.append(GROUPS, entry)
        groups.add(alias, listed)
        removed.append(alias)
        later = (
            "; G3 replaces usage-based routing with simple-shuffle on the router only: run it first (the default "
            "selection does) or change the group's strategy with the router's"
            if strategy in USAGE_BASED
            else ""
        )
        _warn_idle(ctx, alias, listed, strategy)
        ctx.report(
            f"replaced model_group_alias.{alias} (a list: every request to it failed) by the routing group "
            f"{alias!r} over {_listed(listed)} with routing_strategy {strategy}, the router's own: a group's "
            f"strategy also applies to direct requests to its members{later}",
            GROUPS,
        )
        return
    first = members[0]
    rest = [n for n in listed if n != first]
    owners = sorted({groups.owner[m] for m in taken})
    belong = f"{_listed(taken)} {'is' if len(taken) == 1 else 'are'} already in the routing group{'s' if len(owners) > 1 else ''} {_listed(owners)}"
    what = (
        f"model_group_alias.{alias} lists {len(listed)} model groups, so {FAILS}; {belong} (a model may be in "
        f"only one): point the alias at {first} "
        f"and add fallbacks keyed by {alias} to {_listed(rest)} (failover, no load spreading)"
    )
    if not ctx.allow_unsafe(what, path):
        return
    doc.set(path, first)
    target = _add_fallbacks(ctx, alias, rest)
    section = target[0]
    ctx.report(
        f"model_group_alias.{alias} (a list: every request to it failed) now points at {first}, with fallbacks "
        f"keyed by the alias in {section}.fallbacks to {_listed(rest)}: requests fail over, they are not spread "
        f"({belong}, and a model may be in only one)",
        path,
    )
