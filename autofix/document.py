"""The Document: a config's original text, its node tree, and edits made as spans of that text.

Structure and values are read with PyYAML's composer, the YAML 1.1 reader LiteLLM itself uses
(`yaml.safe_load`), so `doc.get()` returns exactly what the proxy will see. Every edit is planned
against the node tree and applied as a replacement of a span of the original text: lines no edit
touches stay byte-identical (indentation, quotes, comments, CRLF, trailing spaces, a missing final
newline). New YAML (a key, a section, a list item) is rendered in the file's own indentation.

Edits are queued and applied together by `commit()`, which re-parses the text. An edit that would
overlap a queued one, or that needs a node a queued edit creates, commits first and is planned again
on the new tree, so migrations can simply call `set`, `delete`, `append`, `rename` in any order.
Every edit records a `Change(path, old, new)`; verification later checks that the parsed output
differs from the input exactly by those changes.
"""

from __future__ import annotations

import bisect
import copy
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from autofix.errors import EditRefused, InputError, VerificationError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")

PathKey = str | int
Path = tuple[PathKey, ...]


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> _Missing:
        return self

    def __deepcopy__(self, memo: dict) -> _Missing:
        return self

    def __reduce__(self) -> str:
        return "MISSING"  # unpickles as autofix.document.MISSING, the one instance


MISSING: Any = _Missing()


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z0-9_/-]+", str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part), ensure_ascii=False)}]"
    return out or "<root>"


@dataclass
class Change:
    """One declared difference between input and output, at a path of the parsed config."""

    path: Path
    old: Any
    new: Any
    migration: str = ""

    @property
    def kind(self) -> str:
        if self.old is MISSING:
            return "add"
        if self.new is MISSING:
            return "delete"
        return "set"


@dataclass
class _Edit:
    start: int
    end: int
    text: str
    seq: int = 0
    depth: int = 0  # for insertions at one offset: the deeper (more indented) one goes first


@dataclass
class _Created:
    """A mapping that a queued edit adds: later keys for it extend that edit instead of a new one."""

    edit: _Edit
    value: dict
    render: Any


@dataclass
class Format:
    """What the file looks like, so new YAML matches it."""

    newline: str = "\n"
    step: int = 2  # indentation of a nested mapping relative to its key
    seq_offset: int = 2  # column of a block sequence's dash relative to its key
    blank_between_sections: bool = False


# An edit that fills or replaces a value goes before any insertion at the same offset (an empty
# `key:` at the end of a mapping ends where the next key would be inserted).
_VALUE_FIRST = 1 << 30


class _NeedsCommit(Exception):
    """Raised inside planning when queued edits must be applied before this edit can be planned."""


# --------------------------------------------------------------------------------------------------
# Rendering of new YAML
# --------------------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9_/][A-Za-z0-9_./@+-]*(?::[A-Za-z0-9_./@+-]+)*")


@lru_cache(maxsize=4096)
def _plain_ok(value: str, flow: bool) -> bool:
    if not _PLAIN.fullmatch(value):
        return False
    try:
        if flow:
            return yaml.load(f"k: [{value}]", Loader=_Loader) == {"k": [value]}
        return yaml.load(f"k: {value}", Loader=_Loader) == {"k": value}
    except yaml.YAMLError:
        return False


def render_scalar(value: Any, quote: str | None = None, flow: bool = False) -> str:
    """A scalar as PyYAML reads it back identically; `quote` keeps a neighbour's quoting style."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot render {type(value).__name__} as a YAML scalar")
    printable = value.isprintable()
    if quote == "'" and printable:
        return "'" + value.replace("'", "''") + "'"
    if quote == '"':
        return json.dumps(value, ensure_ascii=False)
    if _plain_ok(value, flow):
        return value
    return json.dumps(value, ensure_ascii=False)


def render_flow(value: Any) -> str:
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{render_scalar(k, flow=True)}: {render_flow(v)}" for k, v in value.items())
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(render_flow(v) for v in value) + "]"
    return render_scalar(value, flow=True)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _inline(value: Any) -> str | None:
    """The one-line form of a value when it has one worth using (scalars, lists of scalars, empties)."""
    if _is_scalar(value):
        return render_scalar(value)
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        return render_flow(value)
    return None


def render_entry(key: Any, value: Any, indent: int, fmt: Format) -> list[str]:
    """Lines (without newlines) of `key: value` in block style at column `indent`."""
    pad = " " * indent
    head = f"{pad}{render_scalar(key)}:"
    inline = _inline(value)
    if inline is not None:
        return [f"{head} {inline}"]
    lines = [head]
    if isinstance(value, dict):
        for k, v in value.items():
            lines += render_entry(k, v, indent + fmt.step, fmt)
    else:
        lines += render_items(value, indent + fmt.seq_offset, fmt)
    return lines


def render_items(items: list[Any], dash_col: int, fmt: Format, quote: str | None = None) -> list[str]:
    lines: list[str] = []
    pad = " " * dash_col
    for item in items:
        if isinstance(item, dict) and item:
            sub: list[str] = []
            for k, v in item.items():
                sub += render_entry(k, v, dash_col + 2, fmt)
            sub[0] = pad + "- " + sub[0][dash_col + 2 :]
            lines += sub
        elif isinstance(item, list) and item and not all(_is_scalar(v) for v in item):
            sub = render_items(item, dash_col + 2, fmt)
            sub[0] = pad + "- " + sub[0][dash_col + 2 :]
            lines += sub
        else:
            text = render_scalar(item, quote=quote) if _is_scalar(item) else _inline(item)
            lines.append(f"{pad}- {text}")
    return lines


# --------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------


MAX_DEPTH = 128  # LiteLLM's pure-Python loader gives up (RecursionError) a little above 300 levels
MAX_EXPANDED_NODES = 2_000_000  # aliases may not expand the tree beyond this (billion laughs)


def _compose_plain(text: str) -> Node | None:
    loader = _Loader(text)
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


def parse(text: str, *, untrusted: bool = True) -> tuple[Node, Any]:
    """Compose and construct `text` as LiteLLM would; raise InputError for what LiteLLM would not load.

    `untrusted=False` (text autofix produced from a checked input) skips the shape and duplicate checks.
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
        _check_duplicates(root)
    try:
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


