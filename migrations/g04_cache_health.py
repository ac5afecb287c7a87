"""## What it does
Checks the response cache settings LiteLLM 1.110 reads at startup (`litellm_settings.cache` and
`cache_params`) and reports what would stop the proxy or silently leave it without a cache. It
changes nothing. When a cache is configured it also gives the manual step that replaces the audit's
monitoring script: `autofix probe`, which checks `/cache/ping` on the running proxy.

## Why is this bad?
No config key monitors a cache, and a cache misconfiguration is either fatal or silent:
- a `cache_params` key that neither `Cache()` nor the Redis client knows aborts startup with
  `TypeError: Redis.__init__() got an unexpected keyword argument '...'` (for `type: redis` with a
  host; with `url` or cluster nodes it is dropped silently; `type: s3` fails in `boto3`; the other
  types ignore it). `default_redis_ttl` and `redis_url` are common cases: the Redis keys are
  `default_in_redis_ttl` and `url`;
- a `type` LiteLLM does not know aborts startup with `ValueError: Unsupported cache type` (`disk` was
  removed);
- the cache is built only when `cache` is the YAML boolean `true`: `cache: "true"` builds nothing;
- a Redis cache without `host`, `url` or cluster/sentinel nodes takes `REDIS_HOST` (`REDIS_PORT`, else
  6379) or `REDIS_URL` from the environment, and without them startup fails with `ValueError: Either
  'host' or 'url' must be specified for redis.` A host without a port is fine.

## Example
```yaml
litellm_settings:
  cache: "true"
  cache_params:
    type: disk
    default_redis_ttl: 600
```
Use instead:
```yaml
litellm_settings:
  cache: true
  cache_params:
    type: redis
    host: redis.internal
    port: 6379
    default_in_redis_ttl: 600
```
then check the running proxy with `autofix probe --url http://HOST:PORT` (the master key in
`LITELLM_MASTER_KEY`): exit 0 healthy, 1 unhealthy, 2 unreachable.

## Fix safety
Report only: the right key, type or host is the user's choice. Nothing is written.
"""

from __future__ import annotations

import difflib

from autofix import versions
from autofix.changes import MISSING
from autofix.litellm_data import data, names
from autofix.values import LS

ID = "G4"
SLUG = "cache-health"
PRIORITY = "p1"
SAFETY = "report"
TITLE = "Cache settings that abort startup or build no cache; monitor the cache with `autofix probe`"
REFUSES = "the proxy refuses to start"  # these problems stop the proxy only with cache: true

CACHE = (LS, "cache")
PARAMS = (LS, "cache_params")
PROBE_STEP = (
    "monitor it with `autofix probe --url http://HOST:PORT` (checks /cache/ping with the master key from "
    "LITELLM_MASTER_KEY; exit 0 healthy, 1 unhealthy, 2 unreachable)"
)

