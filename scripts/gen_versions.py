#!/usr/bin/env python3
"""Generate autofix/data/versions.json: the config surface of every LiteLLM minor line, from its wheel.

    python scripts/gen_versions.py                 # download (cached) + scan + write the file
    python scripts/gen_versions.py --check         # exit 1 if the committed file is stale
    python scripts/gen_versions.py --jobs 2        # scan with 2 processes (the default)

For each minor line of LiteLLM on the package index from 1.53 on (the index has nothing between 1.14
and 1.53), the latest patch release is downloaded once with `pip download --no-deps` into
~/.cache/autofix-wheels (never committed). Its source is read FROM THE WHEEL (zipfile + ast): LiteLLM
is never imported, so any release can be scanned by any Python. Where the source layout changed
between eras, each extraction has a fallback (named in the function's docstring).

The output has one record per fact: a section key, a callback name, an enumerated value or a
startup-fatal rule, with the first and last release that reads it (`[first, last]`; more pairs when
a fact disappears and comes back) and the source line in the last release that has it. A fact whose
last release is not the newest is an apparent removal: the generator looks for the name in the
later release's source. If it is still there as a string (or, for module attributes, as a word), the
scan lost it through a refactor: the record says so (`"lost": "<release> <file:line>"`) and autofix
treats it as still read. Facts checked by reading the source by hand are listed in REVIEWED below,
and carry `"reviewed"` in the data.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import cached_property, lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from litellm_ast import (  # noqa: E402  (what both generators read from LiteLLM's source)
    compared_strings,
    items_loop,
    keys_read,
    module_bindings,
    reachable_methods,
    settings_reads_in,
    str_const,
    str_consts,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "autofix" / "data" / "versions.json"
CACHE = Path.home() / ".cache" / "autofix-wheels"
FIRST_MINOR = 53  # the index has no 1.15-1.52
SCHEMA_VERSION = 2  # bumped: litellm_settings reads in litellm/integrations too

# Categories: section -> what the proxy reads there. Each maps a name to its source line.
CATEGORIES = (
    "top_level_sections",
    "general_settings",  # keys the proxy code reads from general_settings
    "general_settings_declared",  # ConfigGeneralSettings fields (documented, not validated)
    "litellm_settings_special",  # keys with their own branch in load_config's litellm_settings loop
    "litellm_settings_read",  # keys read from litellm_settings elsewhere under litellm/proxy
    "litellm_module_globals",  # other keys: setattr(litellm, key, value) reaches these module globals
    "litellm_module_imported_names",
    "litellm_lazy_attributes",
    "router_settings",  # Router.__init__ arguments the proxy passes on
    "router_settings_fatal",  # router_settings keys that abort startup
    "callbacks_custom_logger",  # litellm._known_custom_logger_compatible_callbacks
    "callbacks_proxy_hooks",  # names initialize_callbacks_on_proxy handles
    "callbacks_generic_api",
    "callbacks_legacy",  # success_callback/failure_callback names set_callbacks handles
    "cache_types",
    "cache_init_params",
    "routing_strategies",
    "optional_pre_call_checks",
    "alert_types",
)
# categories without a source line in the output (hundreds of module names: keeps the file small)
NO_SOURCE = ("litellm_module_globals", "litellm_module_imported_names", "litellm_lazy_attributes")
# categories whose names are identifiers, not strings, in the source (for the removal check)
IDENTIFIERS = (
    "litellm_module_globals",
    "litellm_module_imported_names",
    "router_settings",
    "cache_init_params",
)

# Facts checked by hand in the sources: (category, name) -> what the reading found. The generator
# copies each into its record as "reviewed".
REVIEWED: dict[tuple[str, str], str] = {
    ("cache_types", "disk"): (
        "removed in 1.109: 1.109.3 litellm/types/caching.py:10 LiteLLMCacheType has no DISK, and "
        "litellm/caching/caching.py:314 raises ValueError('Unsupported cache type') for it at startup; "
        "1.108.14 litellm/caching/caching.py:34 still imports DiskCache"
    ),
    ("callbacks_custom_logger", "bedrock_knowledgebase_hook"): (
        "renamed to bedrock_vector_store in 1.68: 1.68.2 litellm/__init__.py:117 has bedrock_vector_store "
        "and no longer the old name"
    ),
    ("callbacks_custom_logger", "bedrock_vector_store"): (
        "renamed to vector_store_pre_call_hook in 1.74: 1.74.15 litellm/__init__.py:146; the old name "
        "appears nowhere in the 1.74.15 source"
    ),
    ("top_level_sections", "vector_stores"): (
        "replaced by vector_store_registry in 1.68: 1.68.2 litellm/proxy/proxy_server.py:2029 reads "
        "config['vector_store_registry'] into litellm.vector_store_registry; 1.67.6 read config['vector_stores']"
    ),
    ("router_settings_fatal", "health_check_interval"): (
        '1.81.16 litellm/proxy/proxy_server.py:3202 raises ValueError ("is NOT a valid router_settings '
        "parameter. Please move it to 'general_settings'\"); 1.80.17 (proxy_server.py:2730) drops unknown "
        "router_settings keys without a message"
    ),
    ("router_settings", "redis_db"): (
        "deprecated since it became a Router argument in 1.81: 1.81.16 litellm/router.py:425 logs "
        "\"Deprecated 'redis_db' argument used ... use 'cache_kwargs' instead\" and copies it to the "
        "cache's db; 1.90.7 litellm/router.py:459 the same"
    ),
}


# --------------------------------------------------------------------------------------------------
# the package index and the wheels


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def index_versions() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "litellm", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("Available versions:"))
    return [v.strip() for v in line.split(":", 1)[1].split(",") if v.strip()]


def per_minor(versions: Iterable[str]) -> dict[int, list[str]]:
    """The final releases of each minor line from FIRST_MINOR on, newest patch first."""
    out: dict[int, list[str]] = {}
    for v in versions:
        if not re.fullmatch(r"1\.\d+\.\d+(\.post\d+)?", v):
            continue  # pre-releases and other schemes
        minor = _key(v)[1]
        if minor >= FIRST_MINOR:
            out.setdefault(minor, []).append(v)
    return {m: sorted(vs, key=_key, reverse=True) for m, vs in sorted(out.items())}


def wheel_for(version: str) -> Path | None:
    """The cached wheel of this release, downloaded once (from 1.100 on, this platform's wheel);
    None when the index lists the release but has no wheel for it (e.g. 1.74.15.post2)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    found = sorted(CACHE.glob(f"litellm-{version}-*.whl"))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                f"litellm=={version}",
                "-d",
                str(CACHE),
            ],
            check=False,
            capture_output=True,
        )
        found = sorted(CACHE.glob(f"litellm-{version}-*.whl"))
    return found[0] if found else None


