"""## What it does
Turns on LiteLLM's Slack alerting in the form LiteLLM 1.110 reads:
- `general_settings.alerting: ["slack"]` (appended when a list exists; a single string becomes a
  list);
- `general_settings.alerting_threshold: 300` when it is absent;
- moves the never-read `general_settings.slack_webhook_url` to the top-level
  `environment_variables.SLACK_WEBHOOK_URL`, the variable Slack alerting reads: a literal URL as it is,
  `${OTHER}` as `os.environ/OTHER`, `os.environ/OTHER` as it is. `${SLACK_WEBHOOK_URL}` (or
  `os.environ/SLACK_WEBHOOK_URL`) itself is only removed: the proxy reads that variable anyway.

## Why is this bad?
Without alerting nobody hears of failing providers, slow or hanging requests. `slack_webhook_url` is
not a `general_settings` key (nothing reads it), and `${VAR}` is never substituted in the config file.
The webhook comes from the environment variable `SLACK_WEBHOOK_URL` (or `ALERTING_WEBHOOK_URL`); without
it the proxy boots, but every alert fails with "Missing SLACK_WEBHOOK_URL / ALERTING_WEBHOOK_URL from
environment" in the log. When `alerting_threshold` is absent the proxy waits 600 s before calling a
response slow or a request hanging.

## Example
```yaml
general_settings:
  alerting: ["slack"]
  alerting_threshold: 300
  slack_webhook_url: ${ALERTS_SLACK_HOOK}
```
Use instead:
```yaml
general_settings:
  alerting: ["slack"]
  alerting_threshold: 300
environment_variables:
  SLACK_WEBHOOK_URL: os.environ/ALERTS_SLACK_HOOK
```

## Fix safety
Safe when selected (P2: it runs only with `--only p2` or its id). An existing `alerting_threshold`
is kept (a numeric string becomes a number; other broken values are reported). An existing
`environment_variables.SLACK_WEBHOOK_URL` (or `ALERTING_WEBHOOK_URL`) with a different value is never
overwritten: `slack_webhook_url` then stays and the conflict is reported. `alert_to_webhook_url` is
never written: an `os.environ/` value there aborts startup when the variable is unset. An
`os.environ/OTHER` in `environment_variables` must be set when the proxy starts: LiteLLM sets
`SLACK_WEBHOOK_URL` to the string `None` otherwise. The webhook URL is a secret and never appears in
a finding.
"""

import re

from autofix import values
from autofix.changes import MISSING
from autofix.values import GS, add_to_list, names, show

ID = "G10"
SLUG = "alerting"
PRIORITY = "p2"
SAFETY = "safe"
TITLE = "Slack alerting with a 300 s threshold; the webhook from environment_variables.SLACK_WEBHOOK_URL"
# Paths this fix migrates: X5 reports them but never deletes them (path -> what this fix does)
OWNS = {
    ("general_settings", "slack_webhook_url"): "moves it to environment_variables.SLACK_WEBHOOK_URL",
}

ENV = "environment_variables"
ALERTING = (GS, "alerting")
THRESHOLD = (GS, "alerting_threshold")
OLD_URL = (GS, "slack_webhook_url")
PER_TYPE = (GS, "alert_to_webhook_url")
VARIABLE = "SLACK_WEBHOOK_URL"
FALLBACK = "ALERTING_WEBHOOK_URL"  # read when SLACK_WEBHOOK_URL is unset
TARGET = (ENV, VARIABLE)
THRESHOLD_SECONDS = 300
DEFAULT_THRESHOLD = 600  # proxy_server.py: general_settings.get("alerting_threshold", 600)
REFERENCE = re.compile(r"^(?:\$\{([A-Za-z_][A-Za-z0-9_]*)\}|os\.environ/(.+))$")
MISSING_URL = "Missing SLACK_WEBHOOK_URL / ALERTING_WEBHOOK_URL from environment"


def _mapping_or_missing(value):
    return value is MISSING or value is None or isinstance(value, dict)


def _env(doc):
    env = doc.get((ENV,))
    return env if isinstance(env, dict) else {}


# --- alerting and its threshold ----------------------------------------------------------------------


def _alerting(ctx):
    """Add slack to general_settings.alerting. Returns (slack is on, something changed)."""
    doc = ctx.doc
    current = doc.get(ALERTING)
    if "slack" in names(current) and isinstance(current, list):
        return True, False
    if not add_to_list(
        ctx,
        ALERTING,
        "slack",
        not_a_list='write general_settings.alerting as a list, e.g. ["slack"]',
        refused='add "slack" to general_settings.alerting',
    ):
        return False, False
    if isinstance(current, str):
        what = (
            f"general_settings.alerting {current!r} became a list"
            + ("" if current == "slack" else " with slack added")
            + ": LiteLLM expects a list of destinations"
        )
    else:
        what = (
            "added slack to general_settings.alerting: the proxy sends Slack alerts for failing and slow LLM calls, "
            "hanging requests, budgets and outages"
        )
    ctx.report(what, ALERTING)
    return True, True


