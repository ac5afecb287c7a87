#!/usr/bin/env python3
"""Generate autofix/data/litellm_<version>.json from the installed LiteLLM.

Run it with the interpreter of the venv that has LiteLLM installed:

    ~/.cache/autofix-litellm-venv/bin/python scripts/gen_litellm_data.py          # write the file
    ~/.cache/autofix-litellm-venv/bin/python scripts/gen_litellm_data.py --check  # exit 1 if stale

Everything in the output is read from the installed package: JSON data files, objects imported from
litellm, or the package's source parsed with `ast`. Nothing is typed in from memory. The `sources`
field of the output names the file (and, for `ast` extractions, the function) behind every list.

Only the standard library is imported at module level; litellm is imported inside the functions,
after LITELLM_LOCAL_MODEL_COST_MAP is set so that importing it does not fetch the cost map.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.metadata
import importlib.util
import inspect
import json
import os
import sys
import typing
from pathlib import Path

from litellm_ast import (
    compared_strings,
    items_loop,
    keys_read,
    module_bindings,
    reachable_methods,
    receiver_name,
    settings_reads_in,
    str_const,
    str_consts,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "autofix" / "data"
SCRIPT = "scripts/gen_litellm_data.py"
COMMAND = "~/.cache/autofix-litellm-venv/bin/python scripts/gen_litellm_data.py"
SCHEMA_VERSION = 1


# --------------------------------------------------------------------------------------------------
# helpers


def package_dir() -> Path:
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(
            "litellm is not installed in this interpreter; run this script with the litellm venv's python"
        )
    return Path(next(iter(spec.submodule_search_locations)))


class Source:
    """A parsed source file of the litellm package, named by its path relative to site-packages."""

    def __init__(self, pkg: Path, rel: str) -> None:
        self.rel = "litellm/" + rel
        self.tree = ast.parse((pkg / rel).read_text(encoding="utf-8"), filename=self.rel)

    def function(self, name: str, cls: str | None = None) -> ast.FunctionDef | ast.AsyncFunctionDef:
        body: list[ast.stmt] = self.tree.body
        if cls is not None:
            body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == cls).body
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
                return node
        raise LookupError(f"{self.rel}: no function {cls + '.' if cls else ''}{name}")

    def where(self, node: ast.AST) -> str:
        return f"{self.rel}:{node.lineno}"

    def span(self, node: ast.AST) -> str:
        return f"{self.rel}:{node.lineno}-{node.end_lineno}"


def enum_values(enum_cls: type) -> list[str]:
    return sorted(str(member.value) for member in enum_cls)  # type: ignore[attr-defined]


def literal_strings(tp: object) -> list[str]:
    """The strings of a (possibly nested) typing.Literal, e.g. inside list[Literal[...]]."""
    out: set[str] = set()
    stack = [tp]
    while stack:
        t = stack.pop()
        if typing.get_origin(t) is typing.Literal:
            out.update(a for a in typing.get_args(t) if isinstance(a, str))
        else:
            stack.extend(typing.get_args(t))
    return sorted(out)


# --------------------------------------------------------------------------------------------------
# 1. context windows


def context_windows(pkg: Path, sources: dict) -> dict:
    rel = "model_prices_and_context_window_backup.json"
    cost_map = json.loads((pkg / rel).read_text(encoding="utf-8"))
    windows: dict[str, int] = {}
    from_max_tokens: dict[str, int] = {}
    skipped_not_positive_int: list[str] = []
    skipped_no_window = 0
    for key, entry in cost_map.items():
        if key == "sample_spec" or not isinstance(entry, dict):
            continue

        def positive_int(value: object) -> bool:
            return isinstance(value, int) and not isinstance(value, bool) and value > 0

        if "max_input_tokens" in entry:
            if positive_int(entry["max_input_tokens"]):
                windows[key] = entry["max_input_tokens"]
            else:
                skipped_not_positive_int.append(key)
        elif "max_tokens" in entry:
            if positive_int(entry["max_tokens"]):
                from_max_tokens[key] = entry["max_tokens"]
            else:
                skipped_not_positive_int.append(key)
        else:
            skipped_no_window += 1
    sources["context_windows"] = {
        "file": "litellm/" + rel,
        "how": (
            "json: entry.max_input_tokens when it is a positive int. Entries without max_input_tokens "
            "but with a positive-int max_tokens go to context_windows_from_max_tokens instead (kept "
            "separate: max_tokens is not an input window). 'sample_spec' is skipped."
        ),
        "entries_in_file": len(cost_map) - (1 if "sample_spec" in cost_map else 0),
        "entries_without_any_window_field": skipped_no_window,
        "entries_with_a_window_field_that_is_not_a_positive_int": sorted(skipped_not_positive_int),
    }
    return {"context_windows": windows, "context_windows_from_max_tokens": from_max_tokens}


# --------------------------------------------------------------------------------------------------
# 2-5. callbacks


def callbacks(pkg: Path, sources: dict) -> dict:
    import litellm

    known = sorted(set(litellm._known_custom_logger_compatible_callbacks))
    sources["known_custom_logger_callbacks"] = {
        "object": "litellm._known_custom_logger_compatible_callbacks",
        "file": "litellm/__init__.py",
    }

    cb = Source(pkg, "proxy/common_utils/callback_utils.py")
    fn = cb.function("initialize_callbacks_on_proxy")
    hooks: dict[str, int] = {}
    for name, cmp in compared_strings(fn, "callback"):
        hooks.setdefault(name, cmp.lineno)
    sources["callback_special_hooks"] = {
        "file": cb.rel,
        "function": "initialize_callbacks_on_proxy",
        "lines": cb.span(fn),
        "how": "ast: string constants compared to `callback` (== or `in` a literal) in that function",
        "line_of_each": {k: hooks[k] for k in sorted(hooks)},
    }

    rel = "integrations/generic_api/generic_api_compatible_callbacks.json"
    generic = sorted(json.loads((pkg / rel).read_text(encoding="utf-8")))
    sources["generic_api_compatible_callbacks"] = {"file": "litellm/" + rel, "how": "json: top-level keys"}

    lg = Source(pkg, "litellm_core_utils/litellm_logging.py")
    set_cb = lg.function("set_callbacks")
    legacy = sorted({name for name, _ in compared_strings(set_cb, "callback")})
    dispatch_methods: dict[str, list[str]] = {}
    logging_cls = next(n for n in lg.tree.body if isinstance(n, ast.ClassDef) and n.name == "Logging")
    for method in logging_cls.body:
        if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(part in method.name for part in ("handler", "pre_call", "post_call")):
            continue
        for name, _ in compared_strings(method, "callback"):
            dispatch_methods.setdefault(name, [])
            if method.name not in dispatch_methods[name]:
                dispatch_methods[name].append(method.name)
    sources["legacy_success_callbacks"] = {
        "file": lg.rel,
        "function": "set_callbacks",
        "lines": lg.span(set_cb),
        "how": (
            "ast: string constants compared to `callback` in set_callbacks. These are the bare names "
            "(no dot) that success_callback/failure_callback set up themselves; custom-logger names "
            "(known_custom_logger_callbacks), generic_api_compatible_callbacks and names defined in "
            "top-level callback_settings with callback_type: generic_api work there too "
            "(litellm_core_utils/logging_callback_manager.py add_custom_callback_generic_api_str). "
            "Any other bare name is dropped without a message."
        ),
    }
    sources["legacy_callbacks_dispatched"] = {
        "file": lg.rel,
        "class": "Logging",
        "how": (
            "ast: string constants compared to `callback` in Logging methods whose name contains "
            "'handler', 'pre_call' or 'post_call': where a legacy name actually sends something"
        ),
    }
    return {
        "known_custom_logger_callbacks": known,
        "callback_special_hooks": sorted(hooks),
        "generic_api_compatible_callbacks": generic,
        "legacy_success_callbacks": legacy,
        "legacy_callbacks_dispatched": {k: sorted(v) for k, v in sorted(dispatch_methods.items())},
    }


# --------------------------------------------------------------------------------------------------
# 6-8. router_settings and top-level sections (proxy_server.py)


def proxy_config_methods(ps: Source) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    cls = next(n for n in ps.tree.body if isinstance(n, ast.ClassDef) and n.name == "ProxyConfig")
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def router_and_sections(pkg: Path, sources: dict) -> dict:
    from litellm.constants import ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG
    from litellm.router_api import ROUTER_INIT_ARGS

    router_keys = sorted(k for k in ROUTER_INIT_ARGS if k not in ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG)
    sources["router_settings_keys"] = {
        "objects": "litellm.router_api.ROUTER_INIT_ARGS minus litellm.constants.ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG",
        "files": ["litellm/router_api.py", "litellm/constants.py"],
        "managed_outside_config": sorted(ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG),
        "used_by": "litellm/proxy/proxy_server.py ProxyConfig.load_config (the router_settings loop)",
    }

    ps = Source(pkg, "proxy/proxy_server.py")
    methods = proxy_config_methods(ps)
    load_config = methods["load_config"]

    # 7. router_settings keys that raise: the `for k, v in router_settings.items()` loop
    forbidden: dict[str, str] = {}
    router_loop = None
    for n in ast.walk(load_config):
        if items_loop(n, "router_settings"):
            router_loop = n
            for stmt in ast.walk(n):
                if isinstance(stmt, ast.If) and any(isinstance(s, ast.Raise) for s in stmt.body):
                    var = n.target.elts[0].id if isinstance(n.target, ast.Tuple) else None  # type: ignore[attr-defined]
                    for name, _ in compared_strings(stmt.test, var or "k"):
                        forbidden[name] = ps.where(stmt)
    if router_loop is None:
        raise LookupError("proxy_server.py: no `for ... in router_settings.items()` loop in load_config")
    sources["router_settings_forbidden"] = {
        "file": ps.rel,
        "function": "ProxyConfig.load_config",
        "lines": ps.span(router_loop),
        "how": "ast: keys compared to the loop key in an `if` whose body raises (ValueError at startup)",
        "line_of_each": dict(sorted(forbidden.items())),
    }

    # 8. top-level sections: keys read from the variable `config` in the ProxyConfig methods reachable
    # from load_config (get_config, _load_environment_variables, _init_non_llm_configs, ...).
    reach = reachable_methods(methods, "load_config")
    where: dict[str, list[str]] = {}
    warned: dict[str, str] = {}
    for name in reach:
        fn = methods[name]
        for key, node in keys_read(fn, lambda r: isinstance(r, ast.Name) and r.id == "config"):
            where.setdefault(key, []).append(f"{ps.where(node)} ProxyConfig.{name}")
        # keys only checked for presence to warn about them: (k for k in ("a", "b") if k in config)
        for comp in ast.walk(fn):
            if isinstance(comp, ast.GeneratorExp | ast.ListComp | ast.SetComp):
                for gen in comp.generators:
                    names = str_consts(gen.iter)
                    if names and any(
                        isinstance(c, ast.Compare)
                        and isinstance(c.ops[0], ast.In)
                        and isinstance(c.comparators[0], ast.Name)
                        and c.comparators[0].id == "config"
                        for c in gen.ifs
                    ):
                        for k in names:
                            warned[k] = f"{ps.where(comp)} ProxyConfig.{name}"
    inc = Source(pkg, "proxy/common_utils/config_includes.py")
    for node in inc.tree.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id == "INCLUDE_KEY" and str_const(node.value) is not None:
            where.setdefault(str_const(node.value), []).append(  # type: ignore[arg-type]
                f"{inc.where(node)} INCLUDE_KEY (merged by resolve_includes, called from ProxyConfig._process_includes)"
            )
    sources["top_level_sections"] = {
        "file": ps.rel,
        "how": (
            "ast: string keys read from the name `config` (config.get('k'), config['k'], 'k' in config) "
            "in the ProxyConfig methods reachable from load_config via self.<method>() calls; plus "
            "INCLUDE_KEY from litellm/proxy/common_utils/config_includes.py"
        ),
        "methods_scanned": reach,
        "where": {k: sorted(set(v)) for k, v in sorted(where.items())},
    }
    sources["top_level_warned_keys"] = {
        "file": ps.rel,
        "how": "ast: literal keys tested with `k in config` only to log a warning that they are ignored",
        "where": dict(sorted(warned.items())),
    }
    return {
        "router_settings_keys": router_keys,
        "router_settings_forbidden": sorted(forbidden),
        "top_level_sections": sorted(where),
        "top_level_warned_keys": sorted(warned),
        "_proxy_source": ps,
    }


# --------------------------------------------------------------------------------------------------
# 9. general_settings


@functools.cache
def proxy_trees(pkg: Path, folders: tuple[str, ...] = ("proxy",)) -> tuple[tuple[str, ast.Module], ...]:
    """Every module under litellm/proxy (or the given folders), parsed once."""
    out = []
    for path in sorted(p for folder in folders for p in (pkg / folder).rglob("*.py")):
        rel = "litellm/" + path.relative_to(pkg).as_posix()
        out.append((rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)))
    return tuple(out)


@functools.cache
def settings_reads(pkg: Path) -> dict[str, dict[str, list[str]]]:
    """Keys read from general_settings / litellm_settings anywhere under litellm/proxy, and in the
    integrations the proxy hands litellm_settings to (code_interpreter_interception, ...)."""
    return settings_reads_in(proxy_trees(pkg, ("proxy", "integrations")))


def general_settings(pkg: Path, sources: dict) -> dict:
    from litellm.proxy._types import ConfigGeneralSettings

    declared = sorted(ConfigGeneralSettings.model_fields)
    sources["general_settings_declared"] = {
        "object": "litellm.proxy._types.ConfigGeneralSettings.model_fields",
        "file": "litellm/proxy/_types.py",
        "note": "a documentation/endpoint model: the proxy does not validate general_settings against it",
    }
    read = settings_reads(pkg)["general_settings"]
    sources["general_settings_read"] = {
        "files": "litellm/proxy/**/*.py, litellm/integrations/**/*.py",
        "how": " ".join((settings_reads_in.__doc__ or "").split()).replace("`", ""),
        "limits": (
            "keys read through a non-literal, through a pydantic/TypedDict view or an unrelated "
            "variable name are not found"
        ),
        "where": read,
    }
    sources["general_settings_read_not_declared"] = {
        "derived": "general_settings_read minus general_settings_declared",
        "files": ["litellm/proxy/**/*.py", "litellm/proxy/_types.py"],
    }
    return {
        "general_settings_declared": declared,
        "general_settings_read": sorted(read),
        "general_settings_read_not_declared": sorted(set(read) - set(declared)),
    }


# --------------------------------------------------------------------------------------------------
# 10. litellm_settings and litellm module attributes


def litellm_settings(pkg: Path, sources: dict, ps: Source) -> dict:
    load_config = proxy_config_methods(ps)["load_config"]
    loop = None
    for n in ast.walk(load_config):
        if items_loop(n, "litellm_settings"):
            loop = n
            break
    if loop is None or not isinstance(loop.target, ast.Tuple):
        raise LookupError(
            "proxy_server.py: no `for key, value in litellm_settings.items()` loop in load_config"
        )
    var = loop.target.elts[0].id  # type: ignore[attr-defined]
    chain = next(s for s in loop.body if isinstance(s, ast.If))
    special: dict[str, list[str]] = {}
    node: ast.If | None = chain
    while node is not None:
        for key, _ in compared_strings(node.test, var):
            special.setdefault(key, []).append(ast.unparse(node.test))
        node = node.orelse[0] if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) else None
    # the final `else:` (setattr) also compares the key, for side effects after the setattr
    side_effects = sorted({key for stmt in node_orelse(chain) for key, _ in compared_strings(stmt, var)})
    sources["litellm_settings_special"] = {
        "file": ps.rel,
        "function": "ProxyConfig.load_config",
        "lines": ps.span(loop),
        "how": (
            f"ast: keys compared to `{var}` in the if/elif chain of the `for {var}, value in "
            "litellm_settings.items()` loop. Every other key goes to setattr(litellm, key, value)."
        ),
        "conditions": {k: v for k, v in sorted(special.items()) if any(c != f"{var} == {k!r}" for c in v)},
        "setattr_then_side_effect": side_effects,
    }
    read = settings_reads(pkg)["litellm_settings"]
    sources["litellm_settings_read"] = {
        "files": "litellm/proxy/**/*.py, litellm/integrations/**/*.py",
        "how": "as general_settings_read, for litellm_settings",
        "where": read,
    }

    init = Source(pkg, "__init__.py")
    bound = list(module_bindings(init.tree.body))
    assigned = {name for kind, name, _ in bound if kind == "assigned"}
    imported = {name for kind, name, _ in bound if kind == "imported"}
    star_imports = [name for kind, name, _ in bound if kind == "star"]
    sources["litellm_module_globals"] = {
        "file": init.rel,
        "how": (
            "ast: names bound by Assign / AnnAssign with a value / AugAssign at module level "
            "(including inside module-level if/try/with, excluding `if TYPE_CHECKING:`)"
        ),
    }
    sources["litellm_module_imported_names"] = {
        "file": init.rel,
        "how": (
            "ast: names bound at module level by explicit imports, def and class (excluding "
            "`if TYPE_CHECKING:`). Star imports are not expanded; they are listed here"
        ),
        "star_imports_not_expanded": sorted(set(star_imports)),
    }
    from litellm._lazy_imports_registry import LITELLM_ATTRIBUTES

    attr_read = module_attributes_read(pkg)
    sources["litellm_imported_names_read"] = {
        "files": "litellm/**/*.py",
        "how": (
            "ast: the names of litellm_module_imported_names read as an attribute of the litellm module anywhere "
            "in the package: `litellm.NAME` loaded, `getattr(litellm, 'NAME')`, or `from litellm import NAME`. "
            "setattr(litellm, key, value) rebinds only that attribute, so an imported name no code reads this "
            "way (`log_level`, bound from litellm/_logging.py) is never read as a setting"
        ),
    }
    sources["litellm_lazy_attributes"] = {
        "object": "litellm._lazy_imports_registry.LITELLM_ATTRIBUTES (keys)",
        "file": "litellm/_lazy_imports_registry.py",
        "note": "attributes of `litellm` loaded on first access via litellm.__getattr__ (e.g. `timeout`, a function)",
    }
    return {
        "litellm_settings_special": sorted(special),
        "litellm_settings_read": sorted(read),
        "litellm_module_globals": sorted(assigned),
        "litellm_module_imported_names": sorted(imported - assigned),
        "litellm_imported_names_read": sorted((imported - assigned) & attr_read),
        "litellm_lazy_attributes": sorted(LITELLM_ATTRIBUTES),
    }


def module_attributes_read(pkg: Path) -> set[str]:
    """Names read as attributes of the `litellm` module anywhere in the package (see above)."""
    read: set[str] = set()
    for path in sorted(pkg.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                if isinstance(node.value, ast.Name) and node.value.id == "litellm":
                    read.add(node.attr)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
                if (
                    len(node.args) >= 2
                    and isinstance(node.args[0], ast.Name)
                    and node.args[0].id == "litellm"
                ):
                    name = str_const(node.args[1])
                    if name:
                        read.add(name)
            elif isinstance(node, ast.ImportFrom) and node.module == "litellm" and node.level == 0:
                read.update(a.name for a in node.names)
    return read


def node_orelse(chain: ast.If) -> list[ast.stmt]:
    """The final `else:` body of an if/elif chain."""
    node = chain
    while len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
        node = node.orelse[0]
    return node.orelse


# --------------------------------------------------------------------------------------------------
# 11-14. enums and literals


def value_sets(sources: dict) -> dict:
    from litellm.caching.caching import Cache
    from litellm.litellm_core_utils.routing_groups import VALID_ROUTING_STRATEGIES
    from litellm.types.caching import LiteLLMCacheType
    from litellm.types.integrations.slack_alerting import AlertType
    from litellm.types.router import OptionalPreCallChecks

    params = inspect.signature(Cache.__init__).parameters
    init_params = sorted(
        n for n, p in params.items() if n != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    )
    var_keyword = sorted(n for n, p in params.items() if p.kind is p.VAR_KEYWORD)
    sources["cache_types"] = {
        "object": "litellm.types.caching.LiteLLMCacheType",
        "file": "litellm/types/caching.py",
    }
    sources["cache_init_params"] = {
        "object": "inspect.signature(litellm.caching.caching.Cache.__init__)",
        "file": "litellm/caching/caching.py",
        "excluded": ["self"] + [f"**{n}" for n in var_keyword],
        "note": (
            "Cache.__init__ takes **kwargs too; for redis types they go to the Redis client, so an "
            "unknown key fails there (TypeError) rather than in Cache.__init__"
        ),
    }
    sources["routing_strategies"] = {
        "object": "litellm.litellm_core_utils.routing_groups.VALID_ROUTING_STRATEGIES",
        "file": "litellm/litellm_core_utils/routing_groups.py",
        "note": "what validate_routing_strategy accepts; anything else is a ValueError at startup",
    }
    sources["optional_pre_call_checks"] = {
        "object": "litellm.types.router.OptionalPreCallChecks (Literal values)",
        "file": "litellm/types/router.py",
    }
    sources["alert_types"] = {
        "object": "litellm.types.integrations.slack_alerting.AlertType",
        "file": "litellm/types/integrations/slack_alerting.py",
    }
    return {
        "cache_types": enum_values(LiteLLMCacheType),
        "cache_init_params": init_params,
        "cache_init_accepts_var_keyword": bool(var_keyword),
        "routing_strategies": sorted(VALID_ROUTING_STRATEGIES),
        "optional_pre_call_checks": literal_strings(OptionalPreCallChecks),
        "alert_types": enum_values(AlertType),
    }


# --------------------------------------------------------------------------------------------------
# 15. keys read indirectly: through a named constant, a helper that takes the key, a tuple of names,
# an f-string pattern; attributes read with getattr(litellm, "...")


def module_constants(trees) -> dict[str, tuple[object, str]]:
    """Module-level `NAME = "text"` / `NAME: Final = ("a", "b")` in these trees: name -> (value, where).

    A name bound to different values in two modules is left out (it cannot be resolved by name)."""
    found: dict[str, tuple[object, str]] = {}
    clash: set[str] = set()
    for rel, tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if not isinstance(target, ast.Name):
                continue
            const: object = str_const(value)
            if const is None:
                strings = str_consts(value)
                const = tuple(strings) if strings else None
            if const is None:
                continue
            if target.id in found and found[target.id][0] != const:
                clash.add(target.id)
            found.setdefault(target.id, (const, f"{rel}:{node.lineno}"))
    return {k: v for k, v in found.items() if k not in clash}


def fstring_pattern(node: ast.AST) -> str | None:
    """A regular expression for an f-string key (each {...} part matches one word)."""
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = []
    for v in node.values:
        if isinstance(v, ast.Constant) and isinstance(v.value, str):
            parts.append("".join("\\" + c if not (c.isalnum() or c == "_") else c for c in v.value))
        else:
            parts.append(r"\w+")
    return "".join(parts)


def indirect_reads(pkg: Path, sources: dict) -> dict:
    trees = proxy_trees(pkg)
    constants = module_constants([*trees, ("litellm/constants.py", Source(pkg, "constants.py").tree)])
    section = "general_settings"
    keys: dict[str, set[str]] = {}
    patterns: dict[str, set[str]] = {}
    forwarders: dict[str, int] = {}  # helper function name -> index of the parameter it reads as a key

    def is_section(r: ast.AST) -> bool:
        name = receiver_name(r)
        if name is not None and name.endswith(section):
            return True
        # general_settings_view() and the like
        return isinstance(r, ast.Call) and (receiver_name(r.func) or "").startswith(section)

    def key_node(n: ast.AST) -> ast.AST | None:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "get" and n.args:
            return n.args[0] if is_section(n.func.value) else None
        if isinstance(n, ast.Subscript):
            return n.slice if is_section(n.value) else None
        if isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], ast.In | ast.NotIn):
            return n.left if is_section(n.comparators[0]) else None
        return None

    def add(value: object, where: str) -> None:
        for key in (value,) if isinstance(value, str) else value:  # type: ignore[union-attr]
            keys.setdefault(key, set()).add(where)

    for rel, tree in trees:
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                params = [a.arg for a in fn.args.args]
                local_fstrings = {
                    t.id: n.value
                    for n in ast.walk(fn)
                    if isinstance(n, ast.Assign | ast.AnnAssign) and isinstance(n.value, ast.JoinedStr)
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                    if isinstance(t, ast.Name)
                }
                for n in ast.walk(fn):
                    k = key_node(n)
                    if isinstance(k, ast.Name) and k.id in params:
                        forwarders[fn.name] = params.index(k.id)
                    if isinstance(k, ast.Name) and k.id in local_fstrings:
                        pattern = fstring_pattern(local_fstrings[k.id])
                        if pattern:
                            patterns.setdefault(pattern, set()).add(f"{rel}:{n.lineno}")
        for n in ast.walk(tree):
            k = key_node(n)
            if isinstance(k, ast.Name) and k.id in constants:
                add(constants[k.id][0], f"{rel}:{n.lineno}")
            pattern = fstring_pattern(k) if k is not None else None
            if pattern:
                patterns.setdefault(pattern, set()).add(f"{rel}:{n.lineno}")
            # a call naming the section with named constants: _rules_for("general_settings", FIELDS, ...);
            # or handing over its value with a named string: _quota_policy(general_settings_view(), SETTING)
            # (a tuple handed over with the value may be anything: SUPPORTED_TEAM_ADMIN_EDITABLE_TEAM_FIELDS)
            if isinstance(n, ast.Call):
                by_name = any(str_const(a) == section for a in n.args)
                by_value = any(is_section(a) for a in n.args)
                for a in n.args if by_name or by_value else ():
                    if isinstance(a, ast.Name) and a.id in constants:
                        value = constants[a.id][0]
                        if by_name or isinstance(value, str):
                            add(value, f"{rel}:{n.lineno}")
    for rel, tree in trees:
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and receiver_name(n.func) in forwarders:
                i = forwarders[receiver_name(n.func)]  # type: ignore[index]
                arg = n.args[i] if i < len(n.args) else None
                if str_const(arg) is not None:
                    add(str_const(arg), f"{rel}:{n.lineno}")
    sources["general_settings_read_indirect"] = {
        "files": "litellm/proxy/**/*.py, litellm/constants.py",
        "how": (
            "ast: general_settings keys read through a module-level string constant "
            "(general_settings.get(FIPS_MODE_SETTING)), a call handing the section and a named constant "
            "or tuple of names to a helper (_rules_for('general_settings', _UI_SETTINGS_FIELDS), "
            "_quota_policy(general_settings_view(), SETTING)), or a helper whose parameter is the key "
            "(_general_setting_enabled('disable_error_logs'))"
        ),
        "where": {k: sorted(v) for k, v in sorted(keys.items())},
    }
    sources["general_settings_read_patterns"] = {
        "files": "litellm/proxy/**/*.py",
        "how": "ast: f-string keys read from general_settings, as regular expressions ({...} matches a word)",
        "where": {k: sorted(v) for k, v in sorted(patterns.items())},
    }

    # getattr(litellm, "name") anywhere in the package: attributes read that need no module global
    attrs: dict[str, set[str]] = {}
    for path in sorted(pkg.rglob("*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "getattr(litellm," not in text:
            continue
        rel = "litellm/" + path.relative_to(pkg).as_posix()
        for n in ast.walk(ast.parse(text, filename=rel)):
            if (
                isinstance(n, ast.Call)
                and receiver_name(n.func) == "getattr"
                and len(n.args) >= 2
                and isinstance(n.args[0], ast.Name)
                and n.args[0].id == "litellm"
                and str_const(n.args[1]) is not None
            ):
                attrs.setdefault(str_const(n.args[1]), set()).add(f"{rel}:{n.lineno}")  # type: ignore[arg-type]
    sources["litellm_getattr_read"] = {
        "files": "litellm/**/*.py",
        "how": "ast: string constants read with getattr(litellm, '<name>', ...)",
        "where": {k: sorted(v) for k, v in sorted(attrs.items())},
    }
    return {
        "general_settings_read_indirect": sorted(keys),
        "general_settings_read_patterns": sorted(patterns),
        "litellm_getattr_read": sorted(attrs),
    }


# --------------------------------------------------------------------------------------------------
# 16. secrets: pointer fields the loader leaves as written; master keys the proxy refuses


def deployment_keys(pkg: Path, sources: dict) -> dict:
    """Keys of a model_list entry's litellm_params and model_info that LiteLLM knows by name."""
    import litellm
    from litellm.types.router import LiteLLM_Params, ModelInfo

    params = set(LiteLLM_Params.model_fields)
    params |= {
        n
        for n, p in inspect.signature(litellm.completion).parameters.items()
        if p.kind is p.KEYWORD_ONLY or p.kind is p.POSITIONAL_OR_KEYWORD
    }
    cost_map = json.loads((pkg / "model_prices_and_context_window_backup.json").read_text(encoding="utf-8"))
    info = set(ModelInfo.model_fields) | {
        k for entry in cost_map.values() if isinstance(entry, dict) for k in entry
    }
    sources["litellm_params_keys"] = {
        "objects": "litellm.types.router.LiteLLM_Params.model_fields and the parameters of litellm.completion",
        "files": ["litellm/types/router.py", "litellm/main.py"],
        "note": "LiteLLM_Params allows extra keys: any other key is passed on to the provider call",
    }
    sources["model_info_keys"] = {
        "objects": "litellm.types.router.ModelInfo.model_fields and the fields of the bundled model map entries",
        "files": ["litellm/types/router.py", "litellm/model_prices_and_context_window_backup.json"],
        "note": "ModelInfo allows extra keys (stored and shown by /model/info)",
    }
    return {"litellm_params_keys": sorted(params), "model_info_keys": sorted(info)}