class _Constructor(SafeConstructor):
    """SafeConstructor whose merge-key handling (`<<: *x`) leaves the composed node tree unchanged.

    PyYAML's flatten_mapping rewrites the mapping node in place; the Document needs the tree as written.
    """

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode) and any(k.tag == _MERGE_TAG for k, _ in node.value):
            node = MappingNode(node.tag, list(node.value), node.start_mark, node.end_mark, node.flow_style)
        return super().construct_mapping(node, deep=deep)

    def flatten_mapping(self, node):
        merge: list = []
        kept: list = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
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


def _scalar_key(node: Node) -> Any:
    if isinstance(node, ScalarNode):
        if node.tag == _STR_TAG:
            return node.value
        try:
            return SafeConstructor().construct_object(node)
        except (yaml.YAMLError, ValueError):
            return node.value
    return ("<complex key>", node.start_mark.line)


def _walk(root: Node) -> Iterator[Node]:
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


def _check_duplicates(root: Node) -> None:
    for node in _walk(root):
        if not isinstance(node, MappingNode):
            continue
        first: dict[Any, int] = {}
        for k, _ in node.value:
            if k.tag == _MERGE_TAG:
                continue
            key = _scalar_key(k)
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


# --------------------------------------------------------------------------------------------------
# The Document
# --------------------------------------------------------------------------------------------------


@dataclass
class _Located:
    node: Node  # the value node at the path
    chain: list[Node] = field(default_factory=list)  # containers from the root down to the parent
    key_node: Node | None = None  # the key node when the parent is a mapping
    index: int = -1  # position in the parent's value list


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