def _threshold(ctx):
    doc = ctx.doc
    value = doc.get(THRESHOLD)
    if value is MISSING or value is None:
        doc.set(THRESHOLD, THRESHOLD_SECONDS)
        before = (
            f"without it the proxy waits {DEFAULT_THRESHOLD} s"
            if value is MISSING
            else f"null already meant {THRESHOLD_SECONDS} s (the alerting default)"
        )
        ctx.report(
            f"set general_settings.alerting_threshold: {THRESHOLD_SECONDS}: a response slower than "
            f"{THRESHOLD_SECONDS} s (or a request still running after it) raises an alert; {before}",
            THRESHOLD,
        )
        return True
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        ctx.warn(
            f"general_settings.alerting_threshold is {show(value)}, not a number of seconds (left as it is)",
            THRESHOLD,
            manual=f"write a number of seconds, e.g. alerting_threshold: {THRESHOLD_SECONDS}",
        )
        return False
    if isinstance(value, str):
        number = values.number(value)
        if number is None or number <= 0:
            ctx.warn(
                f"general_settings.alerting_threshold {value!r} is not a number of seconds, so LiteLLM cannot "
                "compare a response time with it (left as it is)",
                THRESHOLD,
                manual=f"write a number of seconds, e.g. alerting_threshold: {THRESHOLD_SECONDS}",
            )
            return False
        doc.set(THRESHOLD, number)
        ctx.report(
            f"general_settings.alerting_threshold {value!r} became {number}: LiteLLM compares it with the response "
            "time as a number",
            THRESHOLD,
        )
        return True
    if value <= 0:
        ctx.warn(
            f"general_settings.alerting_threshold is {value}: every response counts as slow (left as it is)",
            THRESHOLD,
            manual=f"set a positive number of seconds, e.g. {THRESHOLD_SECONDS}",
        )
    return False


# --- slack_webhook_url -> environment_variables.SLACK_WEBHOOK_URL ------------------------------------


def _unset_hazard(ctx, name):
    ctx.report(
        f"when {name} is unset at startup, LiteLLM sets {VARIABLE} (environment_variables, os.environ/{name}) to "
        f"the string 'None', replacing any {VARIABLE} of the proxy's environment, and alerts fail",
        TARGET,
        manual=f"set {name} in the proxy's environment",
    )


def _webhook(ctx):
    """Move general_settings.slack_webhook_url. Returns True when something changed.

    Messages never show the URL, and never put ': ' after a secret-looking key name (the CLI would
    mask the rest of the line).
    """
    doc = ctx.doc
    value = doc.get(OLD_URL)
    if value is MISSING:
        return False
    old = "general_settings.slack_webhook_url"
    if value is None or (isinstance(value, str) and not value.strip()):
        doc.delete(OLD_URL, prune_empty=True)
        ctx.report(f"removed an empty {old} (never read)", OLD_URL)
        return True
    manual = f"set {VARIABLE} in the proxy's environment (or under the top-level environment_variables), then delete {old}"
    if not isinstance(value, str):
        ctx.warn(f"kept {old}, which LiteLLM never reads, because it is not a string", OLD_URL, manual=manual)
        return False
    text = value.strip()
    match = REFERENCE.match(text)
    name = match and (match.group(1) or match.group(2))
    if name == VARIABLE:
        doc.delete(OLD_URL, prune_empty=True)
        form = "${" + VARIABLE + "}" if text.startswith("${") else f"os.environ/{VARIABLE}"
        ctx.report(
            f"removed {old} ({form}), which LiteLLM never reads"
            + (" nor substitutes" if form.startswith("$") else "")
            + f"; Slack alerting reads the {VARIABLE} environment variable itself",
            OLD_URL,
            manual=None
            if _env(doc).get(VARIABLE) is not None
            else f"set {VARIABLE} in the proxy's environment",
        )
        return True
    if name is None and "${" in text:
        ctx.warn(
            f"kept {old}, which LiteLLM never reads, because it interpolates ${{...}} inside the value (LiteLLM never "
            "substitutes it)",
            OLD_URL,
            manual=manual,
        )
        return False
    target = f"os.environ/{name}" if name else text
    env = doc.get((ENV,))
    if not _mapping_or_missing(env):
        ctx.warn(
            f"kept {old}, which LiteLLM never reads, because environment_variables is not a mapping it could move to",
            OLD_URL,
            manual=manual,
        )
        return False
    env = env or {}
    for key in (VARIABLE, FALLBACK):
        existing = env.get(key)
        if existing is None:
            continue
        if str(existing) == target:
            doc.delete(OLD_URL, prune_empty=True)
            ctx.report(
                f"removed {old}, which LiteLLM never reads, as environment_variables.{key} has the same value",
                OLD_URL,
            )
            return True
        ctx.warn(
            f"kept {old}, which LiteLLM never reads, because environment_variables.{key} already has a different value"
            + (f" (a {VARIABLE} would take precedence over it)" if key == FALLBACK else ""),
            OLD_URL,
            manual=f"keep the right webhook in environment_variables.{key}, then delete {old}",
        )
        return False
    doc.delete(OLD_URL, prune_empty=True)
    doc.set(TARGET, target)
    if name:
        how = f"as os.environ/{name}" + (
            " (LiteLLM never substitutes ${...})" if text.startswith("${") else ""
        )
    else:
        how = "(the literal URL)"
    ctx.report(
        f"moved {old}, which LiteLLM never reads, to environment_variables.{VARIABLE} {how}; the proxy exports it at "
        "startup, and Slack alerting reads it",
        TARGET,
    )
    if name:
        _unset_hazard(ctx, name)
    elif not text.startswith(("https://", "http://")):
        ctx.warn(
            f"the webhook moved to environment_variables.{VARIABLE} does not start with https://, so Slack alerts "
            "cannot be sent to it",
            TARGET,
            manual="use the full URL of a Slack incoming webhook (https://hooks.slack.com/services/...)",
        )
    return True


