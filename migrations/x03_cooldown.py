"""## What it does
Replaces `router_settings.cooldown_time: 0` with `disable_cooldowns: true`, in place (the line and its
comment stay where they were). When `disable_cooldowns: true` is there already, it only removes the
meaningless `cooldown_time: 0`. An explicit `disable_cooldowns: false` (or a value that is not a
boolean) is left alone and reported.

It also reports a per-deployment `cooldown_time: 0` (`model_info` or `litellm_params`): LiteLLM honours
that one, so it is not broken, but it cannot become the router-wide flag.

## Why is this bad?
The router reads its cooldown as `cooldown_time or 5.0`, so `0` means the default 5 seconds, not "no
cooldown": a deployment that fails `allowed_fails` times in a minute is taken out of rotation for 5 s
(measured: after one failure the dead deployment got no more requests). `disable_cooldowns: true` is the
setting that turns cooldowns off. A deployment's own `cooldown_time: 0` is read differently (the first
number found wins, and a 0-second cooldown is skipped): there, 0 already means no cooldown for that
deployment (measured: its failures kept coming).

## Example
```yaml
router_settings:
  cooldown_time: 0  # never cool down
```
Use instead:
```yaml
router_settings:
  disable_cooldowns: true  # never cool down
```

## Fix safety
Safe: it does what `cooldown_time: 0` asked for. LiteLLM 1.110.2 resolves the router cooldown as
`get("cooldown_time") or 5.0` (`litellm/router_rust/core.py:299,765`), so 0 becomes 5 seconds; measured
on the live proxy with one good and one dead deployment and `allowed_fails: 0`: `cooldown_time: 0` gave
one 500 then 15 × 200 (the dead one was cooled down), `disable_cooldowns: true` spread the failures
through the run (no cooldown). A per-deployment `cooldown_time: 0` is read in
`litellm/router_utils/cooldown_handlers.py:233-237` and cannot map to the router-wide flag. It does change what the live router does,
and this is reported: with cooldowns off a failing deployment keeps getting its share of traffic (each
such request fails, or costs a retry or a fallback), where before it was benched for 5 seconds. Priority
p1: with the 5-second cooldown, a group whose deployments all failed answers "no deployments available".
"""

from autofix.changes import MISSING
from autofix.values import RS, listed

ID = "X3"
SLUG = "cooldown"
PRIORITY = "p1"
SAFETY = "safe"
TITLE = "cooldown_time: 0 means 5 s: disable_cooldowns: true turns cooldowns off"

COOLDOWN = (RS, "cooldown_time")
DISABLE = (RS, "disable_cooldowns")
LIVE = (
    "the live router changes: a failing deployment is no longer benched for 5 s after allowed_fails failures, "
    "it keeps getting its share of requests (each fails, or costs a retry or a fallback)"
)


def _zero(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == 0


def _router(ctx) -> None:
    doc = ctx.doc
    if not _zero(doc.get(COOLDOWN)):
        return
    disabled = doc.get(DISABLE)
    if disabled is True:
        doc.delete(COOLDOWN)
        ctx.report(
            "removed router_settings.cooldown_time 0, which meant the default 5 s; disable_cooldowns true "
            "already turns cooldowns off",
            DISABLE,
        )
        return
    if disabled is False:
        ctx.warn(
            "router_settings.cooldown_time 0 means the default 5 s, not no cooldown; left as it is, since "
            "disable_cooldowns is set to false explicitly",
            COOLDOWN,
            manual="for no cooldowns set disable_cooldowns to true and delete cooldown_time; otherwise write the "
            "cooldown you want in seconds",
        )
        return
    if disabled is not MISSING and disabled is not None:
        ctx.warn(
            f"router_settings.cooldown_time 0 means the default 5 s, and disable_cooldowns is {disabled!r}, not a "
            "boolean; left as they are",
            DISABLE,
            manual="set disable_cooldowns to true (no quotes) and delete cooldown_time",
        )
        return
    if disabled is MISSING:
        doc.rename(COOLDOWN, "disable_cooldowns")
        doc.set(DISABLE, True)
    else:  # disable_cooldowns present but null
        doc.set(DISABLE, True)
        doc.delete(COOLDOWN)
    ctx.report(
        "router_settings.cooldown_time 0 meant the default 5 s, not no cooldown; replaced by disable_cooldowns "
        f"true. Note that {LIVE}",
        DISABLE,
    )


def _deployments(ctx) -> None:
    models = ctx.doc.get(("model_list",))
    if not isinstance(models, list):
        return
    found = []
    for i, dep in enumerate(models):
        if not isinstance(dep, dict):
            continue
        for place in ("model_info", "litellm_params"):
            params = dep.get(place)
            if isinstance(params, dict) and "cooldown_time" in params:
                # LiteLLM takes the first number of model_info, then litellm_params (cooldown_handlers.py:143-155)
                if _zero(params["cooldown_time"]):
                    found.append(("model_list", i, place, "cooldown_time"))
                break
    if not found:
        return
    where = listed([f"model_list[{p[1]}].{p[2]}" for p in found])
    ctx.report(
        f"cooldown_time 0 on {len(found)} deployment{'s' if len(found) > 1 else ''} ({where}) is kept; for a "
        "deployment LiteLLM honours it (that deployment is never cooled down), unlike router_settings.cooldown_time "
        "0, and it cannot become disable_cooldowns, which is router-wide",
        found[0],
    )


def fix(ctx):
    _deployments(ctx)
    # an EditRefused (an anchored router_settings) rolls this fix back, with the runner's finding
    _router(ctx)