class Document:
    """A config being fixed. Read with `get`/`exists`/`line`; edit with `set`/`delete`/`append`/`rename`."""

    def __init__(self, text: str, *, bom: bool = False, name: str = "<input>"):
        self.name = name
        self.bom = bom
        self.original_text = text
        self.text = text
        self.changes: list[Change] = []
        self.migration = ""  # set by the runner: the migration whose edits are being recorded
        self._pending: list[_Edit] = []
        self._pending_keys: set[tuple[int, Any]] = set()
        self._dirty: set[int] = set()  # sequences whose items a queued edit adds or removes
        self._spans: list[tuple[int, int]] = []  # (start, end) of the queued edits, sorted
        self._filled: list[tuple[int, int]] = []  # the same, without pure insertions
        self._created: dict[Path, _Created] = {}
        self._seq = 0
        self._stale = False
        self._parse(untrusted=True)
        self.format = self._detect_format()

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<input>") -> Document:
        try:
            text, bom = decode(data)
            return cls(text, bom=bom, name=name)
        except InputError as exc:
            raise exc.located(name) from None

    # ---- parsing and positions -------------------------------------------------------------------

    @property
    def root(self) -> Node:
        """The node tree of the current text (parsed on demand after a commit)."""
        if self._stale:
            self._stale = False
            try:
                self._parse(with_data=False)
            except InputError as exc:
                raise VerificationError(
                    f"an edit by {self.migration or 'a fix'} produced text that does not parse "
                    f"(line {exc.line}: {exc.reason}); nothing was written"
                ) from None
        return self._root

    def fresh_data(self) -> Any:
        """The current text as PyYAML reads it, from a real parse (for verification)."""
        self.commit()
        if self._stale or not self._data_from_text:
            self._stale = False
            try:
                self._parse()
            except InputError as exc:
                raise VerificationError(
                    f"the fixed text does not parse (line {exc.line}: {exc.reason}); nothing was written"
                ) from None
        return self.data

    def _parse(self, untrusted: bool = False, with_data: bool = True) -> None:
        """Parse the text. Without data (mid-run, when only the tree is needed) the edited data is kept."""
        if with_data:
            self._root, self.data = parse(self.text, untrusted=untrusted)
            self._data_from_text = True
        else:
            self._root = parse_tree(self.text)
        self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        self._entries_cache: dict[int, dict[Any, int]] = {}
        self._sharing: tuple[set[int], set[int]] | None = None

    @property
    def _shared(self) -> set[int]:
        return self._sharing_info()[0]

    @property
    def _merging(self) -> set[int]:
        return self._sharing_info()[1]

    def _sharing_info(self) -> tuple[set[int], set[int]]:
        """(nodes reached more than once through aliases, mappings with a merge key); computed on demand."""
        if self._sharing is not None:
            return self._sharing
        if "&" not in self.text:  # no anchor, so no alias and no merge
            self._sharing = (set(), set())
            return self._sharing
        counts: Counter[int] = Counter()
        merging: set[int] = set()
        stack = [self.root]
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            counts[id(node)] += 1
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, MappingNode):
                for k, v in node.value:
                    stack.append(v)
                    if k.tag == _MERGE_TAG:
                        merging.add(id(node))
            elif isinstance(node, SequenceNode):
                stack.extend(node.value)
        self._sharing = ({nid for nid, n in counts.items() if n > 1}, merging)
        return self._sharing

    def _line_index(self, offset: int) -> int:
        return bisect.bisect_right(self._line_starts, offset) - 1

    def _line_start(self, offset: int) -> int:
        return self._line_starts[self._line_index(offset)]

    def _line_end(self, offset: int) -> int:
        """Offset of the line break that ends the line holding `offset` (or the end of the text)."""
        i = self._line_index(offset)
        if i + 1 >= len(self._line_starts):
            return len(self.text)
        nxt = self._line_starts[i + 1]
        return nxt - 2 if self.text[nxt - 2 : nxt] == "\r\n" else nxt - 1

    def _next_line_start(self, offset: int) -> int:
        i = self._line_index(offset)
        return self._line_starts[i + 1] if i + 1 < len(self._line_starts) else len(self.text)

    def _line_text(self, i: int) -> str:
        start = self._line_starts[i]
        end = self._line_starts[i + 1] if i + 1 < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n\x85\u2028\u2029")

    def _detect_format(self) -> Format:
        newline = (
            "\r\n" if "\r\n" in self.text else "\r" if "\r" in self.text and "\n" not in self.text else "\n"
        )
        fmt = Format(newline=newline)
        steps: Counter[int] = Counter()
        offsets: Counter[int] = Counter()
        for node in _walk(self.root):
            if not isinstance(node, MappingNode) or node.flow_style:
                continue
            for k, v in node.value:
                if v.start_mark.line <= k.start_mark.line or v.start_mark.index < k.end_mark.index:
                    continue
                if isinstance(v, MappingNode) and not v.flow_style and v.value:
                    steps[v.value[0][0].start_mark.column - k.start_mark.column] += 1
                elif isinstance(v, SequenceNode) and not v.flow_style and v.value:
                    dash = self._dash_column(v.value[0])
                    if dash is not None:
                        offsets[dash - k.start_mark.column] += 1
        if steps:
            fmt.step = max(1, steps.most_common(1)[0][0])
        if offsets:
            fmt.seq_offset = max(0, offsets.most_common(1)[0][0])
        else:
            fmt.seq_offset = fmt.step
        if isinstance(self.root, MappingNode) and len(self.root.value) > 1:
            blanks = 0
            for k, _ in self.root.value[1:]:
                line = k.start_mark.line - 1
                while line >= 0 and self._line_text(line).lstrip().startswith("#"):
                    line -= 1
                if line >= 0 and not self._line_text(line).strip():
                    blanks += 1
            fmt.blank_between_sections = blanks * 2 >= len(self.root.value) - 1
        return fmt

    def _dash_column(self, item: Node) -> int | None:
        start = item.start_mark.index
        if item.start_mark.index < 0:
            return None
        ls = self._line_start(start)
        dash = self.text.rfind("-", ls, start)
        return dash - ls if dash >= 0 else None

    def _content_end(self, node: Node) -> int:
        """End offset of the last character that belongs to `node` (not trailing comments/blank lines)."""
        while True:
            if isinstance(node, ScalarNode):
                end = node.end_mark.index
                if node.style in ("|", ">"):
                    while end > node.start_mark.index and self.text[end - 1] in " \t\r\n\x85\u2028\u2029":
                        end -= 1
                return end
            if node.flow_style or not node.value:
                return node.end_mark.index
            if isinstance(node, MappingNode):
                k, v = node.value[-1]
                if v.start_mark.index < k.end_mark.index:  # an alias: its target is defined earlier
                    return self._alias_end(k.end_mark.index)
                node = v
            else:
                last = node.value[-1]
                if len(node.value) > 1 and last.start_mark.index < node.value[-2].end_mark.index:
                    raise EditRefused("the list ends with an alias (*name); edit it by hand")
                node = last

    def _alias_end(self, after: int) -> int:
        m = re.compile(r"\s*:\s*(?:#[^\n]*\n\s*)*\*[^\s,\]\}]+").match(self.text, after)
        if not m:
            raise EditRefused("cannot find the alias (*name) this key refers to")
        return m.end()

    def _colon_end(self, key: Node) -> int:
        i = key.end_mark.index
        m = re.compile(r"[ \t]*:").match(self.text, i)
        if not m:
            raise EditRefused("cannot find the ':' after a key")
        return m.end()

    def _entries(self, node: MappingNode) -> dict[Any, int]:
        cached = self._entries_cache.get(id(node))
        if cached is None:
            cached = {}
            for i, (k, _) in enumerate(node.value):
                if k.tag != _MERGE_TAG:
                    cached[_scalar_key(k)] = i
            self._entries_cache[id(node)] = cached
        return cached

    def _locate(self, path: Path, *, for_edit: bool = True) -> _Located | None:
        node: Node = self.root
        loc = _Located(node)
        for depth, part in enumerate(path):
            chain = loc.chain + [node]
            if isinstance(node, MappingNode):
                entries = self._entries(node)
                if part not in entries:
                    if (id(node), part) in self._pending_keys:
                        raise _NeedsCommit
                    if (
                        for_edit
                        and id(node) in self._merging
                        and _get(self.data, path[: depth + 1]) is not MISSING
                    ):
                        raise EditRefused(
                            f"{format_path(path[: depth + 1])} comes from a merge key (<<: *anchor); "
                            "edit the anchored mapping by hand",
                            line=node.start_mark.line + 1,
                        )
                    return None
                i = entries[part]
                k, v = node.value[i]
                loc = _Located(v, chain, k, i)
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if id(node) in self._dirty:  # indices moved under a queued edit
                    raise _NeedsCommit
                if not -len(node.value) <= part < len(node.value):
                    return None
                i = part % len(node.value)
                loc = _Located(node.value[i], chain, None, i)
            else:
                return None
            node = loc.node
        if for_edit:
            for n in [*loc.chain[1:], loc.node]:
                if id(n) in self._shared:
                    raise EditRefused(
                        f"{format_path(path)} is inside a node shared through an anchor (&name/*name); "
                        "changing it would change every place that uses it: edit it by hand",
                        line=n.start_mark.line + 1,
                    )
        return loc

    # ---- reading ---------------------------------------------------------------------------------

    def get(self, path: Path, default: Any = MISSING) -> Any:
        """The value at `path` as LiteLLM reads it (as of the last commit)."""
        value = _get(self.data, path)
        return default if value is MISSING else value

    def exists(self, path: Path) -> bool:
        return _get(self.data, path) is not MISSING

    def line(self, path: Path) -> int | None:
        """1-based line of the key (or item) at `path`, or of the nearest existing parent."""
        while True:
            try:
                loc = self._locate(path, for_edit=False)
            except _NeedsCommit:
                loc = None
            if loc is not None:
                node = loc.key_node or loc.node
                return node.start_mark.line + 1
            if not path:
                return None
            path = path[:-1]

    def source_lines(self, path: Path) -> tuple[list[str], int | None]:
        """The lines of the text as last parsed (where `line` points) and the line of `path` in them."""
        first = self.line(path)  # first: it may parse the text again
        return self.text.splitlines(), first

    # ---- editing ---------------------------------------------------------------------------------

    def set(self, path: Path, value: Any) -> bool:
        """Set the value at `path` (creating missing parents). Returns False when it already had it."""
        old = self.get(path)
        if old is not MISSING and _same(old, value):
            return False
        self._do(lambda: self._plan_set(path, value))
        self._record(path, old, value)
        return True

    def delete(self, path: Path, prune_empty: bool = False) -> bool:
        """Delete the key or item at `path`; with prune_empty, also a parent mapping it leaves empty."""
        if not self.exists(path):
            return False
        parent = path[:-1]
        if (
            prune_empty
            and parent
            and isinstance(self.get(parent), dict)
            and len(self.get(parent)) == 1
            and not isinstance(parent[-1], int)
        ):
            return self.delete(parent, prune_empty=True)
        old = self.get(path)
        self._do(lambda: self._plan_delete(path))
        self._record(path, old, MISSING)
        return True

    def append(self, path: Path, item: Any) -> bool:
        """Append `item` to the list at `path` unless it is already there.

        A missing or null value becomes `[item]`; a single string becomes `[string, item]`.
        """
        current = self.get(path)
        if isinstance(current, list):
            if any(_same(x, item) for x in current):
                return False
            if not current:
                return self.set(path, [item])
            self._do(lambda: self._plan_append(path, item))
            self._record(path, current, [*current, item])
            return True
        if current is MISSING or current is None:
            return self.set(path, [item])
        if isinstance(current, str):
            if _same(current, item):
                return self.set(path, [current])
            return self.set(path, [current, item])
        raise EditRefused(
            f"{format_path(path)} is a {type(current).__name__}, not a list", line=self.line(path)
        )

    def remove_item(self, path: Path, item: Any) -> bool:
        """Remove every occurrence of `item` from the list at `path`."""
        current = self.get(path)
        if not isinstance(current, list):
            return False
        idx = [i for i, x in enumerate(current) if _same(x, item)]
        if not idx:
            return False
        for i in reversed(idx):
            self._do(lambda i=i: self._plan_delete((*path, i)))
        self._record(path, current, [x for i, x in enumerate(current) if i not in idx])
        return True

    def mapping_to_items(self, path: Path, items: list[dict]) -> bool:
        """Rewrite the block mapping at `path` as the list `items` of one-key mappings, in place.

        `items[i]` must have the mapping's i-th key. Each `key: value  # why` line becomes
        `- key: <new value>  # why`, so every comment keeps its line. Returns False (nothing done) when
        the mapping's layout does not allow it (flow style, values on their own lines): use `set` then.
        """
        current = self.get(path)
        if not (isinstance(current, dict) and isinstance(items, list) and len(items) == len(current)):
            return False
        if [next(iter(i)) if isinstance(i, dict) and len(i) == 1 else None for i in items] != list(current):
            return False
        try:
            loc = self._locate(path)
        except _NeedsCommit:
            self.commit()
            loc = self._locate(path)
        node = loc.node if loc else None
        if not isinstance(node, MappingNode) or node.flow_style or not node.value:
            return False
        for k, v in node.value:
            one_line = v.start_mark.line == k.start_mark.line and v.end_mark.line == k.start_mark.line
            if k.tag == _MERGE_TAG or not one_line or (isinstance(v, ScalarNode) and v.style in ("|", ">")):
                return False
            if self.text[self._line_start(k.start_mark.index) : k.start_mark.index].strip():
                return False

        def plan() -> list[_Edit]:
            found = self._locate(path)
            assert found is not None
            edits = []
            for (k, v), item in zip(found.node.value, items, strict=True):
                new = item[next(iter(item))]
                edits.append(_Edit(k.start_mark.index, k.start_mark.index, "- "))
                if not _same(self.get((*path, _scalar_key(k))), new):
                    text = _inline(new) or render_flow(new)
                    if v.start_mark.index == v.end_mark.index:
                        text = " " + text
                    edits.append(_Edit(v.start_mark.index, v.end_mark.index, text))
            return edits

        self._do(plan)
        self._record(path, current, items)
        return True

    def rename(self, path: Path, new_key: str) -> bool:
        """Rename the key at `path`, keeping its value, comments and position."""
        if not self.exists(path):
            return False
        parent = path[:-1]
        if self.exists((*parent, new_key)):
            raise EditRefused(
                f"cannot rename {format_path(path)}: {new_key!r} exists already", line=self.line(path)
            )
        value = self.get(path)
        self._do(lambda: self._plan_rename(path, new_key))
        self._record(path, value, MISSING)
        self._record((*parent, new_key), MISSING, value)
        return True

    def _record(self, path: Path, old: Any, new: Any) -> None:
        change = Change(tuple(path), copy.deepcopy(old), copy.deepcopy(new), self.migration)
        self.changes.append(change)
        self._data_from_text = False
        apply_change(self.data, change)  # reads see the edit at once; commit() re-reads the text

    def commit(self) -> None:
        """Apply the queued edits to the text (the tree is parsed again when next needed)."""
        if not self._pending:
            return
        edits = sorted(self._pending, key=lambda e: (e.start, -e.depth, e.seq))
        out: list[str] = []
        pos = 0
        size = 0
        cuts: list[int] = []  # output offsets where whole lines were deleted
        for e in edits:
            kept = self.text[pos : e.start]
            out.append(kept)
            out.append(e.text)
            size += len(kept) + len(e.text)
            if not e.text and e.end > e.start and (e.start == 0 or self.text[e.start - 1] in "\n\r"):
                cuts.append(size)
            pos = max(pos, e.end)
        out.append(self.text[pos:])
        self.text = _tidy_blank_lines("".join(out), cuts)
        self._pending = []
        self._spans = []
        self._filled = []
        self._pending_keys = set()
        self._dirty = set()
        self._created = {}
        self._stale = True  # the tree is parsed again when an edit or a line number needs it

    def checkpoint(self) -> tuple:
        """A point to come back to with `restore` (cheap: nothing is committed)."""
        return (
            self.text,
            [_Edit(e.start, e.end, e.text, e.seq, e.depth) for e in self._pending],
            set(self._pending_keys),
            len(self.changes),
        )

    def restore(self, checkpoint: tuple) -> None:
        """Go back to a checkpoint: its text and queued edits, and only the changes recorded before it."""
        text, pending, keys, n = checkpoint
        self.text = text
        self._pending = [_Edit(e.start, e.end, e.text, e.seq, e.depth) for e in pending]
        self._spans = sorted((e.start, e.end) for e in self._pending)
        self._filled = [sp for sp in self._spans if sp[1] > sp[0]]
        self._pending_keys = set(keys)
        self._dirty = set()
        self._created = {}
        del self.changes[n:]
        self.commit()
        self._stale = False
        self._parse()  # with data: reads must see the restored state

    def render(self) -> bytes:
        self.commit()
        return (b"\xef\xbb\xbf" if self.bom else b"") + self.text.encode("utf-8")

    @property
    def changed(self) -> bool:
        return bool(self._pending) or self.text != self.original_text

    # ---- planning ----------------------------------------------------------------------------------

    def _do(self, plan) -> None:
        try:
            edits = plan()
            if self._conflicts(edits):
                raise _NeedsCommit
        except _NeedsCommit:
            self.commit()
            edits = plan()
        for e in edits:
            self._seq += 1
            e.seq = self._seq
            self._pending.append(e)
            bisect.insort(self._spans, (e.start, e.end))
            if e.end > e.start:
                bisect.insort(self._filled, (e.start, e.end))

    def _conflicts(self, edits: list[_Edit]) -> bool:
        """Would any of `edits` overlap a queued edit? (An insertion conflicts only strictly inside a span.)"""
        spans, filled = self._spans, self._filled
        for e in edits:
            k = bisect.bisect_left(filled, (e.start, -1)) - 1  # the nearest non-empty span starting before
            if k >= 0 and _overlap(filled[k], (e.start, e.end)):
                return True
            i = bisect.bisect_left(spans, (e.start, -1))
            j = i
            limit = max(e.end, e.start + 1)
            while j < len(spans) and spans[j][0] < limit:
                if _overlap(spans[j], (e.start, e.end)):
                    return True
                j += 1
        return False

    def _nl(self) -> str:
        return self.format.newline

    def _lines(self, lines: list[str]) -> str:
        return self._nl().join(lines)

    def _plan_set(self, path: Path, value: Any) -> list[_Edit]:
        if not path:
            raise EditRefused("cannot replace the whole config")
        if self._find_created(path[:-1]) is not None:
            return self._plan_add(path[:-1], path[-1], value)
        loc = self._locate(path)
        if loc is None:
            return self._plan_add(path[:-1], path[-1], value)
        node = loc.node
        if not isinstance(node, ScalarNode):
            self._refuse_shared_inside(path, node)
        parent = loc.chain[-1]
        if parent.flow_style:
            return self._plan_rewrite_flow(path[:-1], lambda c: _set_in(c, path[-1], value))
        if isinstance(node, ScalarNode) and _is_scalar(value) and node.style not in ("|", ">"):
            quote = node.style if node.style in ("'", '"') and isinstance(value, str) else None
            text = render_scalar(value, quote=quote, flow=bool(parent.flow_style))
            if node.start_mark.index == node.end_mark.index:  # `key:` with nothing after it
                text = " " + text
            return [_Edit(node.start_mark.index, node.end_mark.index, text, depth=_VALUE_FIRST)]
        if (
            isinstance(node, MappingNode | SequenceNode)
            and node.flow_style
            and (node.value or _is_scalar(value))
        ):
            inline = _inline(value)
            return [_Edit(node.start_mark.index, node.end_mark.index, inline or render_flow(value))]
        # replace the whole value after the key's colon (or the whole item after its dash)
        if loc.key_node is not None:
            start = self._colon_end(loc.key_node)
            indent = self._key_column(loc.key_node)
            rendered = render_entry("k", value, indent, self.format)
            first = rendered[0][indent + 2 :]  # after "k:"
            rest = self._nl() + self._lines(rendered[1:]) if len(rendered) > 1 else ""
            end = self._content_end(node)
            line_end = self._line_end(start)
            if end > line_end and self.text[start:line_end].strip().startswith("#"):
                # `key:  # why` over a block: the comment stays on the key's line
                edits = [_Edit(line_end, end, rest, depth=_VALUE_FIRST)]
                if first:
                    edits.insert(0, _Edit(start, start, first, depth=_VALUE_FIRST))
                return edits
            after = self._line_end(end)
            if not first and "#" in self.text[end:after]:
                # `key: {}  # why` becoming a block: the comment stays on the key's line
                return [
                    _Edit(start, end, "", depth=_VALUE_FIRST),
                    _Edit(after, after, rest, depth=_VALUE_FIRST),
                ]
            text = first + rest
        else:
            start = node.start_mark.index
            dash = self._dash_column(node) or 0
            rendered = render_items([value], dash, self.format)
            text = rendered[0][dash + 2 :]
            if len(rendered) > 1:
                text += self._nl() + self._lines(rendered[1:])
        return [_Edit(start, self._content_end(node), text, depth=_VALUE_FIRST)]

    def _refuse_shared_inside(self, path: Path, node: Node) -> None:
        """An edit that removes or replaces `node` must not take an anchor that is used elsewhere."""
        shared = self._shared
        if not shared:
            return
        for inner in _walk(node):
            if id(inner) in shared:
                raise EditRefused(
                    f"{format_path(path)} holds a node shared through an anchor (&name) used elsewhere; "
                    "removing or replacing it would break that alias: edit it by hand",
                    line=inner.start_mark.line + 1,
                )

    def _key_column(self, key: Node) -> int:
        return key.start_mark.column

    def _find_created(self, path: Path) -> tuple[Path, _Created] | None:
        for i in range(len(path), 0, -1):
            created = self._created.get(path[:i])
            if created is not None:
                return path[:i], created
        return None

    def _plan_add(self, parent: Path, key: Any, value: Any) -> list[_Edit]:
        found = self._find_created(parent)
        if found is not None:  # the mapping is new in a queued edit: extend that edit
            root, created = found
            tree = created.value
            for part in parent[len(root) :]:
                tree = tree.setdefault(part, {})
                if not isinstance(tree, dict):
                    raise _NeedsCommit
            tree[key] = copy.deepcopy(value)
            created.edit.text = created.render(created.value)
            return []
        loc = self._locate(parent)
        if loc is None:
            if not parent:
                raise EditRefused("the config has no top-level mapping")
            return self._plan_add(parent[:-1], parent[-1], {key: value})
        node = loc.node
        if isinstance(node, ScalarNode):
            if node.value in ("", "~", "null", "Null", "NULL") and node.tag != _STR_TAG:
                return self._plan_set(parent, {key: value})
            raise EditRefused(f"{format_path(parent)} is not a mapping", line=node.start_mark.line + 1)
        if not isinstance(node, MappingNode):
            raise EditRefused(f"{format_path(parent)} is not a mapping", line=node.start_mark.line + 1)
        if id(node) in self._dirty:
            raise _NeedsCommit
        if not node.value and loc.key_node is not None:  # `section: {}` becomes a block mapping
            return self._plan_set(parent, {key: value})
        if node.flow_style or not node.value:
            return self._plan_rewrite_flow(parent, lambda c: _set_in(c, key, value))
        self._pending_keys.add((id(node), key))
        indent = node.value[0][0].start_mark.column
        at = self._line_end(self._content_end(node))
        prefix = self._nl()
        if node is self.root and self.format.blank_between_sections:
            prefix += self._nl()

        def render(v: Any) -> str:
            return prefix + self._lines(render_entry(key, v, indent, self.format))

        edit = _Edit(at, at, render(value), depth=indent + 1)
        if isinstance(value, dict):
            self._created[(*parent, key)] = _Created(edit, copy.deepcopy(value), render)
        return [edit]

    def _plan_rewrite_flow(self, path: Path, mutate) -> list[_Edit]:
        current = self.get(path)
        new = copy.deepcopy(current) if current is not None else {}
        if not isinstance(new, dict | list):
            raise EditRefused(f"{format_path(path)} is not a collection")
        mutate(new)
        loc = self._locate(path)
        assert loc is not None
        node = loc.node
        if node is self.root:
            raise EditRefused(
                "the whole config is written in flow style ({...}); autofix edits block-style configs"
            )
        return [_Edit(node.start_mark.index, node.end_mark.index, render_flow(new))]

    def _plan_delete(self, path: Path) -> list[_Edit]:
        loc = self._locate(path)
        if loc is None:
            if self._pending and _get(self.data, path) is not MISSING:
                raise _NeedsCommit  # it exists only in a queued edit: delete it from the text that has it
            return []
        self._refuse_shared_inside(path, loc.node)
        parent = loc.chain[-1]
        if parent.flow_style:
            return self._plan_delete_flow(path, parent, loc)
        if isinstance(parent, SequenceNode):
            self._dirty.add(id(parent))
        siblings = _get(self.data, path[:-1])
        if len(parent.value) == 1 and isinstance(siblings, dict | list) and len(siblings) > 1:
            raise _NeedsCommit  # a queued edit adds a sibling: delete from the text that has it
        if isinstance(parent, MappingNode):
            if len(parent.value) == 1:
                self._dirty.add(id(parent))  # emptied: a key added to it must wait for this edit
                if parent is self.root:
                    return [_Edit(0, len(self.text), "{}" + self._nl())]
                return self._plan_set(path[:-1], {})
            start_node = loc.key_node
        else:
            if len(parent.value) == 1:
                return self._plan_set(path[:-1], [])
            start_node = loc.node
        assert start_node is not None
        kstart = start_node.start_mark.index
        line_start = self._line_start(kstart)
        if isinstance(parent, SequenceNode):
            dash = self.text.rfind("-", line_start, kstart)
            if dash < 0 or self.text[line_start:dash].strip():
                raise EditRefused(
                    f"cannot delete {format_path(path)}: unusual list layout",
                    line=start_node.start_mark.line + 1,
                )
            kstart = dash
        prefix = self.text[line_start:kstart]
        if prefix.strip():
            # the first key of a list item (`- key: v`): remove up to the next key, keep the dash
            nxt = parent.value[loc.index + 1][0] if loc.index + 1 < len(parent.value) else None
            if nxt is None or loc.index != 0:
                raise EditRefused(
                    f"cannot delete {format_path(path)}: unusual layout", line=start_node.start_mark.line + 1
                )
            return [_Edit(kstart, nxt.start_mark.index, "")]
        column = kstart - line_start
        first = self._line_index(kstart)
        while first > 0:
            above = self._line_text(first - 1)
            if above.lstrip().startswith("#") and len(above) - len(above.lstrip()) == column:
                first -= 1
            else:
                break
        start = self._line_starts[first]
        end = self._next_line_start(self._content_end(loc.node))
        last = self._line_index(end) if end < len(self.text) else len(self._line_starts)
        while last < len(self._line_starts):
            below = self._line_text(last)
            if below.lstrip().startswith("#") and len(below) - len(below.lstrip()) > column:
                last += 1
            else:
                break
        end = self._line_starts[last] if last < len(self._line_starts) else len(self.text)
        # keep the spacing tidy: do not leave two blank lines where there was one, nor one at the top
        before_blank = first == 0 or not self._line_text(first - 1).strip()
        if before_blank:
            if last < len(self._line_starts) and not self._line_text(last).strip():
                end = self._line_starts[last + 1] if last + 1 < len(self._line_starts) else len(self.text)
            elif end >= len(self.text) and first > 0:
                start = self._line_starts[first - 1]
        if end >= len(self.text) and start > 0 and not self.text.endswith(("\n", "\r")):
            # deleting the last line of a file with no final newline: drop the break before it instead
            start = self._line_end(start - 1)
        return [_Edit(start, end, "")]

    def _plan_delete_flow(self, path: Path, parent: Node, loc: _Located) -> list[_Edit]:
        """Delete an item (or key) of a flow collection by cutting its text and one comma."""
        if isinstance(parent, SequenceNode):
            self._dirty.add(id(parent))
            starts = [n.start_mark.index for n in parent.value]
            ends = [n.end_mark.index for n in parent.value]
        else:
            starts = [k.start_mark.index for k, _ in parent.value]
            ends = [
                self._content_end(v) if not isinstance(v, ScalarNode) else v.end_mark.index
                for _, v in parent.value
            ]
        i, n = loc.index, len(starts)
        if any(ends[j] <= starts[j] and j == i for j in range(n)) or n != len(
            _get(self.data, path[:-1]) or ()
        ):
            return self._plan_rewrite_flow(path[:-1], lambda c: _del_in(c, path[-1]))
        if n == 1:
            return [
                _Edit(
                    parent.start_mark.index,
                    parent.end_mark.index,
                    "[]" if isinstance(parent, SequenceNode) else "{}",
                )
            ]
        if i + 1 < n:
            return [_Edit(starts[i], starts[i + 1], "")]
        return [_Edit(ends[i - 1], ends[i], "")]

    def _plan_append(self, path: Path, item: Any) -> list[_Edit]:
        if self._find_created(path[:-1]) is not None:  # a list in a mapping a queued edit creates
            return self._plan_add(path[:-1], path[-1], [*self.get(path), item])
        loc = self._locate(path)
        assert loc is not None
        node = loc.node
        if not isinstance(node, SequenceNode) or not node.value:
            if self._pending:
                raise _NeedsCommit  # the list is what a queued edit wrote
            return self._plan_set(path, [*self.get(path), item])
        self._dirty.add(id(node))
        last = node.value[-1]
        quote = last.style if isinstance(last, ScalarNode) and last.style in ("'", '"') else None
        if node.flow_style:
            text = render_scalar(item, quote=quote, flow=True) if _is_scalar(item) else render_flow(item)
            return [_Edit(last.end_mark.index, last.end_mark.index, ", " + text)]
        dash = self._dash_column(last)
        if dash is None:
            raise EditRefused(f"cannot find the list layout of {format_path(path)}")
        at = self._line_end(self._content_end(node))
        lines = render_items([item], dash, self.format, quote=quote)
        return [_Edit(at, at, self._nl() + self._lines(lines), depth=dash + 1)]

    def _plan_rename(self, path: Path, new_key: str) -> list[_Edit]:
        loc = self._locate(path)
        assert loc is not None and loc.key_node is not None
        k = loc.key_node
        quote = k.style if k.style in ("'", '"') else None
        self._pending_keys.add((id(loc.chain[-1]), new_key))  # the new name exists only after a commit
        return [_Edit(k.start_mark.index, k.end_mark.index, render_scalar(new_key, quote=quote))]


