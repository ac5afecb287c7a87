"""Planning span edits: how the Document turns `set`/`delete`/`append`/`rename` into text replacements.

Every edit is a replacement of a span of the current text (`Edit`), planned against the node tree
and queued; `commit()` applies the queued edits in one pass. An edit that would overlap a queued
one, or that needs a node a queued edit creates, raises `NeedsCommit`: the queue is committed and
the edit planned again on the new tree. `EditPlanner` is the planning half of `Document` (it uses
the Document's node locating: `_locate`, `_content_end`, `_dash_column`, `_colon_end`, `_ix`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from autofix.changes import MISSING, Path, copy_data, del_in, format_path, get_in, identical, set_in
from autofix.errors import EditRefused
from autofix.loader import STR_TAG, walk
from autofix.render import (
    flow_text,
    is_scalar,
    render_entry,
    render_flow,
    render_inline,
    render_items,
    render_scalar,
)

if TYPE_CHECKING:
    from autofix.document import _Located


@dataclass
class Edit:
    start: int
    end: int
    text: str
    seq: int = 0
    depth: int = 0  # for insertions at one offset: the deeper one goes first (see `insertion_depth`)


@dataclass
class Created:
    """A mapping that a queued edit adds: later keys for it extend that edit instead of a new one."""

    edit: Edit
    value: dict
    render: Any


# An edit that fills or replaces a value goes before any insertion at the same offset (an empty
# `key:` at the end of a mapping ends where the next key would be inserted).
VALUE_FIRST = 1 << 30


_COMMENTED_KEY = re.compile(r"#+\s*-?\s*([A-Za-z_][\w.-]*)\s*:(?:\s|$)")


def _comments_out_another_key(line: str, key: Any) -> bool:
    """Is this comment line a commented-out setting of a key other than `key` (`# request_timeout: 120`
    above `stream_timeout`)? Such a line describes nothing of the key below it and stays when it goes."""
    match = _COMMENTED_KEY.match(line.lstrip())
    return match is not None and match.group(1) != str(key)


def insertion_depth(level: int, column: int) -> int:
    """The order of insertions that share an offset: the structure nested deeper goes first.

    Several structures can end at one offset (a list that is the last value of a mapping that is
    the last value of a section); an item for the inner one must land before a key for the outer
    one, whatever order the fixes ran in. `level` is the nesting level of what is inserted (the
    length of its path), the column breaks ties (a sequence written at its key's indentation,
    `key:\n- item`, is still one level deeper than the key).
    """
    return level * 4096 + column + 1


class CannotMoveText(Exception):
    """Raised by `_plan_move` when a key's text cannot be moved as it is: it is deleted and set anew."""


class NeedsCommit(Exception):
    """Raised inside planning when queued edits must be applied before this edit can be planned."""