def _per_type_hazard(ctx):
    """An os.environ/ value in alert_to_webhook_url aborts startup when the variable is unset."""
    value = ctx.doc.get(PER_TYPE)
    if not isinstance(value, dict):
        return
    refs = []
    for urls in value.values():
        for url in urls if isinstance(urls, list) else [urls]:
            if isinstance(url, str) and "os.environ/" in url:
                refs.append(url.split("os.environ/", 1)[1])
    if refs:
        names = ", ".join(dict.fromkeys(refs))
        ctx.warn(
            f"when {names} {'is' if len(set(refs)) == 1 else 'are'} unset, the proxy does not start (TypeError, "
            "argument of type 'NoneType' is not iterable), because general_settings.alert_to_webhook_url reads "
            f"os.environ/ ({names})",
            PER_TYPE,
            manual=f"make sure {names} {'is' if len(set(refs)) == 1 else 'are'} set wherever the proxy runs",
        )


def _rate_limited(doc):
    """True when the router enforces deployment rpm/tpm limits and some deployment has one."""
    router = doc.get(("router_settings",))
    router = router if isinstance(router, dict) else {}
    checks = router.get("optional_pre_call_checks")
    enforced = "enforce_model_rate_limits" in names(checks) or router.get("routing_strategy") in (
        "usage-based-routing",
        "usage-based-routing-v2",
    )
    models = doc.get(("model_list",))
    limited = any(
        isinstance(place, dict) and (place.get("rpm") is not None or place.get("tpm") is not None)
        for dep in (models if isinstance(models, list) else [])
        if isinstance(dep, dict)
        for place in (dep, dep.get("litellm_params"), dep.get("model_info"))
    )
    return enforced and limited


def fix(ctx):
    doc = ctx.doc
    if not _mapping_or_missing(doc.get((GS,))):
        ctx.warn("general_settings is not a mapping; LiteLLM cannot read it", (GS,))
        return
    filled_null = doc.exists(ALERTING) and doc.get(ALERTING) is None
    on, changed = _alerting(ctx)
    if changed and _rate_limited(doc):
        ctx.report(
            "with rpm/tpm limits enforced, a request refused by a limit (429) also raises an llm_exceptions alert "
            "('LLM API call failed: ... Model rate limit exceeded', seen on the live proxy)",
            ALERTING,
        )
    more = doc.get(THRESHOLD, None) is None or doc.exists(OLD_URL)
    if changed and filled_null and more:
        # Engine workaround: filling an empty `alerting:` that ends its mapping, together with a key or
        # section inserted at the same offset, comes out garbled (verification then refuses the file).
        # The rest waits for the runner's next pass, which starts from the committed text.
        return
    if on:
        changed = _threshold(ctx) or changed
    changed = _webhook(ctx) or changed
    _per_type_hazard(ctx)
    if not (on and changed):
        return
    env = _env(doc)
    if env.get(VARIABLE) is None and env.get(FALLBACK) is None:
        ctx.report(
            f"the config does not set {VARIABLE}, so unless the proxy's environment does, the proxy boots but each "
            f"alert only logs '{MISSING_URL}'",
            ALERTING,
            manual=f"set {VARIABLE} to a Slack incoming-webhook URL in the proxy's environment",
        )
