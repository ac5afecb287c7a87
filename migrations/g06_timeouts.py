"""## What it does
- Removes `litellm_settings.timeout` and reports its value, with `litellm_settings.request_timeout`
  as the key that really sets a per-call timeout.
- Removes `litellm_settings.stream_timeout` and writes `router_settings.stream_timeout` (unless one
  is there already): the old value when it was above 0, `120` when it was `0`.
- Adds `model_info.health_check_timeout` to every deployment that lacks one: `10` for a local
  server (an `api_base` on localhost, 127.0.0.0/8, ::1, 0.0.0.0, a private address 10/8, 172.16/12,
  192.168/16, fc00::/7, or a `*.localhost`/`*.local` name; or no `api_base` with a provider whose
  default server is local: `ollama`, `ollama_chat`, `llamafile`, `lemonade`, `docker_model_runner`),
  `30` for any other.
- Reports the effective per-call timeout when `litellm_settings.request_timeout` and
  `router_settings.timeout` disagree.

## Why is this bad?
`litellm_settings.timeout` is not a timeout: LiteLLM assigns it over its internal `timeout`
function. `litellm_settings.stream_timeout` is never read, so streams fall back to the per-call
timeout (600 s by default). Without `health_check_timeout` a health probe waits 60 s for a dead
deployment. And when both `request_timeout` and the router `timeout` are set, the router timeout is
not the one calls use (measured on the real proxy).

## Example
```yaml
litellm_settings:
  timeout: 30
  stream_timeout: 0
model_list:
  - model_name: llama
    litellm_params:
      model: ollama/llama3.1
```
Use instead:
```yaml
router_settings:
  stream_timeout: 120
model_list:
  - model_name: llama
    litellm_params:
      model: ollama/llama3.1
    model_info:
      health_check_timeout: 10
```
and, if 30 was meant as a per-call timeout, `litellm_settings.request_timeout: 30` (reported, not
written: it changes behaviour).

## Fix safety
Safe for the keys LiteLLM never reads. The stream timeout written is the one the old key asked for;
for an old `0` the audit decided on 120 s: `0` never meant "no timeout" (it means unset), streams
were bounded per read by the per-call timeout, and now each read waits at most 120 s. That can be
shorter than before (600 s by default), so it is reported; a stream timeout bounds each read, not
the whole stream. A health-check timeout only affects probes, but with
`enable_health_check_routing: true` a cold local model slower than 10 s is taken out of routing:
reported once. A deployment whose `api_base` comes from the environment (`os.environ/...`) cannot be
classified and is left alone (reported). The effective per-call timeout is the first set of: the
deployment's `litellm_params.timeout`, `litellm_settings.request_timeout`, `router_settings.timeout`,
600 s; for streams any `stream_timeout` comes first.
"""

import functools
import ipaddress
from urllib.parse import urlsplit

from autofix import versions
from autofix.changes import MISSING
from autofix.errors import EditRefused
from autofix.values import GS, LS, RS, listed, number, show

ID = "G6"
SLUG = "timeouts"
PRIORITY = "p1"
SAFETY = "safe"
TITLE = "Timeouts LiteLLM reads: request_timeout, router stream_timeout, per-deployment health_check_timeout"
# Paths this fix migrates: X5 reports them but never deletes them (path -> what this fix does)
OWNS = {
    (
        "litellm_settings",
        "timeout",
    ): "removes it and reports request_timeout, the key that sets a per-call timeout",
    ("litellm_settings", "stream_timeout"): "moves it to router_settings.stream_timeout",
}

