"""Rendering new YAML in the file's own style, through ruamel.yaml's emitter.

The text a fix adds (a key, a section, a list item) is emitted by ruamel.yaml with the file's
indentation step and sequence offset (`Format`, detected by the Document); ruamel decides quoting and
escaping. Its resolver is PyYAML's (YAML 1.1, what LiteLLM reads), so a plain scalar is written only
when PyYAML reads back the value meant: words such as `yes`, `on`, `0644` or `12:30` are quoted and
stay strings. A string is also quoted when it is not a plain name, path or URL (spaces, commas, `=`),
always with double quotes, unless `quote` asks for a neighbour's style. Mappings are written in
block style, lists of scalars in flow style (`[a, b]`), empty collections as `{}` / `[]`.

`flow_text` rewrites a flow collection (`{a: 1}`, `[a, b]`) a fix changes, keeping the source text of
every entry it did not change.

ruamel.yaml is imported on first use (commands that render nothing never load it), and a rendering
is remembered by the text of its value: a fix that sets one value on 10,000 deployments emits once.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from autofix.changes import identical
from autofix.loader import STR_TAG, scalar_key

_NULL_TAG = "tag:yaml.org,2002:null"
# A string is written plain only when it looks like a name, a path or a URL (and PyYAML reads it back
# as that string); anything else (spaces, commas, `=`, `#`...) is quoted, though YAML may allow it plain.
_PLAIN = re.compile(r"[A-Za-z0-9_/][A-Za-z0-9_./@+-]*(?::[A-Za-z0-9_./@+-]+)*")
_CACHE_SIZE = 4096


@dataclass
class Format:
    """What the file looks like, so new YAML matches it."""

    newline: str = "\n"
    step: int = 2  # indentation of a nested mapping relative to its key
    seq_offset: int = 2  # column of a block sequence's dash relative to its key
    blank_between_sections: bool = False


def is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def render_scalar(value: Any, quote: str | None = None, flow: bool = False) -> str:
    """A scalar as PyYAML reads it back identically; `quote` keeps a neighbour's quoting style."""
    if not is_scalar(value):
        raise TypeError(f"cannot render {type(value).__name__} as a YAML scalar")
    if flow:
        return _render("seq", [value], quote, flow=True)[0][1:-1]  # inside "[...]"
    return _render("value", value, quote)[0]


def render_flow(value: Any) -> str:
    """A value on one line in flow style (`{a: 1, b: [x, y]}`)."""
    return _render("value", value, None, flow=True)[0]


def render_inline(value: Any) -> str | None:
    """The one-line form of a value when it has one worth using (scalars, lists of scalars, empties)."""
    if is_scalar(value):
        return render_scalar(value)
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    if isinstance(value, list) and all(is_scalar(v) for v in value):
        return render_flow(value)
    return None


def render_entry(key: Any, value: Any, indent: int, fmt: Format) -> list[str]:
    """Lines (without newlines) of `key: value` in block style at column `indent`."""
    pad = " " * indent
    return [pad + line for line in _render("entry", {key: value}, None, fmt=fmt)]


def render_items(items: list[Any], dash_col: int, fmt: Format, quote: str | None = None) -> list[str]:
    """Lines of the block sequence items `- item` with their dash at column `dash_col`."""
    pad = " " * dash_col
    return [pad + line for line in _render("items", items, quote, fmt=fmt)]


# ---- the emitter -------------------------------------------------------------------------------------

_cache: dict[tuple, tuple[str, ...]] = {}
_DEFAULT = Format()


def _render(
    kind: str, value: Any, quote: str | None, *, flow: bool = False, fmt: Format | None = None
) -> list[str]:
    """The emitted lines, remembered by the value's repr (which tells `1`, `1.0`, `True` and `'1'` apart)."""
    fmt = fmt or _DEFAULT
    key = (kind, repr(value), quote, flow, fmt.step, fmt.seq_offset)
    lines = _cache.get(key)
    if lines is None:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        lines = _cache[key] = tuple(_emit(kind, value, quote, flow, fmt))
    return list(lines)


def _emit(kind: str, value: Any, quote: str | None, flow: bool, fmt: Format) -> list[str]:
    from ruamel.yaml.comments import CommentedMap

    if kind == "value":  # a value on the line of its key: emit `k: value` and keep what follows `k: `
        return [_dump(CommentedMap(k=_nodes(value, quote, flow)), fmt)[0][3:]]
    if kind == "seq":
        return _dump(_nodes(value, quote, flow), fmt)
    if kind == "entry":
        return _dump(_nodes(value), fmt)
    node = _nodes(value, quote)
    node.fa.set_block_style()
    return [line[fmt.seq_offset :] for line in _dump(node, fmt)]  # ruamel indents a top-level list too


def _dump(node: Any, fmt: Format) -> list[str]:
    out = io.StringIO()
    _dumper(fmt.step, fmt.seq_offset).dump(node, out)
    return out.getvalue().split("\n")[:-1]