def _tidy_blank_lines(text: str, cuts: list[int]) -> str:
    """Where deleting lines (several deletions side by side) left a blank line on both sides of the cut,
    drop one of them: the file keeps the spacing it had around the deleted block."""
    for cut in reversed(cuts):
        if not (0 < cut < len(text)):
            continue
        before = text.rfind("\n", 0, cut - 1)
        line_before = text[before + 1 : cut].strip("\r\n")
        end = text.find("\n", cut)
        line_at = text[cut : end if end >= 0 else len(text)].strip("\r")
        if line_before.strip() == "" and line_at.strip() == "" and before >= 0 and end >= 0:
            text = text[:cut] + text[end + 1 :]
    return text


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


def _get(data: Any, path: Path) -> Any:
    cur = data
    for part in path:
        if isinstance(cur, dict):
            if part not in cur:
                return MISSING
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int):
            if not -len(cur) <= part < len(cur):
                return MISSING
            cur = cur[part]
        else:
            return MISSING
    return cur


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _set_in(container: Any, key: Any, value: Any) -> None:
    container[key] = value


def _del_in(container: Any, key: Any) -> None:
    del container[key]


def apply_change(data: Any, change: Change) -> None:
    """Apply a declared change to parsed data (creating missing parent mappings)."""
    *parents, last = change.path
    cur = data
    for part in parents:
        nxt = cur[part] if (isinstance(cur, dict) and part in cur) or isinstance(cur, list) else None
        if nxt is None:
            nxt = {}
            cur[part] = nxt
        cur = nxt
    if change.new is MISSING:
        if isinstance(cur, dict):
            cur.pop(last, None)
        elif isinstance(cur, list) and isinstance(last, int) and -len(cur) <= last < len(cur):
            del cur[last]
    else:
        cur[last] = copy.deepcopy(change.new)
