"""What both generators read from LiteLLM's source with `ast` (scripts/gen_litellm_data.py for the
installed release, scripts/gen_versions.py for every release's wheel): string constants, the strings a
name is compared to, the keys read from a settings dict, the ProxyConfig methods a method reaches, and
the names a module binds at its top level. Standard library only; nothing here imports LiteLLM."""

from __future__ import annotations

import ast
import typing
from collections.abc import Iterable, Iterator

SETTINGS_SECTIONS = ("general_settings", "litellm_settings")


def str_const(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def str_consts(node: ast.AST) -> list[str] | None:
    """The strings of a tuple/list/set/frozenset(...) literal made only of string constants."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("frozenset", "set")
    ):
        if len(node.args) != 1:
            return None
        node = node.args[0]
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        values = [str_const(e) for e in node.elts]
        if values and all(v is not None for v in values):
            return [v for v in values if v is not None]
    return None


def compared_strings(node: ast.AST, var: str) -> Iterator[tuple[str, ast.Compare]]:
    """Every string that `var` is compared to with == or `in (<literals>)` anywhere under `node`."""
    for cmp in ast.walk(node):
        if not isinstance(cmp, ast.Compare) or len(cmp.ops) != 1:
            continue
        left, op, right = cmp.left, cmp.ops[0], cmp.comparators[0]
        if isinstance(op, ast.Eq):
            if isinstance(left, ast.Name) and left.id == var and str_const(right) is not None:
                yield str_const(right), cmp  # type: ignore[misc]
            elif isinstance(right, ast.Name) and right.id == var and str_const(left) is not None:
                yield str_const(left), cmp  # type: ignore[misc]
        elif isinstance(op, ast.In) and isinstance(left, ast.Name) and left.id == var:
            for value in str_consts(right) or []:
                yield value, cmp


def receiver_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def items_loop(n: ast.AST, name: str) -> typing.TypeGuard[ast.For]:
    """Is `n` a `for ... in <name>.items()` loop (the receiver by its last name: `self.<name>` too)?"""
    return (
        isinstance(n, ast.For)
        and isinstance(n.iter, ast.Call)
        and isinstance(n.iter.func, ast.Attribute)
        and n.iter.func.attr == "items"
        and receiver_name(n.iter.func.value) == name
    )


def key_read_at(n: ast.AST, is_receiver: typing.Callable[[ast.AST], bool]) -> str | None:
    """The string key read at this node: `d.get("k", ...)`, `d["k"]`, `"k" in d` / `"k" not in d`."""
    if isinstance(n, ast.Call):
        if (
            isinstance(n.func, ast.Attribute)
            and n.func.attr == "get"
            and n.args
            and is_receiver(n.func.value)
        ):
            return str_const(n.args[0])
    elif isinstance(n, ast.Subscript):
        if is_receiver(n.value):
            return str_const(n.slice)
    elif isinstance(n, ast.Compare):
        if len(n.ops) == 1 and isinstance(n.ops[0], ast.In | ast.NotIn) and is_receiver(n.comparators[0]):
            return str_const(n.left)
    return None


def keys_read(node: ast.AST, is_receiver: typing.Callable[[ast.AST], bool]) -> Iterator[tuple[str, ast.AST]]:
    """Every string key read under `node` from a dict accepted by `is_receiver` (see key_read_at)."""
    for n in ast.walk(node):
        key = key_read_at(n, is_receiver)
        if key is not None:
            yield key, n


def reachable_methods(methods: dict, start: str) -> list[str]:
    """ProxyConfig methods reachable from `start` through `self.<method>(...)` calls."""
    seen: list[str] = []
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in methods:
            continue
        seen.append(name)
        for n in ast.walk(methods[name]):
            if (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and isinstance(n.func.value, ast.Name)
                and n.func.value.id == "self"
            ):
                todo.append(n.func.attr)
    return sorted(seen)


def settings_reads_in(trees: Iterable[tuple[str, ast.Module]]) -> dict[str, dict[str, list[str]]]:
    """Keys read from general_settings / litellm_settings anywhere under litellm/proxy.

    A receiver is any name or attribute ending in the section name (general_settings,
    proxy_general_settings, self.general_settings, ...), or a name assigned, in the same function or an
    enclosing one, from `<x>.get("<section>")` / `<x>["<section>"]` (e.g.
    `settings = config.get("general_settings") or {}`).
    """
    found: dict[str, dict[str, set[str]]] = {section: {} for section in SETTINGS_SECTIONS}
    functions = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda

    def aliases_in(func: ast.AST) -> dict[str, set[str]]:
        """Names bound from a section in this function's own body (nested functions excluded)."""
        out: dict[str, set[str]] = {section: set() for section in SETTINGS_SECTIONS}
        stack = list(ast.iter_child_nodes(func))
        while stack:
            n = stack.pop()
            if isinstance(n, functions | ast.ClassDef):
                continue
            if isinstance(n, ast.Assign | ast.AnnAssign) and n.value is not None:
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                if all(isinstance(t, ast.Name) for t in targets):
                    for key, _ in keys_read(n.value, lambda r: True):
                        if key in out:
                            out[key].update(t.id for t in targets)  # type: ignore[attr-defined]
            stack.extend(ast.iter_child_nodes(n))
        return out

    def visit(n: ast.AST, rel: str, aliases: dict[str, frozenset[str]]) -> None:
        if isinstance(n, functions):
            own = aliases_in(n)
            aliases = {s: aliases[s] | own[s] for s in SETTINGS_SECTIONS}
        for section in SETTINGS_SECTIONS:

            def is_receiver(r: ast.AST, section: str = section) -> bool:
                name = receiver_name(r)
                return name is not None and (name.endswith(section) or name in aliases[section])

            key = key_read_at(n, is_receiver)
            if key is not None and key != section:
                found[section].setdefault(key, set()).add(f"{rel}:{n.lineno}")  # type: ignore[attr-defined]
        for child in ast.iter_child_nodes(n):
            visit(child, rel, aliases)

    for rel, tree in trees:
        visit(tree, rel, {section: frozenset() for section in SETTINGS_SECTIONS})

    def order(loc: str) -> tuple[str, int]:
        path, line = loc.rsplit(":", 1)
        return path, int(line)

    return {section: {k: sorted(v, key=order) for k, v in keys.items()} for section, keys in found.items()}


def module_bindings(body: list[ast.stmt]) -> Iterator[tuple[str, str, ast.stmt]]:
    """The names a module binds at its top level, in source order: ("assigned", name, stmt) for an
    assignment with a value (also augmented), ("imported", name, stmt) for an import, def or class,
    ("star", module, stmt) for `from module import *`. Looks inside module-level if (but not
    `if TYPE_CHECKING:`), try and with blocks."""

    def targets(t: ast.AST) -> Iterator[str]:
        if isinstance(t, ast.Name):
            yield t.id
        elif isinstance(t, ast.Tuple | ast.List):
            for e in t.elts:
                yield from targets(e)

    for s in body:
        if isinstance(s, ast.Assign):
            for t in s.targets:
                for name in targets(t):
                    yield "assigned", name, s
        elif isinstance(s, ast.AnnAssign | ast.AugAssign) and s.value is not None:
            for name in targets(s.target):
                yield "assigned", name, s
        elif isinstance(s, ast.Import):
            for a in s.names:
                yield "imported", (a.asname or a.name).split(".")[0], s
        elif isinstance(s, ast.ImportFrom):
            for a in s.names:
                if a.name == "*":
                    yield "star", f"{'.' * s.level}{s.module or ''}", s
                else:
                    yield "imported", a.asname or a.name, s
        elif isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield "imported", s.name, s
        elif isinstance(s, ast.If):
            if receiver_name(s.test) != "TYPE_CHECKING":
                yield from module_bindings(s.body)
                yield from module_bindings(s.orelse)
        elif isinstance(s, ast.Try):
            yield from module_bindings(s.body)
            for h in s.handlers:
                yield from module_bindings(h.body)
            yield from module_bindings(s.orelse)
            yield from module_bindings(s.finalbody)
        elif isinstance(s, ast.With):
            yield from module_bindings(s.body)