def latest_per_minor(versions: Iterable[str]) -> list[str]:
    """The latest patch of each minor line that has a wheel (downloading, one at a time)."""
    out = []
    for minor, candidates in per_minor(versions).items():
        chosen = next((v for v in candidates if wheel_for(v) is not None), None)
        if chosen is None:
            print(f"1.{minor}: no release of this line has a wheel on the index; skipped", file=sys.stderr)
        else:
            out.append(chosen)
    return out


# --------------------------------------------------------------------------------------------------
# one release, read from its wheel


class Release:
    def __init__(self, version: str, wheel: Path) -> None:
        self.version = version
        self.zip = zipfile.ZipFile(wheel)
        self.names = set(self.zip.namelist())
        self._trees: dict[str, ast.Module] = {}

    def has(self, rel: str) -> bool:
        return rel in self.names

    def text(self, rel: str) -> str:
        return self.zip.read(rel).decode("utf-8")

    def tree(self, rel: str) -> ast.Module:
        if rel not in self._trees:
            self._trees[rel] = ast.parse(self.text(rel), filename=rel)
        return self._trees[rel]

    def first(self, *rels: str) -> str:
        """The first of these files the wheel has (the per-era fallback of a moved file)."""
        for rel in rels:
            if rel in self.names:
                return rel
        raise LookupError(f"{self.version}: none of {', '.join(rels)}")

    @cached_property
    def py_files(self) -> list[str]:
        return sorted(n for n in self.names if n.startswith("litellm/") and n.endswith(".py"))

    def proxy_trees(self, folders: tuple[str, ...] = ("proxy",)) -> Iterator[tuple[str, ast.Module]]:
        prefixes = tuple(f"litellm/{folder}/" for folder in folders)
        for rel in self.py_files:
            if rel.startswith(prefixes):
                try:
                    yield rel, self.tree(rel)
                except SyntaxError:
                    continue


