"""`autofix probe`: check a running LiteLLM proxy (1.110) and its cache. Standard library only.

    autofix probe [--url http://127.0.0.1:4000] [--key-env LITELLM_MASTER_KEY] [--config PATH]
                  [--format text|json] [--timeout 5]

Checks, in order:
- `GET /health/liveliness` and `GET /health/readiness`: public, no key sent.
- `GET /cache/ping` with `Authorization: Bearer <key>` (the key is read from the env var `--key-env`).
  The real answer has `status`, `cache_type`, `ping_response`, `set_cache_response`,
  `litellm_cache_params` (a JSON string) and `health_check_cache_params`: the Redis version is
  `health_check_cache_params.redis_version`, and host/port are under
  `health_check_cache_params.redis_kwargs` (the top-level `host`/`port` there are null). HTTP 503 means
  either "Cache not initialized" (no cache on the proxy) or a failed ping/write ("Service Unhealthy").
- `GET /metrics` with the key, when the config has the prometheus callback
  (`litellm_settings.callbacks` or `success_callback`), or when no config is given (then a 404 only
  says that metrics are off).

Exit codes: 0 healthy (warnings allowed), 1 unhealthy (a check failed, or a needed check could not run
because the key is missing or rejected), 2 unreachable (nothing answers at the URL, or what answers is
no LiteLLM proxy: 404 on every endpoint; also a bad `--url`, `--format` or `--config`). Codes 1 and 2 come with one line on stderr saying why.

Cache rules: with `--config` and `litellm_settings.cache: true`, a proxy without a cache is unhealthy;
with a config that has no cache, "no cache" is fine; without a config, "no cache configured" is a
warning, not a failure. Without the key env var, `/cache/ping` and `/metrics` are still tried without a
key (a proxy may allow that); a 401 marks them skipped, and a skipped check that was needed makes the
result unhealthy (exit 1, "set LITELLM_MASTER_KEY (or --key-env NAME)"). The key is never printed:
any echo of it in a response is masked, and redirects are followed only on the same origin.

This replaces the audit's `curl -s http://localhost:4000/cache/ping | jq '{status, cache_type,
redis_version: .redis_version, pool_size: .connection_pool.size}'`, which sends no key (401) and reads
two fields that do not exist (`.redis_version` is at `.health_check_cache_params.redis_version`; no
connection-pool size is exposed at all). Its `grep -q healthy` also passes on the 503 body, which says
"Service Unhealthy". Use the exit code, or
`autofix probe --format json | jq '.checks[] | select(.name == "cache") | {ok, cache_type, redis_version}'`.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from autofix.probe_http import Reply, request, strip_userinfo
from autofix.secrets import MASK
from autofix.values import names

EXIT_HEALTHY, EXIT_UNHEALTHY, EXIT_UNREACHABLE = 0, 1, 2
DEFAULT_URL = "http://127.0.0.1:4000"
DEFAULT_KEY_ENV = "LITELLM_MASTER_KEY"

# ------------------------------------------------------------------------------------ the config


def expectations(config_data: Any) -> dict[str, Any]:
    """What the config says the proxy should have: cache (bool | None = no config), its type,
    prometheus (bool | None)."""
    if config_data is None:
        return {"cache": None, "cache_type": None, "prometheus": None}
    ls = config_data.get("litellm_settings") if isinstance(config_data, dict) else None
    ls = ls if isinstance(ls, dict) else {}
    params = ls.get("cache_params") if isinstance(ls.get("cache_params"), dict) else {}
    cache = ls.get("cache") is True  # the proxy builds the cache only for a literal true
    prometheus = "prometheus" in names(ls.get("callbacks")) or any(
        "prometheus" in name and "." not in name for name in names(ls.get("success_callback"))
    )
    return {
        "cache": cache,
        "cache_type": str(params.get("type", "redis")) if cache else None,
        "prometheus": prometheus,
    }


# ---------------------------------------------------------------------------------------- checks


def _check(
    name: str, status: str, reply: Reply | None, detail: str, *, required: bool = True, **fields
) -> dict:
    """status: ok | warn | info | fail | skip. `ok` is false for a failure, and for a needed check
    that was skipped."""
    ok = status in ("ok", "warn", "info") or (status == "skip" and not required)
    return {
        "name": name,
        "ok": ok,
        "status": status,
        "status_code": reply.status if reply is not None else None,
        "detail": detail,
        **fields,
    }


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_message(reply: Reply) -> str:
    """The message of a LiteLLM error body ({"error": {"message": ...}} or {"detail": ...}), else the text."""
    body = reply.json()
    if isinstance(body, dict):
        err = body.get("error", body.get("detail", body))
        if isinstance(err, dict):
            err = err.get("message", err)
        return str(err)
    if isinstance(body, str):
        return body
    return reply.text or (reply.error or "")


def _nested(value: Any) -> Any:
    """/cache/ping's 503 carries its details as a JSON string inside the message, with JSON strings inside."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _redis_fields(params: Any) -> dict[str, Any]:
    """redis_version and where Redis is, from health_check_cache_params (host/port live in redis_kwargs)."""
    params = _nested(params)
    if not isinstance(params, dict):
        return {}
    kwargs = params.get("redis_kwargs") if isinstance(params.get("redis_kwargs"), dict) else {}
    out: dict[str, Any] = {"redis_version": params.get("redis_version")}
    host = kwargs.get("host") or params.get("host")
    port = kwargs.get("port") or params.get("port")
    if host is not None or port is not None:
        out["redis_host"], out["redis_port"] = host, port
    elif isinstance(kwargs.get("url"), str):
        out["redis_url"] = strip_userinfo(kwargs["url"])
    elif kwargs.get("startup_nodes"):
        out["redis_startup_nodes"] = kwargs["startup_nodes"]
    return out


