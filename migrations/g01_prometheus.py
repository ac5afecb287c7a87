"""## What it does
Turns on LiteLLM's Prometheus metrics in the form LiteLLM 1.110 reads: `"prometheus"` in
`litellm_settings.callbacks`. Removes the `server_settings.prometheus` block (and `server_settings`
when it becomes empty), and carries its port into the report as the CLI flag that really sets it.

It acts when the config shows it wants metrics: a `server_settings.prometheus` block that is not
`enabled: false`, or `prometheus` only in `success_callback`/`failure_callback`.

## Why is this bad?
LiteLLM reads no `server_settings` section at all, so `server_settings.prometheus.port: 9090` does
nothing and no `/metrics` endpoint exists. A name in `success_callback` only receives success
events, so failure metrics (`litellm_deployment_failure_responses`, ...) are missing; in `callbacks`
it receives both, and being in both lists does not double count. Prometheus is not enterprise-only
in 1.110 (the audit's claim is outdated).

## Example
```yaml
server_settings:
  prometheus:
    enabled: true
    port: 9090
```
Use instead:
```yaml
litellm_settings:
  callbacks: ["prometheus"]
```
and start the proxy with `--prometheus_metrics_port 9090` if metrics must be served on their own port.

## Fix safety
Safe: it only removes what LiteLLM ignores and adds the callback the block asked for. `/metrics`
needs the master key by default (`litellm_settings.require_auth_for_metrics_endpoint: false` opens
it; not set automatically because it weakens auth), and the proxy's environment needs the
`prometheus-client` package, or the proxy exits at startup.
"""

from autofix.changes import MISSING
from autofix.values import names

ID = "G1"
SLUG = "prometheus"
PRIORITY = "p0"
SAFETY = "safe"
TITLE = "Prometheus metrics through litellm_settings.callbacks, not server_settings"
# Paths this fix migrates: X5 reports them but never deletes them (path -> what this fix does)
OWNS = {
    ("server_settings", "prometheus"): "adds prometheus to litellm_settings.callbacks instead",
}

PROM = ("server_settings", "prometheus")
CALLBACKS = ("litellm_settings", "callbacks")


def fix(ctx):
    doc = ctx.doc
    block = doc.get(PROM)
    wants = False
    if block is not MISSING:
        enabled = block.get("enabled", True) if isinstance(block, dict) else block
        port = block.get("port") if isinstance(block, dict) else None
        wants = enabled is not False and block is not None
        doc.delete(PROM, prune_empty=True)
        note = "removed server_settings.prometheus: LiteLLM reads no server_settings section"
        if port is not None and wants:
            ctx.report(
                f"{note}; its port {port} cannot be set in the config file",
                PROM,
                manual=f"start the proxy with --prometheus_metrics_port {port} (or env PROMETHEUS_METRICS_PORT={port}),"
                " or scrape /metrics on the proxy's own port",
            )
        else:
            ctx.report(note, PROM)
    success_only = "prometheus" in names(
        ctx.get(("litellm_settings", "success_callback"))
    ) or "prometheus" in names(ctx.get(("litellm_settings", "failure_callback")))
    if "prometheus" in names(ctx.get(CALLBACKS)):
        return
    if not (wants or success_only):
        return
    doc.append(CALLBACKS, "prometheus")
    if success_only:
        ctx.report(
            "added prometheus to litellm_settings.callbacks: in success_callback alone it gets no failure events "
            "(failure metrics were missing); being in both lists does not double count",
            CALLBACKS,
        )
    else:
        ctx.report(
            "added prometheus to litellm_settings.callbacks: /metrics is served on the proxy port", CALLBACKS
        )
    ctx.report(
        "/metrics needs the master key by default (401 without it)",
        CALLBACKS,
        manual="send 'Authorization: Bearer <key>' from the scraper, or set "
        "litellm_settings.require_auth_for_metrics_endpoint: false to scrape without a key",
    )
    ctx.report(
        "the proxy's environment needs the prometheus-client package, or it exits at startup "
        "(No module named 'prometheus_client')",
        CALLBACKS,
        manual="pip install 'prometheus-client>=0.20' in the proxy's environment",
    )