class EditPlanner:
    """The planning half of the Document: queue span edits, apply them with `commit()`."""

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

    def _do(self, plan) -> None:
        try:
            edits = plan()
            if self._conflicts(edits):
                raise NeedsCommit
        except NeedsCommit:
            self.commit()
            edits = plan()
        for e in edits:
            self._seq += 1
            e.seq = self._seq
            self._pending.append(e)
            bisect.insort(self._spans, (e.start, e.end))
            if e.end > e.start:
                bisect.insort(self._filled, (e.start, e.end))

    def _conflicts(self, edits: list[Edit]) -> bool:
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

    def _plan_set(self, path: Path, value: Any) -> list[Edit]:
        if not path:
            raise EditRefused("cannot replace the whole config")
        if self._find_created(path[:-1]) is not None:
            return self._plan_add(path[:-1], path[-1], value)
        parent: list[_Located] = []
        loc = self._locate(path, parent_on_miss=parent)
        if loc is None:
            return self._plan_add(path[:-1], path[-1], value, located=parent[0] if parent else None)
        node = loc.node
        if not isinstance(node, ScalarNode):
            self._refuse_shared_inside(path, node)
        parent = loc.chain[-1]
        if parent.flow_style:
            return self._plan_rewrite_flow(path[:-1], lambda c: set_in(c, path[-1], value))
        if isinstance(node, ScalarNode) and is_scalar(value) and node.style not in ("|", ">"):
            quote = node.style if node.style in ("'", '"') and isinstance(value, str) else None
            text = render_scalar(value, quote=quote, flow=bool(parent.flow_style))
            if node.start_mark.index == node.end_mark.index:  # `key:` with nothing after it
                text = " " + text
            return [Edit(node.start_mark.index, node.end_mark.index, text, depth=VALUE_FIRST)]
        if (
            isinstance(node, MappingNode | SequenceNode)
            and node.flow_style
            and (node.value or is_scalar(value))
        ):
            current = get_in(self.data, path)
            if (isinstance(node, MappingNode) and isinstance(value, dict) and isinstance(current, dict)) or (
                isinstance(node, SequenceNode) and isinstance(value, list) and isinstance(current, list)
            ):  # keep the text of what did not change
                return [
                    Edit(
                        node.start_mark.index, node.end_mark.index, flow_text(self.text, node, current, value)
                    )
                ]
            inline = render_inline(value)
            return [Edit(node.start_mark.index, node.end_mark.index, inline or render_flow(value))]
        # replace the whole value after the key's colon (or the whole item after its dash)
        if loc.key_node is not None:
            start = self._colon_end(loc.key_node)
            indent = self._key_column(loc.key_node)
            rendered = render_entry("k", value, indent, self.format)
            first = rendered[0][indent + 2 :]  # after "k:"
            rest = self._nl() + self._lines(rendered[1:]) if len(rendered) > 1 else ""
            end = self._content_end(node)
            line_end = self._ix.line_end(start)
            if end > line_end and self.text[end : self._ix.line_end(end)].lstrip().startswith("#"):
                end = self._ix.line_end(
                    end
                )  # the last line's comment is on what is replaced: it goes with it
            if end > line_end and self.text[start:line_end].strip().startswith("#"):
                # `key:  # why` over a block: the comment stays on the key's line
                edits = [Edit(line_end, end, rest, depth=VALUE_FIRST)]
                if first:
                    edits.insert(0, Edit(start, start, first, depth=VALUE_FIRST))
                return edits
            after = self._ix.line_end(end)
            if not first and "#" in self.text[end:after]:
                # `key: {}  # why` becoming a block: the comment stays on the key's line
                return [Edit(start, end, "", depth=VALUE_FIRST), Edit(after, after, rest, depth=VALUE_FIRST)]
            text = first + rest
        else:
            start = node.start_mark.index
            dash = self._dash_column(node) or 0
            rendered = render_items([value], dash, self.format)
            text = rendered[0][dash + 2 :]
            if len(rendered) > 1:
                text += self._nl() + self._lines(rendered[1:])
            end = self._content_end(node)
        return [Edit(start, end, text, depth=VALUE_FIRST)]

    def _refuse_shared_inside(self, path: Path, node: Node) -> None:
        """An edit that removes or replaces `node` must not take an anchor that is used elsewhere."""
        shared = self._shared
        if not shared:
            return
        for inner in walk(node):
            if id(inner) in shared:
                raise EditRefused(
                    f"{format_path(path)} holds a node shared through an anchor (&name) used elsewhere; "
                    "removing or replacing it would break that alias: edit it by hand",
                    line=inner.start_mark.line + 1,
                )

    def _key_column(self, key: Node) -> int:
        return key.start_mark.column

    def _find_created(self, path: Path) -> tuple[Path, Created] | None:
        for i in range(len(path), 0, -1):
            created = self._created.get(path[:i])
            if created is not None:
                return path[:i], created
        return None

    def _plan_add(self, parent: Path, key: Any, value: Any, located: _Located | None = None) -> list[Edit]:
        """Add `key` to the mapping at `parent` (`located`: that mapping's location, when known)."""
        found = self._find_created(parent)
        if found is not None:  # the mapping is new in a queued edit: extend that edit
            root, created = found
            tree = created.value
            for part in parent[len(root) :]:
                tree = tree.setdefault(part, {})
                if not isinstance(tree, dict):
                    raise NeedsCommit
            tree[key] = copy_data(value)
            created.edit.text = created.render(created.value)
            return []
        loc = located if located is not None else self._locate(parent)
        if loc is None:
            if not parent:
                raise EditRefused("the config has no top-level mapping")
            return self._plan_add(parent[:-1], parent[-1], {key: value})
        node = loc.node
        if isinstance(node, ScalarNode):
            if node.value in ("", "~", "null", "Null", "NULL") and node.tag != STR_TAG:
                return self._plan_set(parent, {key: value})
            raise EditRefused(f"{format_path(parent)} is not a mapping", line=node.start_mark.line + 1)
        if not isinstance(node, MappingNode):
            raise EditRefused(f"{format_path(parent)} is not a mapping", line=node.start_mark.line + 1)
        if id(node) in self._dirty:
            raise NeedsCommit
        if not node.value and loc.key_node is not None:  # `section: {}` becomes a block mapping
            return self._plan_set(parent, {key: value})
        if node.flow_style or not node.value:
            return self._plan_rewrite_flow(parent, lambda c: set_in(c, key, value))
        self._pending_keys.add((id(node), key))
        at, indent, prefix = self._end_of(node)

        nl, fmt = self._nl(), self.format  # not `self`: a Created kept on the Document would be a cycle

        def render(v: Any) -> str:
            return prefix + nl.join(render_entry(key, v, indent, fmt))

        edit = Edit(at, at, render(value), depth=insertion_depth(len(parent) + 1, indent))
        if isinstance(value, dict):
            self._created[(*parent, key)] = Created(edit, copy_data(value), render)
        return [edit]

    def _block_with_keys(self, node: Node) -> bool:
        """A block mapping with keys and no queued edit that adds or removes one: lines can be pasted in."""
        return (
            isinstance(node, MappingNode)
            and not node.flow_style
            and bool(node.value)
            and id(node) not in self._dirty
        )

    def _end_of(self, node: MappingNode, cut: tuple[int, int] | None = None) -> tuple[int, int, str]:
        """Where a new key goes in the block mapping `node`: (offset, the keys' column, the text before
        it: a line break, and a blank line too for a new section where the file sets sections apart).

        When the mapping's last lines are cut (by a queued deletion, or `cut`, the lines a move takes
        away), the key goes where it would go once they are gone: below what is left of the mapping."""
        indent = node.value[0][0].start_mark.column
        end = self._content_end(node)
        if cut is not None and cut[0] < end < cut[1]:
            end = self._content_end_before(node, cut[0])
            if end is None:
                raise CannotMoveText
        else:
            cut = self._queued_cut(end)
            kept = self._content_end_before(node, cut[0]) if cut is not None else None
            if kept is None:  # not cut, or not at an entry boundary: a queued cut is committed first
                cut = None
            else:
                end = kept
        at = self._below_comment_tail(self._ix.line_end(end), indent, cut)
        prefix = self._nl()
        if node is self.root and self.format.blank_between_sections:
            prefix += self._nl()
        return at, indent, prefix

    def _queued_cut(self, offset: int) -> tuple[int, int] | None:
        """The queued deletion of whole lines [start, end) that holds `offset`, if any."""
        k = bisect.bisect_left(self._filled, (offset, -1)) - 1
        if k < 0 or not self._filled[k][0] < offset < self._filled[k][1]:
            return None
        start, end = self._filled[k]
        text = self.text
        whole_lines = (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end - 1] == "\n")
        if whole_lines and any(e.start == start and e.end == end and not e.text for e in self._pending):
            return start, end
        return None

    def _content_end_before(self, node: Node, cut: int) -> int | None:
        """`_content_end(node)` in the text without the lines from `cut` on: the end of the last node
        of `node` that starts before them (None when the cut does not fall between its entries)."""
        while True:
            end = self._content_end(node)
            if end <= cut:
                return end
            if isinstance(node, ScalarNode) or node.flow_style or not node.value:
                return None
            if isinstance(node, MappingNode):
                kept = [(k, v) for k, v in node.value if k.start_mark.index < cut]
                if not kept:
                    return None
                k, v = kept[-1]
                if v.start_mark.index < k.end_mark.index or v.start_mark.index >= cut:
                    return None  # an alias, or a key whose value is cut away
                node = v
            else:
                items = [item for item in node.value if item.start_mark.index < cut]
                if not items:
                    return None
                node = items[-1]

    def _below_comment_tail(self, at: int, indent: int, cut: tuple[int, int] | None = None) -> int:
        """Where a key at `indent` goes after the mapping content ending on the line of `at`: below the
        comments indented deeper than the key that follow (they belong to the last entry's value, often
        a commented-out setting of it: uncommented later, it must not nest under the new key), even
        after blank lines; above a comment at the key's own indentation or less, and above blank lines
        that end the mapping. The lines of `cut` (start, end), about to be deleted, are passed over."""
        ix = self._ix
        line = ix.line_of(at) + 1
        best = at
        while line < len(ix):
            if cut is not None and cut[0] <= ix.start(line) < cut[1]:
                line = ix.line_of(cut[1]) if cut[1] < len(self.text) else len(ix)
                continue
            text = ix.line_text(line)
            stripped = text.lstrip(" ")
            if not stripped:
                line += 1
                continue
            if not stripped.startswith("#") or len(text) - len(stripped) <= indent:
                break
            best = ix.line_end(ix.start(line))
            line += 1
        return best

    def _plan_move(self, src: Path, dst: Path, value: Any) -> list[Edit]:
        """Cut the lines of the key at `src` (with its comments) and paste them, re-indented, as `dst`."""
        loc = self._locate(src)
        if loc is None or loc.key_node is None or src[-1] != dst[-1] or dst[:-1] == src[:-1]:
            raise CannotMoveText
        parent = loc.chain[-1]
        if not isinstance(parent, MappingNode) or parent.flow_style:
            raise CannotMoveText
        if (
            len(parent.value) == 1
        ):  # the only key: its mapping becomes `{}`, keeping the comment on its key line
            holder = self._locate(src[:-1]) if len(src) > 1 else None
            if holder is None or holder.key_node is None or get_in(self.data, src[:-1]) != {src[-1]: value}:
                raise CannotMoveText
            self._dirty.add(id(parent))
            cut = self._plan_set(src[:-1], {})
            start = self._ix.next_line_start(self._colon_end(holder.key_node))
            end = self._ix.next_line_start(self._ix.line_end(self._content_end(parent)))
        else:
            cut = self._plan_delete(src)
            if len(cut) != 1 or cut[0].text or self._ix.line_start(cut[0].start) != cut[0].start:
                raise CannotMoveText
            start, end = cut[0].start, cut[0].end
        column = loc.key_node.start_mark.column
        lines = self.text[start:end].splitlines()
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        body = "\n".join(line for line in lines if not line.lstrip(" ").startswith("#"))
        if not lines or "&" in body or "*" in body or "\t" in body:
            raise CannotMoveText  # anchors and aliases must keep their order; tabs their meaning
        # a comment left of the key's column goes to the key's column; a content line there cannot move
        lines = [
            " " * column + line.lstrip(" ")
            if line.lstrip(" ").startswith("#") and len(line) - len(line.lstrip(" ")) < column
            else line
            for line in lines
        ]
        if any(line.strip() and len(line) - len(line.lstrip(" ")) < column for line in lines):
            raise CannotMoveText

        def block(indent: int) -> str:
            return self._lines([" " * indent + line[column:] if line.strip() else "" for line in lines])

        target = dst[:-1]
        if self._find_created(target) is not None:
            raise CannotMoveText
        tloc = self._locate(target)
        if tloc is not None:
            node = tloc.node
            if not self._block_with_keys(node):
                raise CannotMoveText
            at, indent, prefix = self._end_of(node, cut=(start, end))
            self._pending_keys.add((id(node), dst[-1]))
            return [
                *cut,
                Edit(at, at, prefix + block(indent), depth=insertion_depth(len(target) + 1, indent)),
            ]
        # the parent is missing: create it in the mapping above it, holding the moved lines
        gloc = self._locate(target[:-1]) if target else None
        if gloc is None or not target:
            raise CannotMoveText
        grand = gloc.node
        if not self._block_with_keys(grand):
            raise CannotMoveText
        at, indent, prefix = self._end_of(grand, cut=(start, end))
        header = prefix + " " * indent + render_scalar(target[-1]) + ":"
        head = header + self._nl() + block(indent + self.format.step)
        moved, step = dst[-1], indent + self.format.step

        nl, fmt = self._nl(), self.format  # not `self`: a Created kept on the Document would be a cycle

        def render(v: Any) -> str:
            if not identical(v.get(moved, MISSING), value):  # a later edit changed the moved value itself
                return (
                    header
                    + nl
                    + nl.join(line for k, sub in v.items() for line in render_entry(k, sub, step, fmt))
                )
            rest = [line for k, sub in v.items() if k != moved for line in render_entry(k, sub, step, fmt)]
            return head + (nl + nl.join(rest) if rest else "")

        edit = Edit(at, at, head, depth=insertion_depth(len(target), indent))
        self._pending_keys.add((id(grand), target[-1]))
        self._created[target] = Created(edit, {moved: copy_data(value)}, render)
        return [*cut, edit]

    def _plan_rewrite_flow(self, path: Path, mutate) -> list[Edit]:
        current = self.get(path)
        new = copy_data(current) if current is not None else {}
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
        return [Edit(node.start_mark.index, node.end_mark.index, flow_text(self.text, node, current, new))]

    def _plan_delete(self, path: Path) -> list[Edit]:
        loc = self._locate(path)
        if loc is None:
            if self._pending and get_in(self.data, path) is not MISSING:
                raise NeedsCommit  # it exists only in a queued edit: delete it from the text that has it
            return []
        self._refuse_shared_inside(path, loc.node)
        parent = loc.chain[-1]
        if parent.flow_style:
            return self._plan_delete_flow(path, parent, loc)
        if isinstance(parent, SequenceNode):
            self._dirty.add(id(parent))
        siblings = get_in(self.data, path[:-1])
        if len(parent.value) == 1 and isinstance(siblings, dict | list) and len(siblings) > 1:
            raise NeedsCommit  # a queued edit adds a sibling: delete from the text that has it
        if isinstance(parent, MappingNode):
            if len(parent.value) == 1:
                self._dirty.add(id(parent))  # emptied: a key added to it must wait for this edit
                if parent is self.root:
                    return [Edit(0, len(self.text), "{}" + self._nl())]
                return self._plan_set(path[:-1], {})
            start_node = loc.key_node
        else:
            if len(parent.value) == 1:
                return self._plan_set(path[:-1], [])
            start_node = loc.node
        assert start_node is not None
        kstart = start_node.start_mark.index
        line_start = self._ix.line_start(kstart)
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
            return [Edit(kstart, nxt.start_mark.index, "")]
        column = kstart - line_start
        first = self._ix.line_of(kstart)
        while first > 0:
            above = self._ix.line_text(first - 1)
            if (
                above.lstrip().startswith("#")
                and len(above) - len(above.lstrip()) == column
                and not _comments_out_another_key(above, path[-1])
            ):
                first -= 1
            else:
                break
        start = self._ix.starts[first]
        end = self._ix.next_line_start(self._content_end(loc.node))
        last = self._ix.line_of(end) if end < len(self.text) else len(self._ix)
        # the comments indented deeper than the key that follow belong to its value, even after a blank line
        probe = last
        while probe < len(self._ix):
            below = self._ix.line_text(probe)
            if not below.strip():
                probe += 1
            elif below.lstrip().startswith("#") and len(below) - len(below.lstrip()) > column:
                probe += 1
                last = probe
            else:
                break
        end = self._ix.start(last)
        # keep the spacing tidy: do not leave two blank lines where there was one, nor one at the top
        before_blank = first == 0 or not self._ix.line_text(first - 1).strip()
        if before_blank:
            if last < len(self._ix) and not self._ix.line_text(last).strip():
                end = self._ix.start(last + 1)
            elif end >= len(self.text) and first > 0:
                start = self._ix.starts[first - 1]
        if end >= len(self.text) and start > 0 and not self.text.endswith(("\n", "\r")):
            # deleting the last line of a file with no final newline: drop the break before it instead
            start = self._ix.line_end(start - 1)
        return [Edit(start, end, "")]

    def _plan_delete_flow(self, path: Path, parent: Node, loc: _Located) -> list[Edit]:
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
            get_in(self.data, path[:-1]) or ()
        ):
            return self._plan_rewrite_flow(path[:-1], lambda c: del_in(c, path[-1]))
        if n == 1:
            return [
                Edit(
                    parent.start_mark.index,
                    parent.end_mark.index,
                    "[]" if isinstance(parent, SequenceNode) else "{}",
                )
            ]
        if i + 1 < n:
            return [Edit(starts[i], starts[i + 1], "")]
        return [Edit(ends[i - 1], ends[i], "")]

    def _plan_append(self, path: Path, item: Any) -> list[Edit]:
        if self._find_created(path[:-1]) is not None:  # a list in a mapping a queued edit creates
            return self._plan_add(path[:-1], path[-1], [*self.get(path), item])
        loc = self._locate(path)
        assert loc is not None
        node = loc.node
        if not isinstance(node, SequenceNode) or not node.value:
            if self._pending:
                raise NeedsCommit  # the list is what a queued edit wrote
            return self._plan_set(path, [*self.get(path), item])
        self._dirty.add(id(node))
        last = node.value[-1]
        quote = last.style if isinstance(last, ScalarNode) and last.style in ("'", '"') else None
        if node.flow_style:
            text = render_scalar(item, quote=quote, flow=True) if is_scalar(item) else render_flow(item)
            return [Edit(last.end_mark.index, last.end_mark.index, ", " + text)]
        dash = self._dash_column(last)
        if dash is None:
            raise EditRefused(f"cannot find the list layout of {format_path(path)}")
        at = self._ix.line_end(self._content_end(node))
        lines = render_items([item], dash, self.format, quote=quote)
        return [Edit(at, at, self._nl() + self._lines(lines), depth=insertion_depth(len(path) + 1, dash))]

    def _plan_rename(self, path: Path, new_key: str) -> list[Edit]:
        loc = self._locate(path)
        assert loc is not None and loc.key_node is not None
        k = loc.key_node
        quote = k.style if k.style in ("'", '"') else None
        self._pending_keys.add((id(loc.chain[-1]), new_key))  # the new name exists only after a commit
        return [Edit(k.start_mark.index, k.end_mark.index, render_scalar(new_key, quote=quote))]


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