# Parameters of redis-py 8.1.0's `redis.Redis.__init__` (the redis-py in the LiteLLM 1.110.2 venv),
# minus `self`: LiteLLM passes every `cache_params` key that `Cache.__init__` does not name on to it
# (`litellm/_redis.py:get_redis_client`). Used unless the data file carries `redis_client_params`.
REDIS_CLIENT_PARAMS_REDIS_8_1 = frozenset(
    {
        "cache", "cache_config", "client_name", "connection_pool", "credential_provider", "db",
        "decode_responses", "driver_info", "encoding", "encoding_errors", "event_dispatcher",
        "health_check_interval", "host", "legacy_responses", "lib_name", "lib_version",
        "maint_notifications_config", "max_connections", "oss_cluster_maint_notifications_handler",
        "password", "port", "protocol", "redis_connect_func", "retry", "retry_on_error", "retry_on_timeout",
        "single_connection_client", "socket_connect_timeout", "socket_keepalive", "socket_keepalive_options",
        "socket_read_size", "socket_timeout", "ssl", "ssl_ca_certs", "ssl_ca_data", "ssl_ca_path",
        "ssl_cert_reqs", "ssl_certfile", "ssl_check_hostname", "ssl_ciphers", "ssl_exclude_verify_flags",
        "ssl_include_verify_flags", "ssl_keyfile", "ssl_min_version", "ssl_ocsp_context",
        "ssl_ocsp_expected_cert", "ssl_password", "ssl_validate_ocsp", "ssl_validate_ocsp_stapled",
        "unix_socket_path", "username",
    }
)  # fmt: skip
# Keys LiteLLM itself takes before the client is built (litellm 1.110.2): RedisCache.__init__
# (`caching/redis_cache.py`), the url/IAM/sentinel settings of `_redis.py` (`_get_redis_kwargs`,
# `merge_redis_kwargs`, `_get_redis_client_logic`).
LITELLM_REDIS_KEYS = frozenset(
    {
        "startup_nodes", "socket_timeout", "redis_flush_size", "namespace", "url",
        "gcp_service_account", "gcp_ssl_ca_certs", "azure_redis_ad_token", "azure_client_id",
        "azure_tenant_id", "azure_client_secret", "aws_iam_auth", "aws_iam_user_name", "aws_iam_cache_name",
        "aws_iam_region", "aws_iam_serverless", "sentinel_nodes", "sentinel_password", "service_name",
    }
)  # fmt: skip
# Extra keys the other backends take from **kwargs (litellm 1.110.2 caching/*.py; boto3 Session.client).
OTHER_BACKEND_KEYS = {
    "s3": frozenset({"aws_account_id"}),
    "redis-semantic": frozenset({"redis_url"}),
    "valkey-semantic": frozenset({"redis_url", "ssl", "startup_nodes"}),
}
# Where a client other than redis.Redis(**kwargs) is built, an unknown key is filtered out, not fatal.
FILTERED_TARGETS = ("url", "startup_nodes", "redis_startup_nodes", "sentinel_nodes")
REDIS_TARGETS = ("host", *FILTERED_TARGETS)
LIKELY = {
    "default_redis_ttl": "default_in_redis_ttl",
    "redis_ttl": "default_in_redis_ttl",
    "redis_url": "url",
    "redis_host": "host",
    "redis_port": "port",
    "redis_password": "password",
    "cluster_nodes": "redis_startup_nodes",
    "pool_size": "max_connections",
    "connection_pool_size": "max_connections",
}


def _redis_keys() -> frozenset[str]:
    client = data().get("redis_client_params")
    return (frozenset(client) if client else REDIS_CLIENT_PARAMS_REDIS_8_1) | LITELLM_REDIS_KEYS


def _suggest(key: str, legal: frozenset[str]) -> str:
    guess = LIKELY.get(key)
    if guess is None or guess not in legal:
        close = difflib.get_close_matches(key, sorted(legal), n=1, cutoff=0.8)
        guess = close[0] if close else None
    return f" (did you mean {guess}?)" if guess else ""


def _set(value) -> bool:
    return value is not MISSING and value is not None


def _check_type(ctx, params: dict, fails: str) -> str | None:
    """The cache type, or None when it is unusable (reported)."""
    kind = params.get("type", "redis")
    if isinstance(kind, str) and kind.startswith("os.environ/"):
        return None  # resolved at startup; cannot be checked here
    valid = names("cache_types")
    if isinstance(kind, str) and kind in valid:
        return kind
    removed = (
        f" (the disk cache was removed; {versions.when('cache_types', 'disk')})" if kind == "disk" else ""
    )
    ctx.warn(
        f"cache_params.type {kind!r} is not a cache type of LiteLLM {versions.target()}{removed}: "
        f"{fails} (ValueError: Unsupported cache type {kind!r})",
        (*PARAMS, "type"),
        manual=f"use one of: {', '.join(sorted(valid))} (local is in memory; redis needs a server)",
        blocks_startup=fails == REFUSES,
    )
    return None


