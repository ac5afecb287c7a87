"""## What it does
Renames the callback `bedrock_knowledgebase_hook` in `litellm_settings.callbacks` (and
`success_callback`/`failure_callback`) to the name the target release knows: `bedrock_vector_store`
for 1.68 to 1.73, `vector_store_pre_call_hook` from 1.74 (the rename R3 makes).

## Why is this bad?
LiteLLM 1.68 renamed the hook: 1.68.2 `litellm/__init__.py:117` lists `bedrock_vector_store` and no
longer `bedrock_knowledgebase_hook` (1.67.6 `litellm/__init__.py:117`), so the old name is an unknown
callback there.

## Example
```yaml
litellm_settings:
  callbacks: [bedrock_knowledgebase_hook]
```
Use instead:
```yaml
litellm_settings:
  callbacks: [vector_store_pre_call_hook]   # bedrock_vector_store with --target-version 1.68 to 1.73
```

## Fix safety
Safe: the same hook under its new name.
"""

from autofix.migrations._renamed_callbacks import rename

ID = "R1"
SLUG = "callback-bedrock-knowledgebase"
PRIORITY = "p1"
SAFETY = "safe"
TITLE = "callback bedrock_knowledgebase_hook renamed bedrock_vector_store (1.68)"
RELEASE = "1.68"
SOURCE = "litellm 1.68.2 litellm/__init__.py:117"


def fix(ctx):
    rename(ctx, "bedrock_knowledgebase_hook", RELEASE)