OLD_TIMEOUT = (LS, "timeout")
OLD_STREAM = (LS, "stream_timeout")
REQUEST_TIMEOUT = (LS, "request_timeout")
ROUTER_TIMEOUT = (RS, "timeout")
ROUTER_STREAM = (RS, "stream_timeout")
DEFAULT_TIMEOUT = 600
ZERO_STREAM_TIMEOUT = 120  # what the audit decided for an old stream_timeout of 0
LOCAL_PROBE = 10
REMOTE_PROBE = 30
# providers whose default server (no api_base) is on this machine, from LiteLLM 1.110's llms/*/
LOCAL_PROVIDERS = {
    "ollama": "http://localhost:11434",
    "ollama_chat": "http://localhost:11434",
    "llamafile": "http://127.0.0.1:8080/v1",
    "lemonade": "http://localhost:8000/api/v1",
    "docker_model_runner": "http://localhost:22088/engines/llama.cpp",
}
LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "::1/128", "fc00::/7")
)


def _seconds(value):
    """A timeout for a message: `120 s`, `1.5 s`; anything else as YAML spells it."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g} s" if isinstance(value, float) else f"{value} s"
    return show(value)


def _yaml(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _set(value):
    """Set in the sense of LiteLLM's timeout chains: `or`, so 0 and null fall through."""
    return value is not MISSING and bool(value)


def _per_call(doc):
    """The per-call timeout of a deployment with none of its own, and the key it comes from."""
    for path in (REQUEST_TIMEOUT, ROUTER_TIMEOUT):
        value = doc.get(path)
        if _set(value):
            return value, ".".join(path)
    return DEFAULT_TIMEOUT, "the default"


def _describe_per_call(doc):
    value, source = _per_call(doc)
    return f"{_seconds(value)} ({source})"


# --- litellm_settings.timeout ------------------------------------------------------------------------


def _old_timeout(ctx):
    doc = ctx.doc
    old = doc.get(OLD_TIMEOUT)
    if old is MISSING:
        return
    doc.delete(OLD_TIMEOUT, prune_empty=True)
    note = (
        f"removed litellm_settings.timeout: {_yaml(old)}: it is not a timeout (LiteLLM assigns it over its "
        "internal `timeout` function)"
    )
    request = doc.get(REQUEST_TIMEOUT)
    if old is None:
        ctx.report(note, OLD_TIMEOUT)
    elif _set(request):
        ctx.report(
            f"{note}; calls use litellm_settings.request_timeout: {_yaml(request)}",
            OLD_TIMEOUT,
            manual=None
            if number(request) == number(old)
            else f"if {_yaml(old)} s was the per-call timeout you meant, set litellm_settings.request_timeout: "
            f"{_yaml(old)}",
        )
    else:
        ctx.report(
            f"{note}; calls use {_describe_per_call(doc)}",
            OLD_TIMEOUT,
            manual=f"for a per-call timeout of {_yaml(old)} s, set litellm_settings.request_timeout: {_yaml(old)}",
        )


# --- litellm_settings.stream_timeout -----------------------------------------------------------------


