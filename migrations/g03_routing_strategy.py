"""## What it does
Replaces `router_settings.routing_strategy: usage-based-routing-v2` (or the deprecated
`usage-based-routing`) with `simple-shuffle`. When any deployment carries rpm/tpm limits, appends
`enforce_model_rate_limits` to `router_settings.optional_pre_call_checks`, so the limits stay
enforced.

## Why is this bad?
LiteLLM's docs call usage-based routing bad for performance: with Redis it adds round trips to
every request. simple-shuffle is the default and recommended strategy, but it does **not** enforce
rpm/tpm (it only uses them as random-choice weights); `enforce_model_rate_limits` does, reading the
limits from a deployment's top level, `litellm_params` or `model_info`.

## Example
```yaml
router_settings:
  routing_strategy: usage-based-routing-v2
```
Use instead:
```yaml
router_settings:
  routing_strategy: simple-shuffle
  optional_pre_call_checks: ["enforce_model_rate_limits"]
```

## Fix safety
Safe for the audit's purpose, with two differences measured on the real proxy and reported: a
request that lands on a full deployment gets 429 instead of being sent to one with capacity; and
simple-shuffle weights by `litellm_params.weight`, then `rpm`, then `tpm`, so in a group where some
deployments have `litellm_params.rpm` and others have none, the others get no traffic. Other
strategies are left alone; leftover `routing_strategy_args` are harmless.
"""
from autofix.values import deployments

ID = "G3"
SLUG = "routing-strategy"
PRIORITY = "p0"
SAFETY = "safe"
TITLE = "simple-shuffle instead of usage-based routing, keeping rpm/tpm enforced"

STRATEGY = ("router_settings", "routing_strategy")
CHECKS = ("router_settings", "optional_pre_call_checks")
OLD = {"usage-based-routing-v2", "usage-based-routing"}
LIMITS = ("rpm", "tpm")


def _has_limits(dep):
    places = [dep, dep.get("litellm_params"), dep.get("model_info")]
    return any(isinstance(p, dict) and p.get(k) is not None for p in places for k in LIMITS)


def _weighted(dep):
    params = dep.get("litellm_params")
    return isinstance(params, dict) and any(params.get(k) is not None for k in ("weight", *LIMITS))


def fix(ctx):
    doc = ctx.doc
    strategy = doc.get(STRATEGY)
    if strategy not in OLD:
        return
    doc.set(STRATEGY, "simple-shuffle")
    ctx.report(
        f"routing_strategy {strategy} → simple-shuffle (the default and recommended strategy)", STRATEGY
    )
    indexed = deployments(doc)
    if any(_has_limits(d) for _, d in indexed):
        if doc.append(CHECKS, "enforce_model_rate_limits"):
            ctx.report(
                "added enforce_model_rate_limits to optional_pre_call_checks: simple-shuffle alone only uses rpm/tpm "
                "as weights",
                CHECKS,
            )
        ctx.report(
            "rpm/tpm limits stay enforced per deployment, but a request that lands on a full deployment now gets "
            "429 instead of being sent to one with capacity",
            CHECKS,
        )
    groups = {}
    for i, dep in indexed:
        groups.setdefault(dep.get("model_name"), []).append((i, dep))
    for name, members in groups.items():
        weighted = [i for i, d in members if _weighted(d)]
        if weighted and len(weighted) < len(members):
            idle = [i for i, d in members if not _weighted(d)]
            ctx.warn(
                f"model group {name!r}: simple-shuffle weights by litellm_params weight/rpm/tpm, so deployments "
                f"{idle} (none set) get no traffic",
                ("model_list", idle[0]),
                manual="give every deployment of the group an explicit litellm_params.weight",
            )