def alerting_channels(pkg: Path, sources: dict) -> dict:
    """general_settings.alerting channels: strings tested with `"x" in <...>.alerting`."""
    found: dict[str, set[str]] = {}
    for folder in ("proxy", "integrations"):
        for path in sorted((pkg / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8", errors="replace")
            if "alerting" not in text:
                continue
            rel = "litellm/" + path.relative_to(pkg).as_posix()
            for n in ast.walk(ast.parse(text, filename=rel)):
                if (
                    isinstance(n, ast.Compare)
                    and len(n.ops) == 1
                    and isinstance(n.ops[0], ast.In | ast.NotIn)
                    and receiver_name(n.comparators[0]) == "alerting"
                    and str_const(n.left) is not None
                ):
                    found.setdefault(str_const(n.left), set()).add(f"{rel}:{n.lineno}")  # type: ignore[arg-type]
    sources["alerting_channels"] = {
        "files": "litellm/proxy/**/*.py, litellm/integrations/**/*.py",
        "how": "ast: string constants tested with `in` against a name or attribute `alerting`",
        "where": {k: sorted(v) for k, v in sorted(found.items())},
    }
    return {"alerting_channels": sorted(found)}


def secret_facts(pkg: Path, sources: dict) -> dict:
    from litellm.proxy.auth.master_key_boot_check import PUBLICLY_KNOWN_MASTER_KEY_SHA256_DIGESTS
    from litellm.types import router as router_types

    pointers = sorted(router_types._WIF_POINTER_FIELDS)
    fn = Source(pkg, "types/router.py").function("holds_secret_pointer")
    sources["secret_pointer_params"] = {
        "object": "litellm.types.router._WIF_POINTER_FIELDS",
        "file": "litellm/types/router.py",
        "lines": Source(pkg, "types/router.py").span(fn),
        "note": "holds_secret_pointer(): the loader resolves no os.environ/ reference in these",
    }
    sources["publicly_known_master_key_sha256"] = {
        "object": "litellm.proxy.auth.master_key_boot_check.PUBLICLY_KNOWN_MASTER_KEY_SHA256_DIGESTS",
        "file": "litellm/proxy/auth/master_key_boot_check.py",
        "note": "sha256 of the stripped master key; the proxy refuses to start with one of these",
    }
    return {
        "secret_pointer_params": pointers,
        "publicly_known_master_key_sha256": sorted(PUBLICLY_KNOWN_MASTER_KEY_SHA256_DIGESTS),
    }


# --------------------------------------------------------------------------------------------------
# 17. setting types: a JSON Schema fragment per key, where the source types it


SCALARS = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


def schema_of(tp: object) -> dict | None:
    """A JSON Schema fragment for a Python annotation, or None when it constrains nothing we can say."""
    import collections.abc

    if tp in SCALARS:
        return {"type": SCALARS[tp]}  # type: ignore[index]
    if tp in (list, tuple, set, frozenset, collections.abc.Sequence):
        return {"type": "array"}
    if tp is dict or tp is collections.abc.Mapping:
        return {"type": "object"}
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        values = [a for a in args if isinstance(a, str | int | bool)]
        return {"enum": values} if len(values) == len(args) else None
    if origin is typing.Annotated:
        return schema_of(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        parts = [schema_of(a) for a in args]
        if any(p is None for p in parts):
            return None
        types_: list[str] = []
        enums: list = []
        for p in parts:
            if "enum" in p:  # type: ignore[operator]
                enums += p["enum"]  # type: ignore[index]
            elif isinstance(p.get("type"), str) and len(p) == 1:  # type: ignore[union-attr]
                types_.append(p["type"])  # type: ignore[index]
            else:
                return {"anyOf": parts}
        if enums and types_ == ["null"]:
            return {"enum": [*enums, None]}
        if enums:
            return {"anyOf": parts}
        if "number" in types_ and "integer" in types_:
            types_.remove("integer")
        return {"type": types_[0] if len(types_) == 1 else sorted(set(types_))}
    if origin in (list, tuple, set, frozenset, collections.abc.Sequence):
        items = schema_of(args[0]) if args and args[-1] is not Ellipsis and len(args) == 1 else None
        return {"type": "array", **({"items": items} if items else {})}
    if origin in (dict, collections.abc.Mapping):
        return {"type": "object"}
    if isinstance(tp, type):
        if typing.is_typeddict(tp) or hasattr(tp, "model_fields"):
            return {"type": "object"}
        if issubclass(tp, str) and hasattr(tp, "__members__"):  # a str Enum
            return {"enum": sorted(str(m.value) for m in tp)}  # type: ignore[attr-defined]
    return None


def schema_of_source(node: ast.AST | None) -> dict | None:
    """schema_of for an annotation in source form (litellm/__init__.py's globals)."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and node.value is None:
        return {"type": "null"}
    if isinstance(node, ast.Name):
        return {
            "bool": {"type": "boolean"}, "int": {"type": "integer"}, "float": {"type": "number"},
            "str": {"type": "string"}, "dict": {"type": "object"}, "list": {"type": "array"},
            "Dict": {"type": "object"}, "List": {"type": "array"},
        }.get(node.id)  # fmt: skip
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = schema_of_source(node.left), schema_of_source(node.right)
        return merge_union([left, right])
    if isinstance(node, ast.Subscript):
        base = receiver_name(node.value)
        if base == "Optional":
            return merge_union([schema_of_source(node.slice), {"type": "null"}])
        if base == "Union" and isinstance(node.slice, ast.Tuple):
            return merge_union([schema_of_source(e) for e in node.slice.elts])
        if base in ("List", "list", "Sequence"):
            items = schema_of_source(node.slice)
            return {"type": "array", **({"items": items} if items else {})}
        if base in ("Dict", "dict", "Mapping"):
            return {"type": "object"}
        if base == "Literal":
            elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            values = [e.value for e in elts if isinstance(e, ast.Constant)]
            return {"enum": values} if len(values) == len(elts) else None
    return None


def merge_union(parts: list) -> dict | None:
    if any(p is None for p in parts):
        return None
    types_: list[str] = []
    for p in parts:
        if set(p) != {"type"} or not isinstance(p["type"], str):
            if "enum" in p and all(set(q) == {"type"} and q["type"] == "null" for q in parts if q is not p):
                return {"enum": [*p["enum"], None]}
            return {"anyOf": parts}
        types_.append(p["type"])
    if "number" in types_ and "integer" in types_:
        types_.remove("integer")
    types_ = sorted(set(types_))
    return {"type": types_[0] if len(types_) == 1 else types_}


def setting_types(pkg: Path, sources: dict) -> dict:
    """section -> key -> {"schema": fragment, "description": text, "where": file:line}."""
    from litellm import Router
    from litellm.proxy._types import ConfigGeneralSettings, ConfigYAML

    out: dict[str, dict[str, dict]] = {
        "router_settings": {},
        "general_settings": {},
        "litellm_settings": {},
        "": {},
    }
    router_src = Source(pkg, "router.py")
    # Router.__init__ takes **kwargs; its signature is the one of router.py's _router_init
    init = router_src.function("_router_init")
    lines = {a.arg: a.lineno for a in [*init.args.args, *init.args.kwonlyargs]}
    for name, param in inspect.signature(Router.__init__).parameters.items():
        if name == "self" or param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        entry: dict = {"where": f"{router_src.rel}:{lines.get(name, init.lineno)}"}
        schema = schema_of(param.annotation)
        if schema:
            entry["schema"] = schema
        out["router_settings"][name] = entry
    types_src = Source(pkg, "proxy/_types.py")

    def field_lines(cls_name: str) -> dict[str, int]:
        cls = next(n for n in types_src.tree.body if isinstance(n, ast.ClassDef) and n.name == cls_name)
        return {
            n.target.id: n.lineno
            for n in cls.body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
        }

    for section, model in (("general_settings", ConfigGeneralSettings), ("", ConfigYAML)):
        at = field_lines(model.__name__)
        for name, field in model.model_fields.items():
            entry = {"where": f"{types_src.rel}:{at.get(name, 0)}"}
            schema = schema_of(field.annotation)
            if schema:
                entry["schema"] = schema
            if field.description:
                entry["description"] = " ".join(field.description.split())
            out[section][name] = entry
    init_src = Source(pkg, "__init__.py")
    for node in init_src.tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            entry = {"where": init_src.where(node)}
            schema = schema_of_source(node.annotation)
            if schema:
                entry["schema"] = schema
            out["litellm_settings"][node.target.id] = entry
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id not in out["litellm_settings"]
        ):
            # no annotation: the type of a literal default (True/False; a number, which may be int or float)
            value = node.value
            kind = None
            if isinstance(value, ast.Constant) and isinstance(value.value, bool):
                kind = "boolean"
            elif isinstance(value, ast.Constant) and isinstance(value.value, int | float):
                kind = "number"
            elif isinstance(value, ast.Call) and receiver_name(value.func) in ("bool", "float", "int"):
                kind = {"bool": "boolean", "float": "number", "int": "number"}[receiver_name(value.func)]  # type: ignore[index]
            entry = {"where": init_src.where(node)}
            if kind:
                entry["schema"] = {"type": kind}
            out["litellm_settings"][node.targets[0].id] = entry
    sources["setting_types"] = {
        "how": (
            "router_settings: inspect.signature(litellm.Router.__init__) annotations; general_settings: "
            "litellm.proxy._types.ConfigGeneralSettings fields (annotation, description); top level (key ''): "
            "ConfigYAML fields; litellm_settings: annotations of module-level globals in litellm/__init__.py "
            "(source form). Each annotation becomes a JSON Schema fragment where it says something checkable "
            "(scalars, Literal, lists, mappings); where is the line of the annotation. A litellm global without an "
            "annotation gets the type of its literal default (True/False: boolean; a number: number)"
        ),
    }
    return {"setting_types": {k: dict(sorted(v.items())) for k, v in out.items()}}


# --------------------------------------------------------------------------------------------------


def build() -> dict:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    version = importlib.metadata.version("litellm")
    pkg = package_dir()
    sources: dict = {}
    data: dict = {
        "schema_version": SCHEMA_VERSION,
        "litellm_version": version,
        "generated_by": {
            "script": SCRIPT,
            "command": COMMAND,
            "note": "regenerate with this command; do not edit by hand",
        },
    }
    data.update(context_windows(pkg, sources))
    data.update(callbacks(pkg, sources))
    sections = router_and_sections(pkg, sources)
    ps = sections.pop("_proxy_source")
    data.update(sections)
    data.update(general_settings(pkg, sources))
    data.update(litellm_settings(pkg, sources, ps))
    data.update(value_sets(sources))
    data.update(indirect_reads(pkg, sources))
    data.update(secret_facts(pkg, sources))
    data.update(alerting_channels(pkg, sources))
    data.update(deployment_keys(pkg, sources))
    data.update(setting_types(pkg, sources))
    data["sources"] = sources
    return data


def render(data: dict) -> str:
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="default: autofix/data/litellm_<version>.json")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file on disk differs")
    args = parser.parse_args(argv)

    data = build()
    text = render(data)
    out: Path = args.output or DATA_DIR / f"litellm_{data['litellm_version']}.json"
    if args.check:
        current = out.read_text(encoding="utf-8") if out.exists() else None
        if current != text:
            print(f"{out} is stale: run {COMMAND}", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
