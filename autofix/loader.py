"""Loading untrusted YAML as LiteLLM would, refusing what LiteLLM could not load or what would hurt.

LiteLLM reads its config with `yaml.safe_load` (PyYAML, YAML 1.1). autofix composes the same text
with PyYAML's C loader when libyaml is there (the pure-Python one otherwise: same results, slower);
`SafeLoader` below is the one place that choice is made. Before constructing data the input guards
run: nesting depth, alias expansion (billion laughs), recursive aliases, flow nesting and duplicate
keys, each refused with one line (InputError) instead of a crash or a silent surprise.

The data is PyYAML's: an int, float, bool or null is constructed by PyYAML (once per distinct text,
then remembered), and a tree without anchors made only of those, strings, mappings and lists is
assembled straight from its nodes (`_plain_data`); everything else goes through PyYAML's constructor.
tests/test_loader.py compares the result with PyYAML's pure-Python `safe_load` on every shipped config.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Hashable, Iterator
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from autofix.errors import InputError

STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
VALUE_TAG = "tag:yaml.org,2002:value"  # a plain `=` key; PyYAML reads it as the string "="
_MEMO_LIMIT = 100_000  # entries in each memo below: a fleet in one process shares them
_MEMO_MAX_LEN = 128  # longer scalars are rarely repeated; not worth keeping


class _MemoResolver:
    """PyYAML's implicit tag resolution, remembered per plain scalar.

    The composer asks the resolver for the tag of every node; PyYAML's answer runs a few regular
    expressions in Python each time, although a config repeats the same scalars (`true`, `300`,
    `model_name`, ...) over and over. Without path resolvers (SafeLoader has none) the answer depends
    only on the kind of node and, for a plain scalar, its text: PyYAML's own `resolve` computes it once.
    """

    _tags: dict[str, str] = {}

    def resolve(self, kind, value, implicit):
        if self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if kind is ScalarNode:
            if not implicit[0]:  # quoted or block: PyYAML's answer is the default, a string
                return self.DEFAULT_SCALAR_TAG
            tags = _MemoResolver._tags
            tag = tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(value) <= _MEMO_MAX_LEN and len(tags) < _MEMO_LIMIT:
                    tags[value] = tag
            return tag
        if kind is MappingNode:  # what PyYAML answers for a collection without path resolvers
            return self.DEFAULT_MAPPING_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return super().resolve(kind, value, implicit)


class SafeLoader(_MemoResolver, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's libyaml-backed safe loader when it is built in (it reads exactly what yaml.safe_load
    reads; the pure-Python one otherwise), with the resolver's answers remembered."""

    if not yaml.SafeLoader.yaml_path_resolvers:
        # The composer calls descend_resolver(parent, index) and ascend_resolver() around every node;
        # PyYAML's return at once without path resolvers (SafeLoader has none), but they are Python
        # calls, a tenth of composing a config. The same no-ops as C functions (the composer ignores
        # what they return): is_(parent, index) and tuple() look at nothing and change nothing.
        descend_resolver = staticmethod(operator.is_)
        ascend_resolver = staticmethod(tuple)


def safe_load(text: str | bytes) -> Any:
    """`yaml.safe_load` through the fast loader, without autofix's input guards (for trusted text)."""
    return yaml.load(text, Loader=SafeLoader)


