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

The other rooms: `autofix.changes` (paths, `Change`, `MISSING`), `autofix.loader` (reading untrusted
YAML and its guards), `autofix.render` (new YAML in the file's `Format`), `autofix.planning` (turning
an edit into spans of text and applying them) and `autofix.textindex` (offsets ↔ lines).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from autofix.changes import MISSING, Change, Path, apply_change, copy_data, format_path, get_in, same_value
from autofix.errors import EditRefused, InputError, VerificationError
from autofix.loader import MERGE_TAG, decode, parse, parse_tree, scalar_key
from autofix.planning import CannotMoveText, Created, Edit, EditPlanner, NeedsCommit
from autofix.render import Format, render_flow, render_inline
from autofix.textindex import TextIndex


@dataclass
class _Located:
    node: Node  # the value node at the path
    chain: list[Node] = field(default_factory=list)  # containers from the root down to the parent
    key_node: Node | None = None  # the key node when the parent is a mapping
    index: int = -1  # position in the parent's value list


class Document(EditPlanner):
    """A config being fixed. Read with `get`/`exists`/`line`; edit with `set`/`delete`/`append`/`rename`."""

    def __init__(self, text: str, *, bom: bool = False, name: str = "<input>"):
        self.name = name
        self.bom = bom
        self.original_text = text
        self.text = text
        self.changes: list[Change] = []
        self.migration = ""  # set by the runner: the migration whose edits are being recorded
        self._pending: list[Edit] = []
        self._pending_keys: set[tuple[int, Any]] = set()
        self._dirty: set[int] = set()  # sequences whose items a queued edit adds or removes
        self._spans: list[tuple[int, int]] = []  # (start, end) of the queued edits, sorted
        self._filled: list[tuple[int, int]] = []  # the same, without pure insertions
        self._created: dict[Path, Created] = {}
        self._seq = 0
        self._stale = False
        nodes: list[MappingNode] = []
        self._parse(untrusted=True, found=nodes)
        self.format = self._detect_format(nodes)

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

    def _parse(self, untrusted: bool = False, with_data: bool = True, found: list | None = None) -> None:
        """Parse the text. Without data (mid-run, when only the tree is needed) the edited data is kept.
        `found` (untrusted): filled with the mapping nodes, in document order."""
        if with_data:
            self._root, self.data = parse(self.text, untrusted=untrusted, found=found)
            self._data_from_text = True
        else:
            self._root = parse_tree(self.text)
        self._ix_text = self.text  # indexed on first use: many parses never ask for a line
        self._ix_cache: TextIndex | None = None
        self._entries_cache: dict[int, dict[Any, int]] = {}
        self._sharing: tuple[set[int], set[int]] | None = None

    @property
    def _ix(self) -> TextIndex:
        """Offsets ↔ lines of the text as last parsed."""
        if self._ix_cache is None:
            self._ix_cache = TextIndex(self._ix_text)
        return self._ix_cache

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
                    if k.tag == MERGE_TAG:
                        merging.add(id(node))
            elif isinstance(node, SequenceNode):
                stack.extend(node.value)
        self._sharing = ({nid for nid, n in counts.items() if n > 1}, merging)
        return self._sharing

    def _detect_format(self, nodes: list[MappingNode]) -> Format:
        """The file's style, from its mapping nodes (`loader.mappings(self.root)`)."""
        newline = (
            "\r\n" if "\r\n" in self.text else "\r" if "\r" in self.text and "\n" not in self.text else "\n"
        )
        fmt = Format(newline=newline)
        steps: Counter[int] = Counter()
        offsets: Counter[int] = Counter()
        for node in nodes:
            if node.flow_style:
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
                while line >= 0 and self._ix.line_text(line).lstrip().startswith("#"):
                    line -= 1
                if line >= 0 and not self._ix.line_text(line).strip():
                    blanks += 1
            fmt.blank_between_sections = blanks * 2 >= len(self.root.value) - 1
        return fmt

    def _dash_column(self, item: Node) -> int | None:
        start = item.start_mark.index
        if item.start_mark.index < 0:
            return None
        ls = self._ix.line_start(start)
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
                if k.tag != MERGE_TAG:
                    cached[scalar_key(k)] = i
            self._entries_cache[id(node)] = cached
        return cached

    def _locate(
        self, path: Path, *, for_edit: bool = True, parent_on_miss: list[_Located] | None = None
    ) -> _Located | None:
        """The node at `path` (None when it is not in the tree). `parent_on_miss`: when only the last
        key is missing, the parent's location is appended to it (what `_locate(path[:-1])` returns)."""
        node: Node = self.root
        chain: list[Node] = []  # the containers passed, from the root down
        key_node: Node | None = None
        index = -1
        cache = self._entries_cache
        for depth, part in enumerate(path):
            if isinstance(node, MappingNode):
                entries = cache.get(id(node))
                if entries is None:
                    entries = self._entries(node)
                if part not in entries:
                    if (id(node), part) in self._pending_keys:
                        raise NeedsCommit
                    if (
                        for_edit
                        and id(node) in self._merging
                        and get_in(self.data, path[: depth + 1]) is not MISSING
                    ):
                        raise EditRefused(
                            f"{format_path(path[: depth + 1])} comes from a merge key (<<: *anchor); "
                            "edit the anchored mapping by hand",
                            line=node.start_mark.line + 1,
                        )
                    if parent_on_miss is not None and depth == len(path) - 1:
                        parent = _Located(node, chain, key_node, index)
                        if for_edit:
                            self._refuse_shared(path[:-1], parent)
                        parent_on_miss.append(parent)
                    return None
                index = entries[part]
                key_node, child = node.value[index]
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if id(node) in self._dirty:  # indices moved under a queued edit
                    raise NeedsCommit
                if not -len(node.value) <= part < len(node.value):
                    return None
                index = part % len(node.value)
                key_node, child = None, node.value[index]
            else:
                return None
            chain.append(node)
            node = child
        loc = _Located(node, chain, key_node, index)
        if for_edit:
            self._refuse_shared(path, loc)
        return loc

    def _refuse_shared(self, path: Path, loc: _Located) -> None:
        shared = self._shared
        if shared:
            for n in [*loc.chain[1:], loc.node]:
                if id(n) in shared:
                    raise EditRefused(
                        f"{format_path(path)} is inside a node shared through an anchor (&name/*name); "
                        "changing it would change every place that uses it: edit it by hand",
                        line=n.start_mark.line + 1,
                    )

    # ---- reading ---------------------------------------------------------------------------------

    def get(self, path: Path, default: Any = MISSING) -> Any:
        """The value at `path` as LiteLLM reads it (as of the last commit)."""
        value = get_in(self.data, path)
        return default if value is MISSING else value

    def exists(self, path: Path) -> bool:
        return get_in(self.data, path) is not MISSING

    def line(self, path: Path) -> int | None:
        """1-based line of the key (or item) at `path`, or of the nearest existing parent."""
        while True:
            try:
                loc = self._locate(path, for_edit=False)
            except NeedsCommit:
                loc = None
            if loc is not None:
                node = loc.key_node or loc.node
                return node.start_mark.line + 1
            if not path:
                return None
            path = path[:-1]

    def new_section_line(self) -> int | None:
        """1-based line below which a new top-level section goes: the last line of the existing
        sections, with the comments indented under the last one (None for a file without sections)."""
        try:
            loc = self._locate((), for_edit=False)
        except NeedsCommit:
            return None
        root = loc.node if loc is not None else None
        if not isinstance(root, MappingNode) or root.flow_style or not root.value:
            return None
        at = self._below_comment_tail(self._ix.line_end(self._content_end(root)), 0)
        return self._ix.line_of(at) + 1

    # ---- editing ---------------------------------------------------------------------------------

    def source_lines(self, path: Path) -> tuple[list[str], int | None]:
        """The lines of the text as last parsed (where `line` points) and the line of `path` in them."""
        first = self.line(path)  # first: it may parse the text again
        return self.text.splitlines(), first

    def set(self, path: Path, value: Any) -> bool:
        """Set the value at `path` (creating missing parents). Returns False when it already had it."""
        old = self.get(path)
        if old is not MISSING and same_value(old, value):
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

    def move(self, src: Path, dst: Path) -> bool:
        """Move the key at `src` to the key `dst` of another mapping, with the text of its value and the
        comments that belong to it (the block above it, its inline comment, those inside and below its
        value), re-indented to the new place. A missing parent of `dst` is created. Where the layout
        does not allow moving the text (flow style, anchors, a queued edit in the way, another key
        name), the key is deleted and set anew, which loses its comments."""
        if not self.exists(src):
            return False
        if self.exists(dst):
            raise EditRefused(
                f"cannot move {format_path(src)}: {format_path(dst)} exists already", line=self.line(src)
            )
        value = self.get(src)
        try:
            self._do(lambda: self._plan_move(src, dst, value))
        except CannotMoveText:
            self.delete(src)
            self.set(dst, value)
            return True
        self._record(src, value, MISSING)
        self._record(dst, MISSING, value)
        return True

    def append(self, path: Path, item: Any) -> bool:
        """Append `item` to the list at `path` unless it is already there.

        A missing or null value becomes `[item]`; a single string becomes `[string, item]`.
        """
        current = self.get(path)
        if isinstance(current, list):
            if any(same_value(x, item) for x in current):
                return False
            if not current:
                return self.set(path, [item])
            self._do(lambda: self._plan_append(path, item))
            self._record(path, current, [*current, item])
            return True
        if current is MISSING or current is None:
            return self.set(path, [item])
        if isinstance(current, str):
            if same_value(current, item):
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
        idx = [i for i, x in enumerate(current) if same_value(x, item)]
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
        except NeedsCommit:
            self.commit()
            loc = self._locate(path)
        node = loc.node if loc else None
        if not isinstance(node, MappingNode) or node.flow_style or not node.value:
            return False
        for k, v in node.value:
            one_line = v.start_mark.line == k.start_mark.line and v.end_mark.line == k.start_mark.line
            if k.tag == MERGE_TAG or not one_line or (isinstance(v, ScalarNode) and v.style in ("|", ">")):
                return False
            if self.text[self._ix.line_start(k.start_mark.index) : k.start_mark.index].strip():
                return False

        def plan() -> list[Edit]:
            found = self._locate(path)
            assert found is not None
            edits = []
            for (k, v), item in zip(found.node.value, items, strict=True):
                new = item[next(iter(item))]
                edits.append(Edit(k.start_mark.index, k.start_mark.index, "- "))
                if not same_value(self.get((*path, scalar_key(k))), new):
                    text = render_inline(new) or render_flow(new)
                    if v.start_mark.index == v.end_mark.index:
                        text = " " + text
                    edits.append(Edit(v.start_mark.index, v.end_mark.index, text))
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
        change = Change(tuple(path), copy_data(old), copy_data(new), self.migration)
        self.changes.append(change)
        self._data_from_text = False
        apply_change(self.data, change)  # reads see the edit at once; commit() re-reads the text

    def checkpoint(self) -> tuple:
        """A point to come back to with `restore` (cheap: nothing is committed)."""
        return (
            self.text,
            [Edit(e.start, e.end, e.text, e.seq, e.depth) for e in self._pending],
            set(self._pending_keys),
            len(self.changes),
        )

    def restore(self, checkpoint: tuple) -> None:
        """Go back to a checkpoint: its text and queued edits, and only the changes recorded before it."""
        text, pending, keys, n = checkpoint
        self.text = text
        self._pending = [Edit(e.start, e.end, e.text, e.seq, e.depth) for e in pending]
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