def _where(fields: dict[str, Any]) -> str:
    if "redis_host" in fields:
        host, port = fields.get("redis_host"), fields.get("redis_port")
        return f"{host or '?'}:{port}" if port is not None else f"{host} (port 6379 or REDIS_PORT)"
    if fields.get("redis_url"):
        return str(fields["redis_url"])
    if fields.get("redis_startup_nodes"):
        return f"cluster {fields['redis_startup_nodes']}"
    return "?"


def _cache_type(value: Any) -> str:
    text = str(value)
    return text.split(".", 1)[1].lower().replace("_", "-") if text.startswith("LiteLLMCacheType.") else text


def _auth_refused(name: str, reply: Reply, key: str | None, key_env: str, required: bool) -> dict:
    if not key:
        return _check(
            name,
            "skip",
            reply,
            f"needs the master key (HTTP {reply.status}): set {key_env} (or --key-env NAME)",
            required=required,
        )
    return _check(
        name,
        "fail",
        reply,
        f"the proxy refused the key from {key_env} (HTTP {reply.status}: {_short(_error_message(reply))})",
        required=required,
    )


def check_liveliness(reply: Reply) -> dict:
    if reply.status == 200:
        body = reply.json()
        return _check(
            "liveliness", "ok", reply, f"HTTP 200 {_short(str(body if body is not None else reply.text))}"
        )
    if reply.status == 404:
        return _check(
            "liveliness", "fail", reply, "HTTP 404: no /health/liveliness here; is this a LiteLLM proxy?"
        )
    body = reply.json()
    status = body.get("status") if isinstance(body, dict) else None
    return _check("liveliness", "fail", reply, f"HTTP {reply.status}" + (f": {status}" if status else ""))


