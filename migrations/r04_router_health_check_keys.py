"""## What it does
Moves `health_check_interval` and `health_check_concurrency` from `router_settings` to
`general_settings`, where the proxy reads them (the same move G2 makes, as a release migration:
`--from-version 1.80` runs it on its own). When `general_settings` already has the key, the
`router_settings` copy is deleted and its value reported.

## Why is this bad?
Up to 1.80 the proxy dropped `router_settings` keys that are no Router argument without a word, so
the interval never took effect. From 1.81 it refuses to start: `ValueError: 'health_check_interval'
is NOT a valid router_settings parameter. Please move it to 'general_settings'.`
(LiteLLM 1.81.16 `litellm/proxy/proxy_server.py:3202`; BerriAI/litellm #19422).

## Example
```yaml
router_settings:
  health_check_interval: 300
```
Use instead:
```yaml
general_settings:
  health_check_interval: 300
```

## Fix safety
Safe: the key moves to the section every release reads it from; nothing else changes.
"""

from autofix.migrations.g02_health_checks import _move_misplaced

ID = "R4"
SLUG = "router-health-check-keys"
PRIORITY = "p0"
SAFETY = "safe"
TITLE = "router_settings.health_check_interval/concurrency moved to general_settings (fatal from 1.81)"
RELEASE = "1.81"
SOURCE = "litellm 1.81.16 litellm/proxy/proxy_server.py:3202"


def fix(ctx):
    _move_misplaced(ctx)
