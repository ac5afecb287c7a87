"""## What it does
Checks `general_settings.master_key`, which LiteLLM 1.110 requires before it starts:
- no `master_key` in the file: reports that the proxy takes `LITELLM_MASTER_KEY` from its environment
  and refuses to start without it (or with an empty or publicly known value such as `sk-1234`);
- a literal key LiteLLM refuses (`sk-1234`, `""`, blank, null): with `--unsafe-fixes` it becomes
  `master_key: os.environ/LITELLM_MASTER_KEY`, and the report says that the variable must be set;
- any other literal key: reports that a secret written in the file is risky (every reader of the file can
  call the proxy as its admin) and suggests `os.environ/LITELLM_MASTER_KEY`; the key stays.

The key itself is never printed. With `general_settings.dangerously_permit_weak_or_unset_master_key:
true` (local development) a weak key is reported, not replaced.

## Why is this bad?
The proxy checks the master key at startup (`proxy/auth/master_key_boot_check.py`): unset, empty (after
stripping) or `sk-1234` stops it with `UnsafeMasterKeyError: LiteLLM proxy refused to start`. A key in the
config file shadows the environment variable, so a weak literal key keeps the proxy down even when a good
`LITELLM_MASTER_KEY` is exported. A key that is not a string crashes the startup.

## Example
```yaml
general_settings:
  master_key: sk-1234
```
Use instead:
```yaml
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
```
with `LITELLM_MASTER_KEY=sk-$(openssl rand -hex 32)` in the proxy's environment.

## Fix safety
Report, except the weak literal key, which is an unsafe fix: the proxy did not start with it, and after
the fix it starts only once `LITELLM_MASTER_KEY` holds a strong key; every client and the admin UI then
need that key. Priority p1: without a usable key the proxy does not start.
"""

import re

from autofix.changes import MISSING
from autofix.litellm_data import names
from autofix.values import GS

ID = "X4"
SLUG = "master-key"
PRIORITY = "p1"
SAFETY = "mixed"
TITLE = "The master key LiteLLM requires at startup: from the environment, never weak or literal"

KEY = (GS, "master_key")
OVERRIDE = "dangerously_permit_weak_or_unset_master_key"
ENV = "LITELLM_MASTER_KEY"
REFERENCE = f"os.environ/{ENV}"
ENV_TEMPLATE = re.compile(r"\$\{[^}]*\}")
KINDS = {"int": "a number", "float": "a number", "bool": "a boolean", "list": "a list", "dict": "a mapping"}
GENERATE = f"export {ENV}=sk-$(openssl rand -hex 32) in the proxy's environment (or its .env file)"


def _weakness(value) -> str | None:
    """Why LiteLLM refuses this literal key, or None when it accepts it."""
    if value is None:
        return "null (no key)"
    stripped = value.strip()
    if not stripped:
        return "empty"
    import hashlib  # here: loading OpenSSL costs every run a few ms, and few configs have a literal key

    if hashlib.sha256(stripped.encode()).hexdigest() in names(
        "publicly_known_master_key_sha256"
    ):  # master_key_boot_check.py
        return "a publicly known default"
    return None


def _from_environment_variables(ctx) -> bool:
    """The top-level environment_variables section sets LITELLM_MASTER_KEY: judge that value instead."""
    path = ("environment_variables", ENV)
    value = ctx.doc.get(path)
    if value is MISSING:
        return False
    if isinstance(value, str) and value.startswith("os.environ/"):
        return True
    weak = _weakness(value) if isinstance(value, str) or value is None else None
    if weak:
        ctx.warn(
            f"environment_variables.{ENV} is {weak}, so the proxy refuses to start",
            path,
            manual=f"delete it from the file and {GENERATE}",
            blocks_startup=True,
        )
    else:
        ctx.report(
            f"environment_variables.{ENV} is a literal secret in the config file; anyone who can read the file "
            "can call the proxy as its admin (left as it is)",
            path,
            manual=f"delete it from the file and set {ENV} in the proxy's environment instead",
        )
    return True


def fix(ctx):
    doc = ctx.doc
    settings = doc.get((GS,))
    if settings is not MISSING and settings is not None and not isinstance(settings, dict):
        return  # G2 reports a general_settings that is not a mapping
    settings = settings or {}
    permitted = settings.get(OVERRIDE) is True
    value = doc.get(KEY)
    if value is MISSING and _from_environment_variables(ctx):
        return
    if value is MISSING:
        if permitted:
            ctx.warn(
                f"no master_key in the file, and {OVERRIDE} is on; without {ENV} in its environment the proxy starts "
                "with no authentication at all",
                (GS,) if doc.exists((GS,)) else None,
                manual=f"{GENERATE}, and remove {OVERRIDE} outside local development",
            )
            return
        ctx.report(
            f"no general_settings.master_key; the proxy reads {ENV} from its environment and refuses to start "
            "without it (or with an empty value or sk-1234)",
            (GS,) if doc.exists((GS,)) else None,
            manual=GENERATE,
        )
        return
    if isinstance(value, str) and value.startswith("os.environ/"):
        return  # a reference: X2 (or the user) made sure the variable is named; nothing in the file to judge
    if value is not None and not isinstance(value, str):
        ctx.warn(
            f"general_settings.master_key is {KINDS.get(type(value).__name__, 'not text')}, not a string; the proxy "
            "fails at startup",
            KEY,
            manual=f"write master_key as {REFERENCE} and {GENERATE}",
            blocks_startup=True,
        )
        return
    if isinstance(value, str) and ENV_TEMPLATE.search(value):
        ctx.warn(
            "general_settings.master_key holds ${...}, which LiteLLM never substitutes; the literal text is the "
            "key (X2 converts a whole-value ${VAR} to os.environ/VAR)",
            KEY,
            manual=f"write master_key as {REFERENCE}",
        )
        return
    weak = _weakness(value)
    if weak is None:
        ctx.report(
            "general_settings.master_key is a literal secret in the config file; anyone who can read the file can "
            "call the proxy as its admin (left as it is)",
            KEY,
            manual=f"move the key to the proxy's environment as {ENV} and write master_key as {REFERENCE}",
        )
        return
    if permitted:
        ctx.warn(
            f"general_settings.master_key is {weak}; the proxy starts only because {OVERRIDE} is on (left as it is)",
            KEY,
            manual=f"write master_key as {REFERENCE}, {GENERATE}, and remove {OVERRIDE} outside local development",
        )
        return
    if not ctx.allow_unsafe(
        f"general_settings.master_key is {weak}, so the proxy refuses to start; would make it {REFERENCE}",
        KEY,
        manual=GENERATE,
        blocks_startup=True,
    ):
        return
    doc.set(KEY, REFERENCE)
    ctx.report(
        f"general_settings.master_key was {weak}, which made the proxy refuse to start; it now reads {ENV} from the "
        "proxy's environment, which must hold a strong key (clients and the admin UI need it)",
        KEY,
        manual=GENERATE,
    )