def check_readiness(reply: Reply) -> dict:
    if reply.error:
        return _check("readiness", "fail", reply, reply.error)
    body = reply.json()
    body = body if isinstance(body, dict) else {}
    fields = {k: body[k] for k in ("db", "cache", "litellm_version") if k in body}
    bits = ", ".join(
        f"{k} {v}" for k, v in (("status", body.get("status")), *fields.items()) if v is not None
    )
    if reply.status == 200:
        return _check("readiness", "ok", reply, f"HTTP 200 {bits}".rstrip(), **fields)
    return _check(
        "readiness",
        "fail",
        reply,
        f"HTTP {reply.status} {bits or _short(_error_message(reply))}".rstrip(),
        **fields,
    )


def check_cache(reply: Reply, key: str | None, key_env: str, expect: dict[str, Any]) -> dict:
    name = "cache"
    wanted = expect["cache"]  # True / False / None (no config)
    required = wanted is not False
    if reply.error:
        return _check(name, "fail", reply, reply.error, required=required)
    if reply.status in (400, 401, 403):
        return _auth_refused(name, reply, key, key_env, required)
    if reply.status == 404:
        return _check(
            name, "fail", reply, "HTTP 404: no /cache/ping here; is this a LiteLLM proxy?", required=required
        )
    if reply.status == 200:
        body = reply.json()
        if not isinstance(body, dict):
            return _check(
                name, "fail", reply, f"HTTP 200 but not JSON: {_short(reply.text)}", required=required
            )
        ctype = _cache_type(body.get("cache_type"))
        fields: dict[str, Any] = {
            "cache_status": body.get("status"),
            "cache_type": ctype,
            "ping_response": body.get("ping_response"),
            "set_cache_response": body.get("set_cache_response"),
        }
        fields.update(_redis_fields(body.get("health_check_cache_params")))
        if body.get("status") != "healthy":
            return _check(name, "fail", reply, f"status {body.get('status')!r}", required=required, **fields)
        note = ""
        if wanted is False:
            note = "; the config has no cache: is the proxy running another config?"
        elif expect.get("cache_type") and expect["cache_type"] != ctype:
            note = f"; the config asks for {expect['cache_type']!r}"
        if ctype == "redis":
            if body.get("ping_response") is not True or body.get("set_cache_response") != "success":
                return _check(
                    name,
                    "fail",
                    reply,
                    f"redis at {_where(fields)}: ping {body.get('ping_response')!r}, "
                    f"test write {body.get('set_cache_response')!r}",
                    required=required,
                    **fields,
                )
            version = fields.get("redis_version") or "(version unknown)"
            detail = f"redis {version} at {_where(fields)}: ping ok, test write ok{note}"
        else:
            detail = f"{ctype} cache healthy (only redis is pinged){note}"
        return _check(name, "warn" if note else "ok", reply, detail, required=required, **fields)
    if reply.status == 503:
        inner = _nested(_error_message(reply))
        message = str(inner.get("message", inner)) if isinstance(inner, dict) else str(inner)
        fields = _redis_fields(inner.get("health_check_cache_params")) if isinstance(inner, dict) else {}
        if "not initialized" in message.lower():
            if wanted is True:
                return _check(
                    name,
                    "fail",
                    reply,
                    "no cache on the proxy, but the config sets litellm_settings.cache: true "
                    "(is the proxy running this config?)",
                    cache_type=None,
                )
            if wanted is False:
                return _check(
                    name,
                    "ok",
                    reply,
                    "no cache configured (as in the config)",
                    required=False,
                    cache_type=None,
                )
            return _check(
                name,
                "warn",
                reply,
                "no cache configured on the proxy (HTTP 503 Cache not initialized)",
                cache_type=None,
            )
        cache_params = _nested(inner.get("litellm_cache_params")) if isinstance(inner, dict) else None
        ctype = _cache_type(cache_params.get("type")) if isinstance(cache_params, dict) else None
        where = f"{ctype or 'cache'} at {_where(fields)}" if fields else (ctype or "the cache")
        return _check(
            name,
            "fail",
            reply,
            f"{where} failed its ping or test write (HTTP 503 {_short(message, 80)})",
            required=required,
            cache_type=ctype,
            **fields,
        )
    return _check(
        name, "fail", reply, f"HTTP {reply.status}: {_short(_error_message(reply))}", required=required
    )