def decode(data: bytes) -> tuple[str, bool]:
    """Bytes → (text, had_bom). Raise InputError when the bytes are not UTF-8 text."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the file is UTF-16; LiteLLM reads configs as UTF-8", line=1)
    try:
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})", line=line
        ) from None
    if "\x00" in text:
        raise InputError(
            "binary file (contains NUL bytes), not a YAML config",
            line=text[: text.index("\x00")].count("\n") + 1,
        )
    return text, bom


MAX_DEPTH = 128  # LiteLLM's pure-Python loader gives up (RecursionError) a little above 300 levels
MAX_EXPANDED_NODES = 2_000_000  # aliases may not expand the tree beyond this (billion laughs)


def _compose_plain(text: str) -> Node | None:
    loader = SafeLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _may_nest_deeply(text: str) -> bool:
    """Could block nesting go deeper than MAX_DEPTH? (Each level needs indentation or a `- `.)"""
    return "- - - - " in text or "\n" + " " * 64 in text or text.startswith(" " * 64)


def _check_flow_depth(text: str) -> None:
    """Refuse flow nesting ([ and {) deeper than MAX_DEPTH before libyaml sees it: libyaml slows down
    quadratically on it and its composer recurses once per level."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for m in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if m.group() in "[{" else max(0, depth - 1)
        if depth > MAX_DEPTH:
            line = text.count("\n", 0, m.start()) + 1
            raise InputError(
                f"nested more than {MAX_DEPTH} levels deep; LiteLLM's YAML loader cannot read it either",
                line=line,
            )


def _compose(text: str) -> Node | None:
    """Compose; a text that may nest deeply is composed on a thread with a large stack, because the C
    composer recurses once per level and would overflow the default stack (a crash, not an error)."""
    _check_flow_depth(text)
    if not _may_nest_deeply(text):
        return _compose_plain(text)
    import threading

    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["root"] = _compose_plain(text)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    old = threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=work, name="autofix-compose")
        thread.start()
    finally:
        threading.stack_size(old)
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("root")


def _check_shape(root: Node, text: str) -> None:
    """Refuse nesting LiteLLM cannot load and alias expansions that would exhaust memory."""
    if _may_nest_deeply(text):
        _check_depth(root)
    if "*" in text and "&" in text:
        _check_expansion(root)


def _check_depth(root: Node) -> None:
    depth: dict[int, int] = {id(root): 1}
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for child in _children(node):
            d = depth[id(node)] + 1
            if d > MAX_DEPTH:
                raise InputError(
                    f"nested more than {MAX_DEPTH} levels deep; LiteLLM's YAML loader cannot read it either",
                    line=child.start_mark.line + 1,
                )
            if d > depth.get(id(child), 0):
                depth[id(child)] = d
            stack.append(child)


def _check_expansion(root: Node) -> None:
    size: dict[int, int] = {}
    active: set[int] = set()
    work: list[tuple[Node, bool]] = [(root, False)]
    while work:
        node, done = work.pop()
        if id(node) in size:
            continue
        kids = _children(node)
        if done:
            active.discard(id(node))
            total = 1 + sum(size[id(c)] for c in kids)
            size[id(node)] = total
            if total > MAX_EXPANDED_NODES:
                raise InputError(
                    f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?); refusing to load it",
                    line=node.start_mark.line + 1,
                )
            continue
        if id(node) in active:
            raise InputError(
                "a recursive alias (an anchor used inside itself)", line=node.start_mark.line + 1
            )
        active.add(id(node))
        work.append((node, True))
        work.extend((c, False) for c in kids if id(c) not in size)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [c for kv in node.value for c in kv]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _problem_line(exc: yaml.YAMLError) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def _yaml_reason(exc: yaml.YAMLError) -> str:
    parts = [p for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p]
    return "; ".join(parts) if parts else str(exc).splitlines()[0]


_JINJA = re.compile(r"\{\{|\{%|\{#")


def parse(text: str, *, untrusted: bool = True, found: list[MappingNode] | None = None) -> tuple[Node, Any]:
    """Compose and construct `text` as LiteLLM would; raise InputError for what LiteLLM would not load.

    `untrusted=False` (text autofix produced from a checked input) skips the shape and duplicate checks.
    `found`, with `untrusted`: filled with `mappings(root)`, which the duplicate check walks anyway.
    """
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        reason = _yaml_reason(exc)
        if "maximum nesting depth" in reason:  # libyaml's own limit (newer builds), same refusal as ours
            reason = f"nested more than {MAX_DEPTH} levels deep; LiteLLM's YAML loader cannot read it either"
        elif _JINJA.search(text):
            reason = f"looks like a Jinja template, not YAML (render it first): {reason}"
        else:
            reason = f"invalid YAML: {reason}"
        raise InputError(reason, line=_problem_line(exc)) from None
    except RecursionError:
        raise InputError(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    if root is None:
        raise InputError("empty file: no YAML document")
    if untrusted:
        _check_shape(root, text)
        nodes = mappings(root)
        _check_duplicates(nodes)
        if found is not None:
            found.extend(nodes)
    try:
        data = _plain_data(root) if "&" not in text else _NOT_PLAIN
        if data is _NOT_PLAIN:
            data = _Constructor().construct_document(root)
    except ConstructorError as exc:
        reason = _yaml_reason(exc)
        if _JINJA.search(text):
            reason = f"looks like a Jinja template, not YAML (render it first): {reason}"
        raise InputError(reason, line=_problem_line(exc)) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise InputError(f"cannot read YAML: {exc}") from None
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__}"
        raise InputError(f"the top level is {kind}; a LiteLLM config is a mapping of sections", line=1)
    return root, data


def parse_tree(text: str) -> Node:
    """The node tree of text autofix itself produced (no data, no input checks)."""
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {_yaml_reason(exc)}", line=_problem_line(exc)) from None
    if not isinstance(root, MappingNode):
        raise InputError("the top level is no longer a mapping", line=1)
    return root


_MEMO_TAGS = frozenset(
    {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
)
_scalars: dict[tuple[str, str], Any] = {}  # (tag, text) → the immutable value PyYAML constructed for it


class _Constructor(SafeConstructor):
    """PyYAML's SafeConstructor, with two differences that change no value it returns.

    - Merge keys (`<<: *x`) leave the composed node tree unchanged: PyYAML's flatten_mapping rewrites
      the mapping node in place, and the Document needs the tree as written (so does a `=` key, which
      PyYAML reads as the string "=" by retagging its node).
    - Scalars are constructed with less ceremony: a string is its node's text (exactly what
      `construct_yaml_str` returns), and an int, float, bool or null is constructed by PyYAML once per
      distinct text and remembered (they are immutable). Mappings, sequences, other tags and every error
      go through PyYAML's own code.
    """

    def construct_object(self, node, deep=False):
        if node.__class__ is ScalarNode:
            tag = node.tag
            if tag == STR_TAG:
                return node.value
            if tag in _MEMO_TAGS:
                key = (tag, node.value)
                try:
                    return _scalars[key]
                except KeyError:
                    data = super().construct_object(node, deep=deep)
                    if len(node.value) <= _MEMO_MAX_LEN and len(_scalars) < _MEMO_LIMIT:
                        _scalars[key] = data
                    return data
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, MappingNode):
            return super().construct_mapping(node, deep=deep)  # PyYAML's error
        for k, _ in node.value:
            if k.tag == MERGE_TAG or k.tag == VALUE_TAG:
                node = MappingNode(
                    node.tag, list(node.value), node.start_mark, node.end_mark, node.flow_style
                )
                return super().construct_mapping(node, deep=deep)  # flatten_mapping below, on a copy
        # SafeConstructor.construct_mapping without a merge key: flatten_mapping would change nothing
        mapping = {}
        construct = self.construct_object
        for key_node, value_node in node.value:
            key = construct(key_node, deep=deep)
            if key.__class__ is not str and not isinstance(key, Hashable):
                raise ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                )
            mapping[key] = construct(value_node, deep=deep)
        return mapping

    def flatten_mapping(self, node):
        merge: list = []
        kept: list = []
        for key_node, value_node in node.value:
            if key_node.tag == VALUE_TAG:  # PyYAML retags the key node itself; here a copy of it
                key_node = ScalarNode(
                    STR_TAG, key_node.value, key_node.start_mark, key_node.end_mark, key_node.style
                )
            if key_node.tag != MERGE_TAG:
                kept.append((key_node, value_node))
                continue
            subs = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            parts = []
            for sub in subs:
                if not isinstance(sub, MappingNode):
                    raise ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"expected a mapping for merging, but found {sub.id}",
                        sub.start_mark,
                    )
                copy_ = MappingNode(sub.tag, list(sub.value), sub.start_mark, sub.end_mark, sub.flow_style)
                self.flatten_mapping(copy_)
                parts.append(copy_.value)
            for part in reversed(parts) if isinstance(value_node, SequenceNode) else parts:
                merge.extend(part)
        node.value = merge + kept


MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
_NOT_PLAIN: Any = object()


class _NotPlain(Exception):
    """The tree holds something `_plain_data` leaves to PyYAML's constructor."""


def _plain_data(root: Node) -> Any:
    """The data of a tree without anchors, built straight from the nodes: what `_Constructor` builds
    (and so what PyYAML's safe_load builds), without its per-node bookkeeping for anchors and recursion.
    A tree with anything else (a timestamp, a binary, a set, an explicit or unknown tag, a merge or `=`
    key, a key that is not a string, int, float, bool or null) gives `_NOT_PLAIN`: PyYAML's own
    constructor then builds it, with its own errors."""
    try:
        return _build(root, _Constructor())
    except _NotPlain:
        return _NOT_PLAIN


def _build(node: Node, scalars: _Constructor) -> Any:
    cls = node.__class__
    if cls is ScalarNode:
        tag = node.tag
        if tag == STR_TAG:
            return node.value
        if tag in _MEMO_TAGS:
            value = _scalars.get((tag, node.value), _NOT_PLAIN)
            return scalars.construct_object(node) if value is _NOT_PLAIN else value
        raise _NotPlain
    if cls is MappingNode and node.tag == MAP_TAG:
        out = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode or key_node.tag not in _PLAIN_KEY_TAGS:
                raise _NotPlain  # merge and `=` keys, complex keys, timestamps...
            key = key_node.value if key_node.tag == STR_TAG else _build(key_node, scalars)
            out[key] = _build(value_node, scalars)
        return out
    if cls is SequenceNode and node.tag == SEQ_TAG:
        return [_build(item, scalars) for item in node.value]
    raise _NotPlain


