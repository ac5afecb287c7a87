"""## What it does
Enables background health checks: `general_settings.background_health_checks: true`, with
`health_check_interval: 300` and `health_check_details: false` when they are absent. Repairs an
interval LiteLLM cannot use (a numeric string or a float becomes an integer) and moves
`health_check_interval`/`health_check_concurrency` from `router_settings`, where they abort startup,
to `general_settings`.

## Why is this bad?
Without background checks every `GET /health` makes live calls to every provider: it costs quota,
adds latency and can trip rate limits. LiteLLM only runs the loop when the interval is a YAML
integer: `"300"` or `300.0` silently turns the checks off. Under `router_settings` the two keys make
the proxy refuse to start (`ValueError: 'health_check_interval' is NOT a valid router_settings
parameter`).

## Example
```yaml
router_settings:
  health_check_interval: "300"
```
Use instead:
```yaml
general_settings:
  background_health_checks: true
  health_check_interval: 300
  health_check_details: false
```

## Fix safety
Safe. An explicit `background_health_checks: false` is left alone and reported. A boolean interval
(`true` means a 1-second interval), a value of 0 or less, or a quoted `"false"` for
`background_health_checks` (which turns the checks on) are reported, not guessed at. When
`general_settings` already has a key that also sits under `router_settings`, the general value is
kept, the router copy deleted, and the conflict reported.
"""

from autofix.document import MISSING
from autofix.values import as_int

ID = "G2"
SLUG = "health-checks"
PRIORITY = "p0"
SAFETY = "safe"
TITLE = "Background health checks in general_settings, with an integer interval"
# Paths this fix migrates: X5 reports them but never deletes them (path -> what this fix does)
OWNS = {
    ("router_settings", "health_check_interval"): "moves it to general_settings",
    ("router_settings", "health_check_concurrency"): "moves it to general_settings",
}

GS = "general_settings"
RS = "router_settings"
MISPLACED = ("health_check_interval", "health_check_concurrency")
TRUE_STRINGS = {"true", "yes", "on", "y"}
FALSE_STRINGS = {"false", "no", "off", "n", "0", ""}


def _move_misplaced(ctx):
    doc = ctx.doc
    for key in MISPLACED:
        src = (RS, key)
        value = doc.get(src)
        if value is MISSING:
            continue
        dst = (GS, key)
        current = doc.get(dst)
        line = doc.line(src)
        doc.delete(src)
        if current is MISSING:
            doc.set(dst, value)
            ctx.report(
                f"moved router_settings.{key} to general_settings: under router_settings it aborts startup",
                dst,
            )
        else:
            ctx.warn(
                f"deleted router_settings.{key}: {value!r} (it aborts startup there); kept general_settings.{key}: "
                f"{current!r}",
                dst,
                manual=f"check which value you meant for general_settings.{key}",
            )
        ctx.findings[-1].line = line


def fix(ctx):
    doc = ctx.doc
    _move_misplaced(ctx)
    settings = doc.get((GS,))
    if settings is not MISSING and settings is not None and not isinstance(settings, dict):
        ctx.warn("general_settings is not a mapping; LiteLLM cannot read it", (GS,))
        return
    path = (GS, "background_health_checks")
    enabled = doc.get(path)
    if enabled is False:
        ctx.report(
            "background health checks are switched off explicitly: every GET /health calls every provider",
            path,
            manual="set general_settings.background_health_checks: true if /health should serve cached results",
        )
        return
    if isinstance(enabled, str):
        if enabled.strip().lower() in TRUE_STRINGS:
            doc.set(path, True)
        else:
            ctx.warn(
                f"background_health_checks is the string {enabled!r}: LiteLLM tests it for truthiness, so the checks "
                "are ON",
                path,
                manual="write true or false without quotes",
            )
            return
    elif enabled is MISSING or enabled is None:
        doc.set(path, True)
        ctx.report("enabled background health checks: /health now serves cached results", path)
    interval_path = (GS, "health_check_interval")
    interval = doc.get(interval_path)
    if interval is MISSING or interval is None:
        doc.set(interval_path, 300)
    elif isinstance(interval, bool):
        ctx.warn(
            f"health_check_interval is {interval!r}: a boolean passes LiteLLM's int check ({'a 1-second interval' if interval else 'checks off'})",
            interval_path,
            manual="set an integer number of seconds, e.g. 300",
        )
    elif isinstance(interval, int):
        if interval <= 0:
            ctx.warn(
                f"health_check_interval is {interval}: a value of 0 or less switches the checks off",
                interval_path,
                manual="set a positive integer number of seconds, e.g. 300",
            )
    else:
        number = as_int(interval)
        if number is not None and number > 0:
            doc.set(interval_path, number)
            ctx.report(
                f"health_check_interval {interval!r} became {number}: LiteLLM silently skips the checks unless it is a "
                "YAML integer",
                interval_path,
            )
        else:
            ctx.warn(
                f"health_check_interval {interval!r} is not a positive integer: the checks never run",
                interval_path,
                manual="set an integer number of seconds, e.g. 300",
            )
    details_path = (GS, "health_check_details")
    if doc.get(details_path) is MISSING:
        doc.set(details_path, False)
