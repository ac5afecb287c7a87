"""## What it does
For `litellm_settings.cache_params.type: disk`, which LiteLLM removed in 1.109: reports it, and with
`--unsafe-fixes` switches the cache to `local` (in memory) and deletes `disk_cache_dir`.

## Why is this bad?
1.109.3 `litellm/types/caching.py:10` (`LiteLLMCacheType`) has no `disk`, and
`litellm/caching/caching.py:314` raises `ValueError: Unsupported cache type 'disk'` when the proxy
builds the cache at startup; `disk_cache_dir` is ignored with a warning (caching.py:316). Up to
1.108 (1.108.14 `litellm/caching/caching.py:34`) the disk cache existed.

## Example
```yaml
litellm_settings:
  cache: true
  cache_params:
    type: disk
    disk_cache_dir: /var/cache/litellm
```
Use instead (with `--unsafe-fixes`):
```yaml
litellm_settings:
  cache: true
  cache_params:
    type: local
```

## Fix safety
Unsafe: an in-memory cache is lost on restart and not shared between workers; `redis` is the
persistent choice, which needs a server (so autofix does not pick it for you).
"""

from autofix.changes import MISSING

ID = "R6"
SLUG = "disk-cache-removed"
PRIORITY = "p1"
SAFETY = "unsafe"
TITLE = "cache type disk (removed in 1.109) → local, with --unsafe-fixes"
RELEASE = "1.109"
SOURCE = "litellm 1.109.3 litellm/caching/caching.py:314"

PARAMS = ("litellm_settings", "cache_params")


def fix(ctx):
    doc = ctx.doc
    if doc.get((*PARAMS, "type")) != "disk":
        return
    if not ctx.allow_unsafe(
        "switch cache_params.type disk (removed in LiteLLM 1.109: startup fails) to local", (*PARAMS, "type")
    ):
        return
    doc.set((*PARAMS, "type"), "local")
    if doc.get((*PARAMS, "disk_cache_dir")) is not MISSING:
        doc.delete((*PARAMS, "disk_cache_dir"))
    ctx.report(
        "cache_params.type disk → local: the disk cache is gone from LiteLLM 1.109; local is in memory "
        "(use redis for a persistent, shared cache)",
        (*PARAMS, "type"),
    )