def _old_stream_timeout(ctx):
    doc = ctx.doc
    old = doc.get(OLD_STREAM)
    if old is MISSING:
        return
    if not versions.reads(RS, "stream_timeout"):  # --target-version before 1.59: no router stream_timeout
        ctx.warn(
            f"litellm_settings.stream_timeout: {_yaml(old)} left in place: LiteLLM {versions.target()} has no "
            f"router_settings.stream_timeout ({versions.when('router_settings', 'stream_timeout')})",
            OLD_STREAM,
            manual="set litellm_params.stream_timeout on the deployments that stream",
        )
        return
    seconds = number(old)
    router = doc.get((RS,))
    existing = doc.get(ROUTER_STREAM)
    never_read = f"litellm_settings.stream_timeout: {_yaml(old)} is never read"
    if old is not None and (seconds is None or seconds < 0):
        ctx.warn(
            f"{never_read}, and {_yaml(old)} is not a number of seconds LiteLLM can use (left in place)",
            OLD_STREAM,
            manual="move it to router_settings.stream_timeout as a number of seconds, and delete it here",
        )
        return
    if old is not None and router is not MISSING and router is not None and not isinstance(router, dict):
        ctx.warn(
            f"{never_read}; router_settings is not a mapping, so it cannot be moved there (left in place)",
            OLD_STREAM,
            manual="make router_settings a mapping with stream_timeout: <seconds>",
        )
        return
    doc.delete(OLD_STREAM, prune_empty=True)
    before = f"streams used the per-call timeout, {_describe_per_call(doc)}, for each read"
    if old is None:
        ctx.report("removed litellm_settings.stream_timeout: null: it is never read", OLD_STREAM)
    elif existing is not MISSING and existing is not None:
        zero = " (0 means unset: streams use the per-call timeout)" if not existing else ""
        ctx.report(
            f"removed litellm_settings.stream_timeout: {_yaml(old)} (never read); kept router_settings.stream_timeout: "
            f"{_yaml(existing)}{zero}",
            ROUTER_STREAM,
            manual=None
            if number(existing) == seconds
            else f"check that router_settings.stream_timeout: {_yaml(existing)} is what you meant (the removed "
            f"value was {_yaml(old)})",
        )
    elif seconds > 0:
        doc.set(ROUTER_STREAM, seconds)
        ctx.report(
            f"moved stream_timeout: {_yaml(old)} from litellm_settings, where it is never read, to router_settings: "
            f"before, {before}; now a stream fails after {_yaml(seconds)} s without data (per read, not for the "
            "whole stream)",
            ROUTER_STREAM,
        )
    else:
        doc.set(ROUTER_STREAM, ZERO_STREAM_TIMEOUT)
        per_call = number(_per_call(doc)[0])
        shorter = per_call is None or per_call > ZERO_STREAM_TIMEOUT
        (ctx.warn if shorter else ctx.report)(
            f"replaced litellm_settings.stream_timeout: 0 with router_settings.stream_timeout: {ZERO_STREAM_TIMEOUT}"
            f" (the audit's value): the old key was never read, and 0 means unset, not infinite; before, {before}; "
            f"now each read of a stream waits at most {ZERO_STREAM_TIMEOUT} s",
            ROUTER_STREAM,
            manual=f"raise router_settings.stream_timeout if a model can be silent for more than "
            f"{ZERO_STREAM_TIMEOUT} s mid-stream (there is no 'no timeout')"
            if shorter
            else None,
        )


# --- model_info.health_check_timeout -----------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # a fleet repeats its api_base URLs; parsing one is not free
def is_local_url(url):
    """True when the host of `url` is this machine or a private network; False for anything else."""
    text = url.strip()
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return False
    if not host:
        return False
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return True
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_unspecified or any(ip in net for net in LOCAL_NETWORKS if net.version == ip.version)


def locality(deployment):
    """'local', 'remote', or None when the api_base comes from the environment."""
    params = deployment.get("litellm_params")
    params = params if isinstance(params, dict) else {}
    for key in ("api_base", "base_url"):
        base = params.get(key)
        if isinstance(base, str) and base.strip():
            if base.strip().startswith("os.environ/"):
                return None
            return "local" if is_local_url(base) else "remote"
    provider = params.get("custom_llm_provider")
    model = params.get("model")
    if not isinstance(provider, str) and isinstance(model, str) and "/" in model:
        provider = model.split("/", 1)[0]
    return "local" if isinstance(provider, str) and provider.strip().lower() in LOCAL_PROVIDERS else "remote"


def _label(i, deployment):
    name = deployment.get("model_name")
    return f"[{i}] {name}" if isinstance(name, str) else f"[{i}]"


def _listing(items):
    """'deployment [3] name' or 'deployments [3] a, [5] b and 4 more', from (index, label) pairs."""
    return f"deployment{'s' if len(items) > 1 else ''} {listed([label for _, label in items])}"


