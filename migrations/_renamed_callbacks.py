"""Shared by the callback-rename release migrations (R1, R3): not a migration itself."""

from autofix import versions
from autofix.litellm_data import names

LS = "litellm_settings"
LISTS = ("callbacks", "success_callback", "failure_callback")
# every rename the data shows, old name -> new name (each migration names its release and source line)
RENAMED = {
    "bedrock_knowledgebase_hook": "bedrock_vector_store",  # 1.68
    "bedrock_vector_store": "vector_store_pre_call_hook",  # 1.74
}


def _known() -> frozenset[str]:
    return names("known_custom_logger_callbacks") | names("callback_special_hooks")


def newest_name(old: str) -> str:
    """The name the target release knows the callback by: the rename chain is followed while the
    target knows the next name (so 1.110 gets vector_store_pre_call_hook in one step)."""
    name = RENAMED[old]
    while name in RENAMED and RENAMED[name] in _known():
        name = RENAMED[name]
    return name


def rename(ctx, old: str, release: str) -> None:
    """Replace the callback name `old` by its new name in litellm_settings' callback lists."""
    doc = ctx.doc
    new = newest_name(old)
    for key in LISTS:
        path = (LS, key)
        value = doc.get(path)
        if value == old:
            doc.set(path, new)
        elif isinstance(value, list) and old in value:
            if new in value:
                doc.remove_item(path, old)
            else:
                doc.set((*path, value.index(old)), new)
        else:
            continue
        ctx.report(
            f"renamed the callback {old} to {new} in litellm_settings.{key} (LiteLLM {release} renamed it; "
            f"LiteLLM {versions.target()} does not know the old name)",
            path,
        )
