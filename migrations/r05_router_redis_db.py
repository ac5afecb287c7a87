"""## What it does
Moves `router_settings.redis_db` into `router_settings.cache_kwargs` as `db`, which is what the
router does with it anyway, and what its deprecation warning asks for. When `cache_kwargs` already
has a `db`, `redis_db` is only reported.

## Why is this bad?
`redis_db` became a Router argument in 1.81 and was deprecated from the start: every startup logs
"Deprecated 'redis_db' argument used. Please remove 'redis_db' from your config/database and use
'cache_kwargs' instead." (LiteLLM 1.81.16 `litellm/router.py:425`; 1.90.7 `litellm/router.py:459`),
then copies it to the cache's `db`. Before 1.81 the key was no Router argument and was dropped;
`cache_kwargs` is read by every release from 1.53.

## Example
```yaml
router_settings:
  redis_host: os.environ/REDIS_HOST
  redis_port: 6379
  redis_db: 2
```
Use instead:
```yaml
router_settings:
  redis_host: os.environ/REDIS_HOST
  redis_port: 6379
  cache_kwargs:
    db: 2
```

## Fix safety
Safe: the router sends `cache_kwargs` to the same Redis client `redis_db` ended up in.
"""

from autofix.changes import MISSING

ID = "R5"
SLUG = "router-redis-db"
PRIORITY = "p1"
SAFETY = "safe"
TITLE = "router_settings.redis_db (deprecated from 1.81) moved to router_settings.cache_kwargs.db"
RELEASE = "1.81"
SOURCE = "litellm 1.81.16 litellm/router.py:425"

RS = "router_settings"


def fix(ctx):
    doc = ctx.doc
    src = (RS, "redis_db")
    value = doc.get(src)
    if value is MISSING:
        return
    kwargs = doc.get((RS, "cache_kwargs"))
    if kwargs is not MISSING and kwargs is not None and not isinstance(kwargs, dict):
        ctx.warn(
            "router_settings.redis_db is deprecated, and cache_kwargs is not a mapping",
            src,
            manual="move redis_db into router_settings.cache_kwargs as db",
        )
        return
    if isinstance(kwargs, dict) and "db" in kwargs:
        ctx.warn(
            f"router_settings.redis_db is deprecated; cache_kwargs.db ({kwargs['db']!r}) is also set and wins",
            src,
            manual="delete router_settings.redis_db",
        )
        return
    if value is None:
        doc.delete(src)
        ctx.report("removed router_settings.redis_db: null (deprecated, and empty)", src)
        return
    doc.delete(src)
    doc.set((RS, "cache_kwargs", "db"), value)
    ctx.report(
        "moved router_settings.redis_db to router_settings.cache_kwargs.db (redis_db is deprecated from 1.81)",
        src,
    )