def check_metrics(reply: Reply, key: str | None, key_env: str, expect: dict[str, Any]) -> dict:
    name = "metrics"
    wanted = expect["prometheus"]  # True, or None (no config)
    required = wanted is True
    if reply.error:
        return _check(name, "fail", reply, reply.error, required=required)
    if reply.status in (400, 401, 403):
        return _auth_refused(name, reply, key, key_env, required)
    if reply.status == 404:
        if wanted:
            return _check(
                name,
                "fail",
                reply,
                "HTTP 404: /metrics is not served although the config has the prometheus callback "
                "(is the proxy running this config?)",
            )
        return _check(
            name, "info", reply, "not enabled (no prometheus callback on the proxy)", required=False
        )
    if reply.status == 200:
        text = reply.text
        families = [
            ln.split()[2] for ln in text.splitlines() if ln.startswith("# TYPE ") and len(ln.split()) > 2
        ]
        ours = [f for f in families if f.startswith("litellm")]
        return _check(
            name,
            "ok",
            reply,
            f"HTTP 200, {len(families)} metric families ({len(ours)} litellm_*)",
            required=required,
            metric_families=len(families),
            litellm_metric_families=len(ours),
        )
    return _check(
        name, "fail", reply, f"HTTP {reply.status}: {_short(_error_message(reply))}", required=required
    )


def _mask(value: Any, key: str | None) -> Any:
    if not key:
        return value
    if isinstance(value, str):
        return value.replace(key, MASK)
    if isinstance(value, dict):
        return {k: _mask(v, key) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, key) for v in value]
    return value


def probe(
    url: str,
    key: str | None,
    config_data: Any = None,
    timeout: float = 5.0,
    *,
    key_env: str = DEFAULT_KEY_ENV,
) -> dict:
    """Probe the proxy at `url`; the pure result (no printing). `key` may be None.

    {"url", "reachable", "healthy", "error" (when unreachable), "problems": [one line per failed or
    needed-but-skipped check], "checks": [{"name", "ok", "status", "status_code", "detail", ...}]}
    """
    base = url.rstrip("/")
    shown = strip_userinfo(base)
    expect = expectations(config_data)
    result: dict[str, Any] = {"url": shown, "reachable": True, "healthy": False, "checks": [], "problems": []}
    live = request(base, "/health/liveliness", None, timeout)
    if live.error:
        result["reachable"] = False
        result["error"] = f"cannot reach {shown}: {live.error}"
        result["checks"].append(_check("liveliness", "fail", live, live.error))
        result["problems"].append(result["error"])
        return _mask(result, key)
    checks = [check_liveliness(live), check_readiness(request(base, "/health/readiness", None, timeout))]
    checks.append(check_cache(request(base, "/cache/ping", key, timeout), key, key_env, expect))
    if expect["prometheus"] is not False:
        checks.append(check_metrics(request(base, "/metrics", key, timeout), key, key_env, expect))
    result["checks"] = checks
    result["problems"] = [f"{c['name']}: {c['detail']}" for c in checks if not c["ok"]]
    result["healthy"] = not result["problems"]
    if all(c.get("status_code") == 404 for c in checks):
        # a server answers, but with 404 on every endpoint a LiteLLM proxy serves: another program
        result["litellm"] = False
        result["error"] = (
            f"{shown} does not look like a LiteLLM proxy: every endpoint answered 404 "
            f"({', '.join(c['name'] for c in checks)}); is the port right?"
        )
        result["problems"] = [result["error"]]
    return _mask(result, key)


# ------------------------------------------------------------------------------------- the command


COLOURS = {"ok": "green", "info": "cyan", "warn": "yellow", "fail": "red", "skip": "yellow"}


