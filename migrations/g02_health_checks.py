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
(`true` means a 1-second interval) or a value of 0 or less is reported, not guessed at.

Quoted booleans, repaired to what they say where LiteLLM tests the type strictly:
`health_check_details: "false"` (or `0`) becomes `false`: LiteLLM hides the details only when the value
`is not False` fails (`proxy/health_check.py:220`), so a string or 0 leaves them on; safe, the value
says what the user meant and is the default this fix writes. `background_health_checks` is tested for
truthiness (`proxy_server.py:1920`), so `"false"` starts the loop: it becomes `false` safely when the
interval keeps the checks off anyway (a float or a string interval: the loop runs only for a YAML
integer above 0, `proxy_server.py:4962`), and as an unsafe fix when the checks run now, since `false`
stops them. Any other string is reported. When
`general_settings` already has a key that also sits under `router_settings`, the general value is
kept, the router copy deleted, and the conflict reported.
"""

from autofix import versions
from autofix.changes import MISSING
from autofix.litellm_data import names
from autofix.values import GS, RS, as_int, show

ID = "G2"
SLUG = "health-checks"
PRIORITY = "p0"
SAFETY = "mixed"
TITLE = "Background health checks in general_settings, with an integer interval"
# Paths this fix migrates: X5 reports them but never deletes them (path -> what this fix does)
OWNS = {
    ("router_settings", "health_check_interval"): "moves it to general_settings",
    ("router_settings", "health_check_concurrency"): "moves it to general_settings",
}

MISPLACED = ("health_check_interval", "health_check_concurrency")
TRUE_STRINGS = {"true", "yes", "on", "y"}
FALSE_STRINGS = {"false", "no", "off", "n", "0", ""}


def _move_misplaced(ctx):
    doc = ctx.doc
    # fatal from 1.81 (router_settings_forbidden); up to 1.80 the proxy dropped the key without a word
    fatal = names("router_settings_forbidden")
    for key in MISPLACED:
        there = (
            "it aborts startup"
            if key in fatal
            else f"LiteLLM {versions.target()} ignores it; 1.81+ refuses to start"
        )
        src = (RS, key)
        value = doc.get(src)
        if value is MISSING:
            continue
        dst = (GS, key)
        if not versions.reads(GS, key):  # --target-version before 1.81: health_check_concurrency
            ctx.report(
                f"router_settings.{key} left in place: LiteLLM {versions.target()} reads it nowhere (it ignores it "
                f"under router_settings; general_settings.{key}: {versions.when('general_settings', key)})",
                src,
                manual=f"move it to general_settings when you upgrade to {versions.section_first_read(GS, key)} "
                "or later (there it aborts startup under router_settings)",
            )
            continue
        current = doc.get(dst)
        if current is MISSING:
            doc.move(src, dst)  # its comments go with it
            ctx.report(
                f"moved router_settings.{key} to general_settings: under router_settings {there}",
                src,
            )
        else:
            doc.delete(src)
            ctx.warn(
                f"deleted router_settings.{key}: {value!r} ({there} there); kept general_settings.{key}: "
                f"{current!r}",
                src,
                manual=f"check which value you meant for general_settings.{key}",
            )


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
        _details(ctx, add=False)
        return
    if isinstance(enabled, str):
        if enabled.strip().lower() in TRUE_STRINGS:
            doc.set(path, True)
            ctx.report(f"background_health_checks {enabled!r} became true (a YAML boolean)", path)
        elif enabled.strip().lower() in FALSE_STRINGS:
            _quoted_false(ctx, path, enabled)
            _details(ctx, add=False)
            return
        else:
            ctx.warn(
                f"background_health_checks is the string {enabled!r}: LiteLLM tests it for truthiness, so the loop "
                f"starts{_runs(doc.get((GS, 'health_check_interval')))}",
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
    _details(ctx)


def _checks_run(interval):
    """Whether LiteLLM's loop runs with this interval once started (`proxy_server.py:4962`: an int > 0;
    a bool passes the int test, `true` being a 1-second interval)."""
    if interval is MISSING or interval is None:
        return True  # DEFAULT_HEALTH_CHECK_INTERVAL, 300
    return isinstance(interval, int) and interval > 0


def _runs(interval):
    if _checks_run(interval):
        return " and the checks are ON"
    return (
        f", but the checks never run: health_check_interval {show(interval)} is not a positive YAML integer"
    )


def _quoted_false(ctx, path, enabled):
    """`background_health_checks: "false"`: a non-empty string is truthy (`proxy_server.py:1920`)."""
    interval_path = (GS, "health_check_interval")
    interval = ctx.doc.get(interval_path)
    if not _checks_run(interval):
        # off at run time already (the interval stops the loop): writing the boolean changes nothing
        ctx.doc.set(path, False)
        ctx.report(
            f"background_health_checks {enabled!r} became false: a quoted string is true for LiteLLM; the checks "
            f"were off only because health_check_interval {show(interval)} is not a positive YAML integer "
            "(left as it is: it matters only once the checks are on)",
            path,
            manual="to turn the checks on, set background_health_checks: true and health_check_interval: 300",
        )
        return
    if ctx.allow_unsafe(
        f"background_health_checks {enabled!r} → false: the string is true for LiteLLM, so the checks run now; "
        "false stops them (every GET /health then calls every provider)",
        path,
    ):
        ctx.doc.set(path, False)
        ctx.report(
            f"background_health_checks {enabled!r} became false, as written: the background checks stop",
            path,
            manual="if you want them, set background_health_checks: true",
        )
    else:
        ctx.findings[
            -1
        ].manual = "write background_health_checks: true (the checks run now) or false, unquoted"


def _details(ctx, *, add=True):
    """health_check_details: false when absent (`add`); a quoted boolean repaired (LiteLLM tests `is not
    False`, `proxy/health_check.py:220`, so "false" or 0 leaves the details on)."""
    doc = ctx.doc
    details_path = (GS, "health_check_details")
    details = doc.get(details_path)
    if details is MISSING:
        if add:
            doc.set(details_path, False)
    elif isinstance(details, bool) or details is None:
        return  # None: LiteLLM's default for the shared checks, True
    elif isinstance(details, str) and details.strip().lower() in FALSE_STRINGS | TRUE_STRINGS:
        value = details.strip().lower() in TRUE_STRINGS
        doc.set(details_path, value)
        ctx.report(
            f"health_check_details {details!r} became {show(value)}"
            + (
                ": LiteLLM hides the details only for the YAML boolean false, so they were shown"
                if not value
                else ""
            ),
            details_path,
        )
    elif details == 0:
        doc.set(details_path, False)
        ctx.report(
            f"health_check_details {details!r} became false: LiteLLM hides the details only for the YAML boolean "
            "false, so they were shown",
            details_path,
        )
    else:
        ctx.warn(
            f"health_check_details is {show(details)}: LiteLLM hides the details only for the YAML boolean false, "
            "so they are shown",
            details_path,
            manual="write health_check_details: false (or true) without quotes",
        )