_PLAIN_KEY_TAGS = frozenset({STR_TAG, *_MEMO_TAGS})


def scalar_key(node: Node) -> Any:
    if isinstance(node, ScalarNode):
        if node.tag == STR_TAG:
            return node.value
        try:
            return SafeConstructor().construct_object(node)
        except (yaml.YAMLError, ValueError):
            return node.value
    return ("<complex key>", node.start_mark.line)


def walk(root: Node) -> Iterator[Node]:
    """Every node once, in document order (an alias's target is visited at its definition)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, MappingNode):
            for k, v in reversed(node.value):
                stack.append(v)
                stack.append(k)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))


def mappings(root: Node) -> list[MappingNode]:
    """Every mapping node once, in document order (an alias's target at its definition): what walk()
    gives, less its scalars and sequences; asked of every config twice, so without a generator."""
    out: list[MappingNode] = []
    seen: set[int] = set()
    stack = [root]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        cls = node.__class__
        if cls is ScalarNode:
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        if cls is MappingNode or isinstance(node, MappingNode):
            out.append(node)
            for k, v in reversed(node.value):
                push(v)
                push(k)
        elif isinstance(node, SequenceNode):
            extend(reversed(node.value))
    return out


def _check_duplicates(nodes: list[MappingNode]) -> None:
    for node in nodes:
        pairs = node.value
        if len(pairs) < 2:
            continue
        names = {k.value for k, _ in pairs if k.tag == STR_TAG and k.__class__ is ScalarNode}
        if len(names) == len(pairs):  # every key a string, no two alike: the common case, at C speed
            continue
        first: dict[Any, int] = {}
        for k, _ in node.value:
            if k.tag == MERGE_TAG:
                continue
            key = k.value if k.tag == STR_TAG and k.__class__ is ScalarNode else scalar_key(k)
            try:
                hash(key)
            except TypeError:
                continue
            line = k.start_mark.line + 1
            if key in first:
                raise InputError(
                    f"duplicate key {key!r} at lines {first[key]} and {line}: LiteLLM silently keeps the "
                    "last one; remove the one you do not mean",
                    line=line,
                )
            first[key] = line
