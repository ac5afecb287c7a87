"""## What it does
Turns a whole-value `${VAR}` into `os.environ/VAR` wherever LiteLLM resolves `os.environ/` references:
a value in a mapping, at any depth, through mappings and through mappings inside lists (a
`model_list` entry's `litellm_params.api_key`, `general_settings.master_key`, `cache_params.host`, a
`callback_settings` endpoint, `environment_variables`, ...). For each variable it reports that the
variable must be set, and what an unset one does there.

It reports, without changing them:
- a `${VAR}` that is a plain string directly inside a list (`callbacks: ["${CB}"]`, a fallback target):
  LiteLLM resolves no reference there;
- a `${VAR}` under a key that holds a secret *pointer* (`anthropic_issuer_signing_key_ref`,
  `anthropic_keycloak_client_secret_ref`): LiteLLM keeps those as written and reads the secret named
  there at use time;
- a reference inside a longer value (`http://${HOST}:4000`) or with a shell default (`${VAR:-x}`);
- a whole value that looks like a shell variable without braces (`$OPENAI_API_KEY`).

Sections and keys LiteLLM never reads (see X5) are skipped: converting them would change nothing.

## Why is this bad?
LiteLLM reads the file with `yaml.safe_load` and never substitutes `${VAR}`: the literal text
`${OPENAI_API_KEY}` is sent as the API key, used as the master key, or as the Redis host. Only
`os.environ/VAR` strings are resolved, by one pass over the config (mappings, and mappings inside
lists; `proxy/proxy_server.py` `_check_for_os_environ_vars`).

## Example
```yaml
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: ${OPENAI_API_KEY}
```
Use instead:
```yaml
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
```

## Fix safety
Safe: the literal `${VAR}` text never worked as meant. But an unset variable now resolves to null
where the literal text was used before: a null `master_key` refuses startup, a null
`alert_to_webhook_url` aborts it, a null `api_key` falls back to the provider's own variable (such as
`OPENAI_API_KEY`), and an `environment_variables` entry becomes the string `None`. Each variable is
reported with what it feeds. Values are never printed, only variable names. Priority p1: the literal
text breaks requests or startup.
"""

from __future__ import annotations

import re

from autofix.changes import format_path
from autofix.errors import EditRefused
from autofix.litellm_data import key_is_read, names, section_is_read
from autofix.secrets import is_secret_key
from autofix.values import listed

ID = "X2"
SLUG = "env-references"
PRIORITY = "p1"
SAFETY = "safe"
TITLE = "${VAR} becomes os.environ/VAR where LiteLLM resolves references; the rest is reported"

WHOLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
ANY = re.compile(r"\$\{([^}]*)\}")
BARE = re.compile(r"\$([A-Z_][A-Z0-9_]*)")


def _where(paths: list) -> str:
    return listed([format_path(p) for p in paths])


def _unset_effect(path: tuple) -> str:
    key = path[-1] if path else None
    if path[:2] == ("general_settings", "master_key"):
        return "the proxy refuses to start (no master key)"
    if path[:2] == ("general_settings", "alert_to_webhook_url"):
        return "startup aborts (alert_to_webhook_url)"
    if path[:1] == ("environment_variables",) and len(path) == 2:
        return f"{key} is set to the string 'None'"
    if key == "api_key":
        return "api_key falls back to the provider's own variable (e.g. OPENAI_API_KEY), or none is sent"
    return "the value becomes null"


class _Found:
    def __init__(self):
        self.converted: dict[str, list] = {}
        self.in_list: dict[str, list] = {}
        self.pointer: dict[str, list] = {}
        self.partial: dict[tuple, list] = {}
        self.bare: list = []


def _walk(root: dict, found: _Found) -> None:
    """One depth-first pass over the data in file order, as LiteLLM's resolver walks it."""
    top: list[tuple[tuple, object, bool]] = []
    for section, value in root.items():
        if not isinstance(section, str) or not section_is_read(section):
            continue
        if section in ("general_settings", "litellm_settings", "router_settings") and isinstance(value, dict):
            top += [
                ((section, k), v, True)
                for k, v in value.items()
                if isinstance(k, str) and key_is_read(section, k)
            ]
        else:
            top.append(((section,), value, True))
    for path, value, resolved in top:
        _visit(path, value, resolved, found)