def find_class(tree: ast.AST, name: str) -> ast.ClassDef | None:
    for n in ast.walk(tree):
        if isinstance(n, ast.ClassDef) and n.name == name:
            return n
    return None


def method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for n in cls.body:
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name:
            return n
    return None


def assigned_value(tree: ast.AST, name: str) -> ast.AST | None:
    """The value of the first `name = ...` / `name: T = ...` anywhere in the tree."""
    for n in ast.walk(tree):
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets):
            return n
        if (
            isinstance(n, ast.AnnAssign)
            and isinstance(n.target, ast.Name)
            and n.target.id == name
            and n.value
        ):
            return n
    return None


def strings_in(node: ast.AST) -> list[tuple[str, int]]:
    """Every string constant under node, with its line."""
    return [
        (n.value, n.lineno)
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def enum_values(cls: ast.ClassDef) -> list[tuple[str, int]]:
    out = []
    for s in cls.body:
        if isinstance(s, ast.Assign) and str_const(s.value) is not None:
            out.append((str_const(s.value), s.lineno))
    return out  # type: ignore[return-value]


def args_of(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    return [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]


# each extraction returns {name: "file:line"}


def router_init(r: Release) -> tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The router's constructor: 1.109 era `PythonCore.__init__` (litellm/router_python_core.py, behind
    a facade Router); before, `Router.__init__` (litellm/router.py)."""
    for rel, name in (("litellm/router_python_core.py", "PythonCore"), ("litellm/router.py", "Router")):
        if r.has(rel) and (cls := find_class(r.tree(rel), name)):
            init = method(cls, "__init__")
            if init is not None and len(args_of(init)) > 3:
                return rel, init
    # 1.110 era: the parameters live on a module-level `_router_init` in litellm/router.py, which
    # Router.__init__ binds calls against (its body is never run)
    rel = "litellm/router.py"
    if r.has(rel):
        for node in r.tree(rel).body:
            if isinstance(node, ast.FunctionDef) and node.name == "_router_init" and len(args_of(node)) > 3:
                return rel, node
    raise LookupError(f"{r.version}: no router constructor")


def router_settings(r: Release) -> dict[str, str]:
    """Router.__init__ arguments the proxy passes on from router_settings.

    1.110 era: the tuple `ROUTER_INIT_ARGS` in litellm/router_api.py. Before: the arguments of
    `Router.__init__` in litellm/router.py. Both minus `self`, `model_list` and (when it exists)
    litellm/constants.py `ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG`.
    """
    out: dict[str, str] = {}
    if r.has("litellm/router_api.py") and (
        node := assigned_value(r.tree("litellm/router_api.py"), "ROUTER_INIT_ARGS")
    ):
        for value, line in strings_in(node.value):  # type: ignore[attr-defined]
            out.setdefault(value, f"litellm/router_api.py:{line}")
    else:
        rel, init = router_init(r)
        for a in args_of(init):
            out[a.arg] = f"{rel}:{a.lineno}"
    managed: set[str] = set()
    if r.has("litellm/constants.py") and (
        node := assigned_value(r.tree("litellm/constants.py"), "ROUTER_SETTINGS_MANAGED_OUTSIDE_CONFIG")
    ):
        managed = {v for v, _ in strings_in(node.value)}  # type: ignore[attr-defined]
    return {k: v for k, v in out.items() if k not in {"self", "model_list", *managed}}


def router_loop(r: Release) -> ast.For | None:
    ps = r.tree("litellm/proxy/proxy_server.py")
    for n in ast.walk(ps):
        if items_loop(n, "router_settings") and isinstance(n.target, ast.Tuple):
            return n
    return None


def router_settings_fatal(r: Release) -> dict[str, str]:
    """router_settings keys compared to the loop key in an `if` whose body raises (proxy_server.py)."""
    loop = router_loop(r)
    out: dict[str, str] = {}
    if loop is None:
        return out
    var = loop.target.elts[0].id  # type: ignore[attr-defined]
    for stmt in ast.walk(loop):
        if isinstance(stmt, ast.If) and any(isinstance(s, ast.Raise) for s in stmt.body):
            for name, _ in compared_strings(stmt.test, var):
                out[name] = f"litellm/proxy/proxy_server.py:{stmt.lineno}"
    return out


def proxy_config(r: Release) -> dict:
    cls = find_class(r.tree("litellm/proxy/proxy_server.py"), "ProxyConfig")
    if cls is None:
        raise LookupError(f"{r.version}: no ProxyConfig")
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def top_level_sections(r: Release) -> dict[str, str]:
    """Keys read from `config` in the ProxyConfig methods reachable from load_config, plus INCLUDE_KEY."""
    methods = proxy_config(r)
    out: dict[str, str] = {}
    for name in reachable_methods(methods, "load_config"):
        for key, node in keys_read(methods[name], lambda x: isinstance(x, ast.Name) and x.id == "config"):
            out.setdefault(key, f"litellm/proxy/proxy_server.py:{node.lineno}")
    inc = "litellm/proxy/common_utils/config_includes.py"
    if r.has(inc) and (node := assigned_value(r.tree(inc), "INCLUDE_KEY")) and str_const(node.value):  # type: ignore[attr-defined]
        out.setdefault(str_const(node.value), f"{inc}:{node.lineno}")  # type: ignore[arg-type,attr-defined]
    return out


def _first_locs(found: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in found.items()}


def settings(r: Release) -> dict[str, dict[str, str]]:
    # the proxy, and the integrations it hands litellm_settings to (as gen_litellm_data.settings_reads)
    reads = settings_reads_in(r.proxy_trees(("proxy", "integrations")))
    out = {
        "general_settings": _first_locs(reads["general_settings"]),
        "litellm_settings_read": _first_locs(reads["litellm_settings"]),
    }
    declared: dict[str, str] = {}
    cls = find_class(r.tree("litellm/proxy/_types.py"), "ConfigGeneralSettings")
    if cls is not None:
        for s in cls.body:
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name):
                declared[s.target.id] = f"litellm/proxy/_types.py:{s.lineno}"
    out["general_settings_declared"] = declared
    return out


def litellm_settings_special(r: Release) -> dict[str, str]:
    """Keys compared to the loop key in the if/elif chain of `for key, value in litellm_settings.items()`
    in load_config (as scripts/gen_litellm_data.py: the final `else:` is the setattr for every other key)."""
    load_config = proxy_config(r)["load_config"]
    for n in ast.walk(load_config):
        if items_loop(n, "litellm_settings") and isinstance(n.target, ast.Tuple):
            var = n.target.elts[0].id  # type: ignore[attr-defined]
            out: dict[str, str] = {}
            node = next((s for s in n.body if isinstance(s, ast.If)), None)
            while node is not None:
                for key, cmp in compared_strings(node.test, var):
                    out.setdefault(key, f"litellm/proxy/proxy_server.py:{cmp.lineno}")
                node = (
                    node.orelse[0] if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If) else None
                )
            return out
    raise LookupError(f"{r.version}: no litellm_settings loop in load_config")


def module_names(r: Release) -> dict[str, dict[str, str]]:
    """litellm/__init__.py: module-level assignments (setattr targets) and imported names; plus the
    lazily loaded attributes (1.110 era: litellm/_lazy_imports_registry.py LITELLM_ATTRIBUTES)."""
    rel = "litellm/__init__.py"
    assigned: dict[str, str] = {}
    imported: dict[str, str] = {}
    for kind, name, s in module_bindings(r.tree(rel).body):
        if kind != "star":
            (assigned if kind == "assigned" else imported).setdefault(name, f"{rel}:{s.lineno}")
    lazy: dict[str, str] = {}
    reg = "litellm/_lazy_imports_registry.py"
    if r.has(reg) and (node := assigned_value(r.tree(reg), "LITELLM_ATTRIBUTES")):
        for d in ast.walk(node):
            if isinstance(d, ast.Dict):
                for k in d.keys:
                    if str_const(k) is not None:
                        lazy.setdefault(str_const(k), f"{reg}:{k.lineno}")  # type: ignore[arg-type,union-attr]
                break
    return {
        "litellm_module_globals": assigned,
        "litellm_module_imported_names": {k: v for k, v in imported.items() if k not in assigned},
        "litellm_lazy_attributes": lazy,
    }


def callbacks(r: Release) -> dict[str, dict[str, str]]:
    """Callback names.

    custom loggers: the strings of `_custom_logger_compatible_callbacks_literal = Literal[...]` in
    litellm/__init__.py (or, when it moved, the first module that defines it).
    proxy hooks: strings compared to `callback` in initialize_callbacks_on_proxy
    (proxy/common_utils/callback_utils.py). legacy: strings compared to `callback` in set_callbacks
    (litellm_core_utils/litellm_logging.py; before that era, litellm/utils.py).
    """
    custom: dict[str, str] = {}
    for rel in ["litellm/__init__.py", *(f for f in r.py_files if f.startswith("litellm/types/"))]:
        node = assigned_value(r.tree(rel), "_custom_logger_compatible_callbacks_literal")
        if node is not None:
            for value, line in strings_in(node.value):  # type: ignore[attr-defined]
                custom.setdefault(value, f"{rel}:{line}")
            break
    hooks: dict[str, str] = {}
    cb = "litellm/proxy/common_utils/callback_utils.py"
    if r.has(cb):
        for n in ast.walk(r.tree(cb)):
            if isinstance(n, ast.FunctionDef) and n.name == "initialize_callbacks_on_proxy":
                for name, cmp in compared_strings(n, "callback"):
                    hooks.setdefault(name, f"{cb}:{cmp.lineno}")
    generic: dict[str, str] = {}
    gj = "litellm/integrations/generic_api/generic_api_compatible_callbacks.json"
    if r.has(gj):
        generic = {k: gj for k in json.loads(r.text(gj))}
    legacy: dict[str, str] = {}
    lg = r.first("litellm/litellm_core_utils/litellm_logging.py", "litellm/utils.py")
    for n in ast.walk(r.tree(lg)):
        if isinstance(n, ast.FunctionDef) and n.name == "set_callbacks":
            for name, cmp in compared_strings(n, "callback"):
                legacy.setdefault(name, f"{lg}:{cmp.lineno}")
    return {
        "callbacks_custom_logger": custom,
        "callbacks_proxy_hooks": hooks,
        "callbacks_generic_api": generic,
        "callbacks_legacy": legacy,
    }


def value_sets(r: Release) -> dict[str, dict[str, str]]:
    """Enumerated values.

    cache types: enum LiteLLMCacheType (litellm/types/caching.py). cache params: Cache.__init__
    (litellm/caching/caching.py; before that era litellm/caching.py). routing strategies: the
    routing_strategy Literal of Router.__init__, the RoutingStrategy enum (litellm/types/router.py),
    "simple-shuffle", and the 1.110-era VALID_ROUTING_STRATEGIES tuple. pre-call checks: the Literal
    OptionalPreCallChecks (litellm/types/router.py). alert types: enum AlertType
    (litellm/types/integrations/slack_alerting.py; before that era a Literal in litellm/proxy/_types.py).
    """
    out: dict[str, dict[str, str]] = {
        k: {}
        for k in (
            "cache_types",
            "cache_init_params",
            "routing_strategies",
            "optional_pre_call_checks",
            "alert_types",
        )
    }
    rel = "litellm/types/caching.py"
    if r.has(rel) and (cls := find_class(r.tree(rel), "LiteLLMCacheType")):
        for v, line in enum_values(cls):
            out["cache_types"][v] = f"{rel}:{line}"
    rel = r.first("litellm/caching/caching.py", "litellm/caching.py")
    cls = find_class(r.tree(rel), "Cache")
    init = method(cls, "__init__") if cls else None
    if init is not None:
        for a in args_of(init):
            if a.arg != "self":
                out["cache_init_params"][a.arg] = f"{rel}:{a.lineno}"
        if not out["cache_types"]:  # before the enum: the Literal of Cache.__init__'s `type`
            for a in args_of(init):
                if a.arg == "type" and a.annotation is not None:
                    for v, line in strings_in(a.annotation):
                        out["cache_types"][v] = f"{rel}:{line}"
    rs = out["routing_strategies"]
    rrel, rinit = router_init(r)
    for a in args_of(rinit):
        if a.arg == "routing_strategy" and a.annotation is not None:
            for v, line in strings_in(a.annotation):
                rs.setdefault(v, f"{rrel}:{line}")
    rs.setdefault("simple-shuffle", f"{rrel}:{rinit.lineno}")
    alias = "litellm/types/litellm_params.py"  # 1.110 era: the annotation names a Literal alias
    if r.has(alias) and (node := assigned_value(r.tree(alias), "RoutingStrategyName")):
        for v, line in strings_in(node.value):  # type: ignore[attr-defined]
            rs.setdefault(v, f"{alias}:{line}")
    rel = "litellm/types/router.py"
    if r.has(rel):
        tree = r.tree(rel)
        if cls := find_class(tree, "RoutingStrategy"):
            for v, line in enum_values(cls):
                rs.setdefault(v, f"{rel}:{line}")
        if node := assigned_value(tree, "OptionalPreCallChecks"):
            for v, line in strings_in(node.value):  # type: ignore[attr-defined]
                out["optional_pre_call_checks"][v] = f"{rel}:{line}"
    rel = "litellm/litellm_core_utils/routing_groups.py"
    if r.has(rel) and (node := assigned_value(r.tree(rel), "VALID_ROUTING_STRATEGIES")):
        for v in str_consts(node.value) or [s for s, _ in strings_in(node.value)]:  # type: ignore[attr-defined]
            rs.setdefault(v, f"{rel}:{node.lineno}")
    rel = "litellm/types/integrations/slack_alerting.py"
    if r.has(rel) and (cls := find_class(r.tree(rel), "AlertType")):
        for v, line in enum_values(cls):
            out["alert_types"][v] = f"{rel}:{line}"
    elif node := assigned_value(r.tree("litellm/proxy/_types.py"), "AlertType"):
        for v, line in strings_in(node.value):  # type: ignore[attr-defined]
            out["alert_types"][v] = f"litellm/proxy/_types.py:{line}"
    return out


def scan(version: str) -> dict[str, dict[str, str]]:
    """The whole surface of one release, cached beside its wheel."""
    cached = CACHE / f"surface-{version}-v{SCHEMA_VERSION}.json"
    wheel = wheel_for(version)
    assert wheel is not None
    r = Release(version, wheel)
    if cached.exists():  # bump SCHEMA_VERSION when an extraction changes
        surface = json.loads(cached.read_text(encoding="utf-8"))
        surface["litellm_settings_special"] = litellm_settings_special(r)  # one file: never cached
        return surface
    surface: dict[str, dict[str, str]] = {
        "top_level_sections": top_level_sections(r),
        "router_settings": router_settings(r),
        "router_settings_fatal": router_settings_fatal(r),
        "litellm_settings_special": litellm_settings_special(r),
    }
    surface.update(settings(r))
    surface.update(module_names(r))
    surface.update(callbacks(r))
    surface.update(value_sets(r))
    missing = [c for c in CATEGORIES if c not in surface]
    assert not missing, missing
    cached.write_text(json.dumps(surface, sort_keys=True), encoding="utf-8")
    return surface


# --------------------------------------------------------------------------------------------------
# merging the releases, and the removal check


@lru_cache(maxsize=2)
def _source_text(version: str) -> tuple[list[str], list[int], str]:
    """Every .py file of a release, joined (names, start offsets, text): one regex pass per name."""
    r = Release(version, wheel_for(version))  # type: ignore[arg-type]
    names, starts, parts, pos = [], [], [], 0
    for rel in r.py_files:
        text = r.text(rel) + "\n"
        names.append(rel)
        starts.append(pos)
        parts.append(text)
        pos += len(text)
    return names, starts, "".join(parts)


def still_in_source(version: str, category: str, name: str) -> str | None:
    """Where the later release's source still has this name (a string, or a word for identifiers)."""
    names, starts, text = _source_text(version)
    quoted = re.compile(r"""["']""" + re.escape(name) + r"""["']""")
    word = re.compile(r"\b" + re.escape(name) + r"\b")
    m = (word if category in IDENTIFIERS else quoted).search(text)
    if not m:
        return None
    i = bisect.bisect_right(starts, m.start()) - 1
    return f"{names[i]}:{text.count(chr(10), starts[i], m.start()) + 1}"


def ranges(present: list[bool], releases: list[str]) -> list[list[str]]:
    out: list[list[str]] = []
    for i, here in enumerate(present):
        if here and (i == 0 or not present[i - 1]):
            out.append([releases[i], releases[i]])
        elif here:
            out[-1][1] = releases[i]
    return out


def merge(releases: list[str], surfaces: list[dict]) -> dict:
    newest = releases[-1]
    facts: dict[str, dict[str, dict]] = {}
    pending: list[tuple[str, str, str]] = []
    for category in CATEGORIES:
        names = sorted({n for s in surfaces for n in s[category]})
        records: dict[str, dict] = {}
        for name in names:
            present = [name in s[category] for s in surfaces]
            rec: dict = {"in": ranges(present, releases)}
            last_i = max(i for i, p in enumerate(present) if p)
            if category not in NO_SOURCE:
                rec["src"] = surfaces[last_i][category][name]
            if rec["in"][-1][1] != newest:
                pending.append((releases[last_i + 1], category, name))
            if (category, name) in REVIEWED:
                rec["reviewed"] = REVIEWED[(category, name)]
            records[name] = rec
        facts[category] = records
    # apparent removals: is the name still in the next release's source? (grouped by release)
    for after, category, name in sorted(pending, key=lambda p: _key(p[0])):
        where = still_in_source(after, category, name)
        if where is not None:
            facts[category][name]["lost"] = f"{after} {where}"
    return facts


def build(jobs: int) -> dict:
    releases = latest_per_minor(index_versions())
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        surfaces = list(pool.map(scan, releases))
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_by": "scripts/gen_versions.py (reads each release's wheel; never imports litellm)",
        "releases": releases,
        "facts": merge(releases, surfaces),
    }


def render(data: dict) -> str:
    """One line per fact: small diffs when a release is added."""
    lines = ["{"]
    lines.append(f' "schema_version": {data["schema_version"]},')
    lines.append(f' "generated_by": {json.dumps(data["generated_by"])},')
    lines.append(f' "releases": {json.dumps(data["releases"])},')
    lines.append(' "facts": {')
    cats = list(data["facts"])
    for ci, category in enumerate(cats):
        lines.append(f"  {json.dumps(category)}: {{")
        items = list(data["facts"][category].items())
        for i, (name, rec) in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            lines.append(f"   {json.dumps(name)}: {json.dumps(rec, sort_keys=True)}{comma}")
        lines.append("  }" + ("," if ci < len(cats) - 1 else ""))
    lines.append(" }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    parser.add_argument("--jobs", type=int, default=2, help="scan processes (default 2)")
    parser.add_argument("--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = render(build(args.jobs))
    if args.check:
        if not args.output.exists() or args.output.read_text(encoding="utf-8") != text:
            print(f"{args.output} is stale: run python scripts/gen_versions.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({len(text.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