def render_text(result: dict, colour: bool = False) -> str:
    """The probe's table; with `colour`, styled by rich (the caller decides from the stream)."""
    import io

    from rich.text import Text

    from autofix.text import console

    buffer = io.StringIO()
    con = console(buffer)
    if colour:
        con = type(con)(
            file=buffer,
            markup=False,
            highlight=False,
            emoji=False,
            soft_wrap=True,
            force_terminal=True,
            color_system="standard",
            no_color=False,
        )
    rows = [(c["name"], c["status"], c["detail"]) for c in result["checks"]]
    w_name = max([len("check"), *(len(r[0]) for r in rows)])
    w_status = max([len("status"), *(len(r[1]) for r in rows)])
    con.print(Text(f"autofix probe {result['url']}", style="bold"))
    con.print(Text(f"{'check':<{w_name}}  {'status':<{w_status}}  detail"))
    for name, status, detail in rows:
        line = Text(f"{name:<{w_name}}  ")
        line.append(f"{status:<{w_status}}", style=COLOURS.get(status, ""))
        line.append(f"  {detail}")
        con.print(line)
    if not result["reachable"]:
        con.print(Text("unreachable", style="red"))
    elif result.get("litellm") is False:
        con.print(Text("not a LiteLLM proxy (every endpoint answered 404)", style="red"))
    elif result["healthy"]:
        con.print(Text("healthy", style="green"))
    else:
        bad = ", ".join(c["name"] for c in result["checks"] if not c["ok"])
        con.print(Text(f"unhealthy ({bad})", style="red"))
    return buffer.getvalue()


def _err(message: str) -> None:
    print(f"autofix probe: {message}", file=sys.stderr)


def load_config(path: Path) -> dict:
    """The parsed config (PyYAML safe_load, as LiteLLM reads it); InputError when unusable."""
    import yaml

    from autofix.discover import read_config
    from autofix.errors import InputError

    data = read_config(path)
    try:
        parsed = yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid YAML: {str(exc).splitlines()[0]}", path=str(path)) from None
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise InputError("not a LiteLLM config (the top level is not a mapping)", path=str(path))
    return parsed


def probe_command(
    url: str = DEFAULT_URL,
    key_env: str = DEFAULT_KEY_ENV,
    fmt: str = "text",
    config: Path | None = None,
    timeout: float = 5.0,
) -> int:
    """Run the probe, print the table (or one JSON object), return the exit code (0, 1 or 2)."""
    from autofix.errors import InputError

    if fmt not in ("text", "json"):
        _err(f"unknown --format {fmt!r}; use text or json")
        return EXIT_UNREACHABLE
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        _err(f"invalid --url {url!r}: expected http://HOST:PORT")
        return EXIT_UNREACHABLE
    if not timeout or timeout <= 0:
        _err(f"invalid --timeout {timeout!r}: expected a number of seconds > 0")
        return EXIT_UNREACHABLE
    config_data = None
    if config is not None:
        try:
            config_data = load_config(Path(config))
        except InputError as exc:
            _err(str(exc))
            return EXIT_UNREACHABLE
    key = os.environ.get(key_env) or None
    if key is None:
        _err(
            f"{key_env} is not set: /cache/ping and /metrics are tried without a key; "
            f"set {key_env} (or --key-env NAME)"
        )
    result = probe(url, key, config_data, timeout, key_env=key_env)
    if fmt == "json":
        print(json.dumps(result, indent=2, default=str))
    else:
        from autofix.text import Painter

        sys.stdout.write(render_text(result, Painter(sys.stdout).colour))
    if not result["reachable"] or result.get("litellm") is False:
        _err(result["error"])
        return EXIT_UNREACHABLE
    if not result["healthy"]:
        _err("unhealthy: " + "; ".join(result["problems"]))
        return EXIT_UNHEALTHY
    return EXIT_HEALTHY