def _visit(path: tuple, value: object, resolved: bool, found: _Found) -> None:
    """Depth first, in file order; a path is built only for a container or a string holding `$`."""
    if isinstance(value, str):
        if "$" in value:
            _check(path, value, resolved, found)
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str):
                if "$" in v:
                    _check((*path, k), v, resolved, found)
            elif isinstance(v, dict | list):
                _visit((*path, k), v, resolved, found)
    elif isinstance(value, list):
        # LiteLLM resolves only mappings inside a list: not strings, not what a nested list holds
        for i, v in enumerate(value):
            if isinstance(v, str):
                if "$" in v:
                    _check((*path, i), v, False, found)
            elif isinstance(v, dict | list):
                _visit((*path, i), v, resolved and isinstance(v, dict), found)


def _check(path: tuple, value: str, resolved: bool, found: _Found) -> None:
    m = WHOLE.fullmatch(value)
    if m:
        var = m.group(1)
        if not resolved:
            found.in_list.setdefault(var, []).append(path)
        elif path[-1] in names("secret_pointer_params"):  # litellm/types/router.py holds_secret_pointer()
            found.pointer.setdefault(var, []).append(path)
        else:
            found.converted.setdefault(var, []).append(path)
        return
    refs = ANY.findall(value)
    if refs:
        found.partial.setdefault(tuple(dict.fromkeys(refs)), []).append(path)
    elif BARE.fullmatch(value):
        found.bare.append((path, value[1:]))


def fix(ctx):
    doc = ctx.doc
    root = doc.get(())
    if not isinstance(root, dict):
        return
    found = _Found()
    _walk(root, found)
    for var, paths in found.converted.items():
        done, refused = [], []
        for path in paths:
            try:
                doc.set(path, f"os.environ/{var}")
                done.append(path)
            except EditRefused as exc:
                refused.append((path, exc.reason))
        for path, reason in refused:
            ctx.warn(
                f"${{{var}}} at {format_path(path)} not converted ({reason}); LiteLLM uses the text literally",
                path,
                manual=f"write os.environ/{var} there",
            )
        if not done:
            continue
        effects = list(dict.fromkeys(_unset_effect(p) for p in done))
        count = f" in {len(done)} places ({_where(done)})" if len(done) > 1 else ""
        ctx.report(
            f"${{{var}}} → os.environ/{var}{count}; LiteLLM never substitutes ${{...}} and used the text literally",
            done[0],
            manual=f"set {var} in the proxy's environment; unset, {'; '.join(effects)}",
        )
    for var, paths in found.in_list.items():
        ctx.warn(
            f"${{{var}}} in a list ({_where(paths)}) is used literally; LiteLLM resolves references only in "
            "mapping values (also of mappings directly inside a list), never in list items",
            paths[0],
            manual=f"write the value itself there (os.environ/{var} is not resolved in a list either)",
        )
    for var, paths in found.pointer.items():
        ctx.warn(
            f"${{{var}}} at {_where(paths)} is used literally; this key holds the name of a secret, which "
            "LiteLLM looks up when it needs it (it resolves nothing there while loading the config)",
            paths[0],
            manual=f"write the variable's name, {var} (or os.environ/{var}), without ${{...}}",
        )
    for refs, paths in found.partial.items():
        names = ", ".join(f"${{{r}}}" for r in refs)
        ctx.warn(
            f"{names} inside a longer value ({_where(paths)}) is used literally; LiteLLM substitutes nothing "
            "in a string and resolves only a whole value os.environ/NAME",
            paths[0],
            manual="put the whole value in one environment variable and write os.environ/NAME",
        )
    for path, name in found.bare:
        secret = any(is_secret_key(p) for p in path)
        shown = "" if secret else f" (${name})"
        ctx.warn(
            f"the value at {format_path(path)} looks like a shell variable{shown}, which LiteLLM uses literally",
            path,
            manual="if it is meant as an environment variable, write os.environ/NAME",
        )
