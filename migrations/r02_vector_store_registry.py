"""## What it does
Reports a top-level `vector_stores` section: from 1.68 the proxy reads `vector_store_registry`
instead, and `vector_stores` is ignored without a message.

## Why is this bad?
1.67.6 `litellm/proxy/proxy_server.py:2029` read `config["vector_stores"]`; 1.68.2
`litellm/proxy/proxy_server.py:2029` reads `config["vector_store_registry"]` into
`litellm.vector_store_registry`, so the stores defined under the old name do not exist.

## Example
```yaml
vector_stores:
  - vector_store_name: kb
    litellm_params: {...}
```
Use instead:
```yaml
vector_store_registry:
  - vector_store_name: kb
    litellm_params: {...}
```

## Fix safety
Report only: the registry's entry format changed with the rename; check each entry against the
release's vector store docs and rename the section by hand.
"""

from autofix.changes import MISSING

ID = "R2"
SLUG = "vector-store-registry"
PRIORITY = "p1"
SAFETY = "report"
TITLE = "top-level vector_stores is read as vector_store_registry from 1.68 (report)"
RELEASE = "1.68"
SOURCE = "litellm 1.68.2 litellm/proxy/proxy_server.py:2029"


def fix(ctx):
    if ctx.doc.get(("vector_stores",)) is MISSING:
        return
    ctx.warn(
        "vector_stores is not read from LiteLLM 1.68 on (the proxy reads vector_store_registry): these vector stores "
        "do not exist",
        ("vector_stores",),
        manual="rename the section to vector_store_registry and check each entry's fields",
    )
