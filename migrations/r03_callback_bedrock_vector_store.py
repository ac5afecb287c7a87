"""## What it does
Renames the callback `bedrock_vector_store` to `vector_store_pre_call_hook` in
`litellm_settings.callbacks` (and `success_callback`/`failure_callback`).

## Why is this bad?
LiteLLM 1.74 renamed the hook (it now serves every vector store, not only Bedrock): 1.74.15
`litellm/__init__.py:146` lists `vector_store_pre_call_hook`, and the old name appears nowhere in the
1.74.15 source (1.73.7 `litellm/__init__.py:115` still had it).

## Example
```yaml
litellm_settings:
  callbacks: [bedrock_vector_store]
```
Use instead:
```yaml
litellm_settings:
  callbacks: [vector_store_pre_call_hook]
```

## Fix safety
Safe: the same hook under its new name.
"""

from autofix.migrations._renamed_callbacks import rename

ID = "R3"
SLUG = "callback-bedrock-vector-store"
PRIORITY = "p1"
SAFETY = "safe"
TITLE = "callback bedrock_vector_store renamed vector_store_pre_call_hook (1.74)"
RELEASE = "1.74"
SOURCE = "litellm 1.74.15 litellm/__init__.py:146"


def fix(ctx):
    rename(ctx, "bedrock_vector_store", RELEASE)
