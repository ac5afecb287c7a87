"""## What it does
Replaces `router_settings.routing_strategy: usage-based-routing-v2` (or the deprecated
`usage-based-routing`) with `simple-shuffle`. When any deployment carries rpm/tpm limits, or
`general_settings.store_model_in_db` is on (deployments managed in the UI live in the database, where
autofix cannot see their limits), appends `enforce_model_rate_limits` to
`router_settings.optional_pre_call_checks`, so the limits stay enforced.

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
strategies are left alone; leftover `routing_strategy_args` are harmless. Adding
`enforce_model_rate_limits` for database-kept deployments is safe: the check reads each deployment's
limits (top level, `litellm_params`, `model_info`) and does nothing for one without any
(`router_utils/pre_call_checks/model_rate_limit_check.py`).
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


def _models_in_db(doc):
    """general_settings.store_model_in_db on: the proxy also loads deployments from its database
    (`proxy_server.py:7360`; the env var STORE_MODEL_IN_DB, `proxy_server.py:11768`, is not in the file)."""
    value = doc.get(("general_settings", "store_model_in_db"), None)
    return value is True or (isinstance(value, str) and value.strip().lower() in {"true", "yes", "on", "1"})


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
    limited = any(_has_limits(d) for _, d in indexed)
    in_db = _models_in_db(doc)
    if limited or in_db:
        if doc.append(CHECKS, "enforce_model_rate_limits"):
            why = "simple-shuffle alone only uses rpm/tpm as weights"
            if in_db and not limited:
                why = (
                    "general_settings.store_model_in_db is on, so deployments added through the UI or API live in the "
                    f"database, where they may carry rpm/tpm limits this file does not show; {why} (the check does "
                    "nothing for a deployment without limits)"
                )
            ctx.report(f"added enforce_model_rate_limits to optional_pre_call_checks: {why}", CHECKS)
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