def _health_check_timeouts(ctx):
    doc = ctx.doc
    models = doc.get(("model_list",))
    if not isinstance(models, list):
        return
    added = {"local": [], "remote": []}
    unknown, not_mapping, refused = [], [], []
    for i, deployment in enumerate(models):
        if not isinstance(deployment, dict):
            continue
        info = deployment.get("model_info", MISSING)
        if isinstance(info, dict) and info.get("health_check_timeout") is not None:
            continue
        if info is not MISSING and info is not None and not isinstance(info, dict):
            not_mapping.append((i, _label(i, deployment)))
            continue
        kind = locality(deployment)
        if kind is None:
            unknown.append((i, _label(i, deployment)))
            continue
        try:
            doc.set(
                ("model_list", i, "model_info", "health_check_timeout"),
                LOCAL_PROBE if kind == "local" else REMOTE_PROBE,
            )
        except EditRefused as exc:
            refused.append((i, _label(i, deployment), exc.reason))
            continue
        added[kind].append(i)
    total = len(added["local"]) + len(added["remote"])
    if total:
        parts = [f"{LOCAL_PROBE} s for {len(added['local'])} local"] if added["local"] else []
        parts += [f"{REMOTE_PROBE} s for {len(added['remote'])} remote"] if added["remote"] else []
        ctx.report(
            f"added model_info.health_check_timeout to {total} deployment{'s' if total > 1 else ''} "
            f"({', '.join(parts)}): a health probe no longer waits 60 s for a dead deployment",
            ("model_list", (added["local"] or added["remote"])[0], "model_info", "health_check_timeout"),
        )
    if added["local"]:
        on = [
            p
            for p in ((GS, "enable_health_check_routing"), (RS, "enable_health_check_routing"))
            if doc.get(p)
        ]
        text = f"a cold local model that takes more than {LOCAL_PROBE} s to answer a health probe is marked unhealthy"
        if on:
            ctx.warn(
                f"{'.'.join(on[0])} is on: {text} and taken out of routing",
                on[0],
                manual="raise model_info.health_check_timeout on local models that load slowly",
            )
        else:
            ctx.report(
                f"{text}; with general_settings.enable_health_check_routing: true it would be taken out of routing",
                ("model_list", added["local"][0], "model_info", "health_check_timeout"),
            )
    manual = (
        f"add model_info.health_check_timeout: {LOCAL_PROBE} (a server on this machine or network) or "
        f"{REMOTE_PROBE} (a remote API)"
    )
    if unknown:
        ctx.report(
            f"no health_check_timeout added to {_listing(unknown)}: the api_base comes from the environment "
            "(os.environ/...), so local or remote is unknown",
            ("model_list", unknown[0][0]),
            manual=manual,
        )
    if not_mapping:
        ctx.warn(
            f"no health_check_timeout added to {_listing(not_mapping)}: model_info is not a mapping",
            ("model_list", not_mapping[0][0], "model_info"),
            manual=manual,
        )
    if refused:
        ctx.report(
            f"no health_check_timeout added to {_listing([r[:2] for r in refused])}: the edit was refused "
            f"({refused[0][2]})",
            ("model_list", refused[0][0]),
            manual=manual,
            kind="refused",
        )


# --- effective per-call timeout ----------------------------------------------------------------------


def _effective_timeout(ctx):
    doc = ctx.doc
    request, router = doc.get(REQUEST_TIMEOUT), doc.get(ROUTER_TIMEOUT)
    if not (_set(request) and _set(router)):
        return
    if number(request) is not None and number(request) == number(router):
        return
    ctx.report(
        f"calls use litellm_settings.request_timeout: {_yaml(request)}, not router_settings.timeout: "
        f"{_yaml(router)}: when both are set, litellm_settings.request_timeout is the effective per-call timeout "
        "(measured); router_settings.timeout only applies when request_timeout is unset. A deployment's own "
        "litellm_params.timeout, or for streams any stream_timeout, beats both",
        REQUEST_TIMEOUT,
        manual=f"if {_yaml(router)} s is the per-call timeout you meant, set litellm_settings.request_timeout: "
        f"{_yaml(router)} (or delete it)",
    )


def fix(ctx):
    doc = ctx.doc
    _health_check_timeouts(ctx)
    settings = doc.get((LS,))
    if settings is MISSING or settings is None or isinstance(settings, dict):
        _old_timeout(ctx)
        _old_stream_timeout(ctx)
    _effective_timeout(ctx)