def _check_keys(ctx, params: dict, kind: str, fails: str) -> None:
    cache_keys = names("cache_init_params")
    if kind == "redis":
        legal = cache_keys | _redis_keys()
    else:
        legal = cache_keys | OTHER_BACKEND_KEYS.get(kind, frozenset())
    filtered = kind == "redis" and any(_set(params.get(k, MISSING)) for k in FILTERED_TARGETS)
    for key in params:
        if not isinstance(key, str):
            ctx.warn(
                f"cache_params has a non-string key {key!r}: {fails}", PARAMS, blocks_startup=fails == REFUSES
            )
            continue
        path = (*PARAMS, key)
        if key == "disk_cache_dir":
            ctx.report(
                "cache_params.disk_cache_dir is ignored: the disk cache was removed from LiteLLM", path
            )
            continue
        if key in legal:
            continue
        hint = _suggest(key, legal)
        if kind == "redis" and not filtered:
            ctx.warn(
                f"cache_params.{key} is not a setting of the cache or of the Redis client: {fails} "
                f"(TypeError: Redis.__init__() got an unexpected keyword argument {key!r}){hint}",
                path,
                manual=f"remove or rename cache_params.{key}",
                blocks_startup=fails == REFUSES,
            )
        elif kind == "s3":
            ctx.warn(
                f"cache_params.{key} is not a setting of the s3 cache: {fails} "
                f"(TypeError: Session.client() got an unexpected keyword argument {key!r}){hint}",
                path,
                manual=f"remove or rename cache_params.{key}",
                blocks_startup=fails == REFUSES,
            )
        else:
            how = "url/cluster/sentinel connection" if kind == "redis" else f"{kind} cache"
            ctx.report(f"cache_params.{key} is ignored by the {how}{hint}", path)


def _check_host(ctx, params: dict | None, kind: str) -> None:
    if kind != "redis":
        return
    if params is not None and any(_set(params.get(k, MISSING)) for k in REDIS_TARGETS):
        return  # a host without a port is fine: REDIS_PORT, else 6379
    where = (
        "litellm_settings.cache: true without cache_params" if params is None else "cache_params has no host"
    )
    ctx.report(
        f"{where}: the Redis cache connects to REDIS_HOST (port REDIS_PORT, else 6379; REDIS_PASSWORD) or "
        "REDIS_URL from the proxy's environment; with neither set the proxy refuses to start "
        "(ValueError: Either 'host' or 'url' must be specified for redis.)",
        PARAMS if params is not None else CACHE,
        manual="set REDIS_HOST and REDIS_PORT (or REDIS_URL) in the proxy's environment, "
        "or cache_params.host and cache_params.port (os.environ/NAME works there)",
    )


def fix(ctx):
    doc = ctx.doc
    cache = doc.get(CACHE)
    params = doc.get(PARAMS)
    if cache is MISSING or cache is None or cache is False:
        if _set(params) and cache is not False:
            ctx.report(
                "litellm_settings.cache_params is set but litellm_settings.cache is not true: no cache is built",
                PARAMS,
                manual="add `cache: true` under litellm_settings to use it (or delete cache_params)",
            )
        return
    if cache is not True:
        ctx.warn(
            f"litellm_settings.cache is {cache!r}, not the YAML boolean true: the proxy builds the cache only for a "
            "literal true, so no cache is used",
            CACHE,
            manual="write `cache: true` without quotes",
        )
    fails = REFUSES if cache is True else "with cache: true the proxy would refuse to start"
    if params is MISSING:
        _check_host(ctx, None, "redis")  # the proxy's default type, from the environment
    elif not isinstance(params, dict):
        ctx.warn(
            f"litellm_settings.cache_params is {type(params).__name__ if params is not None else 'null'}, not a "
            f"mapping: {fails} (TypeError while reading it)",
            PARAMS,
            manual="make cache_params a mapping (type, host, port, ...) or delete it",
            blocks_startup=fails == REFUSES,
        )
    else:
        kind = _check_type(ctx, params, fails)
        if kind is not None:
            _check_keys(ctx, params, kind, fails)
            _check_host(ctx, params if params else None, kind)
    ctx.report("no config key monitors the cache: check it on the running proxy", CACHE, manual=PROBE_STEP)