def _nodes(value: Any, quote: str | None = None, flow: bool = False) -> Any:
    """`value` as ruamel.yaml's round-trip types, each collection marked with the style it is written in."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if isinstance(value, dict):
        node = CommentedMap((k, _nodes(v, flow=flow)) for k, v in value.items())
    elif isinstance(value, list):
        node = CommentedSeq(_nodes(v, quote, flow) for v in value)
        flow = flow or all(is_scalar(v) for v in value)
    elif isinstance(value, str) and quote == "'" and value.isprintable():
        return SingleQuotedScalarString(value)
    elif isinstance(value, str) and quote == '"':
        return DoubleQuotedScalarString(value)
    elif value is None or isinstance(value, bool | int | float | str):
        return value
    else:
        raise TypeError(f"cannot render {type(value).__name__} as YAML")
    if flow or not value:
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()
    return node


@lru_cache(maxsize=16)
def _dumper(step: int, seq_offset: int):
    """A ruamel.yaml dumper for one indentation (built once per layout: building one is slow)."""
    import yaml as pyyaml
    from ruamel.yaml import YAML
    from ruamel.yaml.emitter import Emitter
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    reader = pyyaml.resolver.Resolver()

    class ReadAsPyYAML(VersionedResolver):
        def resolve(self, kind, value, implicit):  # a plain scalar means what PyYAML (YAML 1.1) reads in it
            if kind is ScalarNode:
                return reader.resolve(pyyaml.ScalarNode, value, implicit)
            return super().resolve(kind, value, implicit)

    class DoubleQuoting(Emitter):
        def choose_scalar_style(self):
            style = super().choose_scalar_style()
            if self.event.style:  # quoted on purpose (a neighbour's style)
                return style
            odd = not style and self.event.tag == STR_TAG and not _PLAIN.fullmatch(self.event.value)
            if style == "'" or odd:
                return '"'  # where quotes are needed or wise, "..." (ruamel prefers '...')
            return style

    yaml = YAML(typ="rt", pure=True)
    yaml.Resolver = ReadAsPyYAML
    yaml.Emitter = DoubleQuoting
    yaml.width = 1 << 30  # never fold a line
    yaml.allow_unicode = True
    yaml.brace_single_entry_mapping_in_flow_sequence = True  # [{a: b}], not [a: b]
    yaml.indent(mapping=step, sequence=seq_offset + 2, offset=seq_offset)
    yaml.representer.add_representer(type(None), lambda rep, _: rep.represent_scalar(_NULL_TAG, "null"))
    return yaml


def flow_text(text: str, node: Node, old: Any, new: Any) -> str:
    """`new` in flow style, keeping the source text of every entry of `node` that did not change
    (`{a: True, b: 1}` with `b` set to 2 becomes `{a: True, b: 2}`, not `{a: true, b: 2}`). `text` is
    the text the node was parsed from."""
    source = text[node.start_mark.index : node.end_mark.index]
    if not node.flow_style or len(source) < 2:
        return render_flow(new)
    inner = source[1:-1]
    pad = " " if inner.startswith(" ") and inner.endswith(" ") and inner.strip() else ""
    pieces: list[str] = []
    # a new string takes its siblings' quoting when they all share one (`["a", "b"]` gets `"c"`)
    scalars = node.value if isinstance(node, SequenceNode) else [v for _, v in node.value]
    styles = {n.style for n in scalars if isinstance(n, ScalarNode) and n.tag == STR_TAG}
    quote = next(iter(styles)) if len(styles) == 1 and next(iter(styles)) in ("'", '"') else None

    def fresh(value: Any) -> str:
        if isinstance(value, str) and quote:
            return render_scalar(value, quote=quote, flow=True)
        return render_flow(value)

    if isinstance(node, MappingNode) and isinstance(old, dict) and isinstance(new, dict):
        entries = {scalar_key(k): (k, v) for k, v in node.value}
        for key, value in new.items():
            entry = entries.get(key) if key in old else None
            if entry is None:
                pieces.append(f"{render_scalar(key, flow=True)}: {fresh(value)}")
                continue
            key_node, value_node = entry
            head = text[key_node.start_mark.index : value_node.start_mark.index]
            if identical(old[key], value):
                pieces.append(text[key_node.start_mark.index : value_node.end_mark.index])
            elif isinstance(value, dict | list) and isinstance(value_node, MappingNode | SequenceNode):
                pieces.append(head + flow_text(text, value_node, old[key], value))
            else:
                pieces.append(f"{render_scalar(key, flow=True)}: {fresh(value)}")
    elif isinstance(node, SequenceNode) and isinstance(old, list) and isinstance(new, list):
        used: set[int] = set()
        for value in new:
            match = next(
                (
                    i
                    for i, o in enumerate(old)
                    if i not in used and i < len(node.value) and identical(o, value)
                ),
                None,
            )
            if match is None:
                pieces.append(fresh(value))
                continue
            used.add(match)
            item = node.value[match]
            pieces.append(text[item.start_mark.index : item.end_mark.index])
    else:
        return render_flow(new)
    opening, closing = source[0], source[-1]
    return opening + pad + ", ".join(pieces) + pad + closing if pieces else opening + closing
