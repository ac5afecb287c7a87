"""The fallback lists G7 repairs: reading `context_window_fallbacks` in any shape LiteLLM users write
(`parse`), merging lists without duplicates (`merge`), and writing the result back with the smallest
edits the current shape allows (`write`). Not a migration itself (the registry skips `_` modules)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Parsed:
    items: list  # the list form: {group: [targets]} dicts, and plain strings (LiteLLM's other form)
    notes: list[str] = field(default_factory=list)  # what was wrong with the shape


def parse(value) -> Parsed | None:
    """The list form of a fallbacks value, or None when it cannot be rewritten without guessing."""
    if value is None:
        return Parsed([])
    notes: list[str] = []
    if isinstance(value, dict):
        items = [{k: v} for k, v in value.items()]
        notes.append("LiteLLM does not read a mapping: the router drops it without a message")
    elif isinstance(value, list):
        items = value
    else:
        return None
    out: list = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
            continue
        if not isinstance(item, dict) or not item:
            return None
        if len(item) > 1:
            note = "an entry with several groups only works for its first"
            if note not in notes:
                notes.append(note)
        for group, targets in item.items():
            if not isinstance(group, str):
                return None
            if isinstance(targets, str):
                note = "a string target makes no fallback happen"
                if note not in notes:
                    notes.append(note)
                targets = [targets]
            if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
                return None
            out.append({group: list(targets)})
    return Parsed(out, notes)


def merge(into: list, items: list) -> list[str]:
    """Add `items` to the list form `into`, in place and without duplicates; describe what was added."""
    index: dict[str, int] = {}
    for i, item in enumerate(into):
        if isinstance(item, dict):
            index.setdefault(next(iter(item)), i)
    added: list[str] = []
    for item in items:
        if isinstance(item, str):
            if item not in into:
                into.append(item)
                added.append(item)
            continue
        ((group, targets),) = item.items()
        if group in index:
            have = into[index[group]][group]
            for target in targets:
                if target not in have:
                    have.append(target)
                    added.append(f"{group} → {target}")
        else:
            index[group] = len(into)
            into.append({group: list(targets)})
            added.append(f"{group} → {', '.join(targets)}" if targets else group)
    return added


def write(doc, path, current, final: list) -> None:
    """Make the value at `path` equal `final` with as small edits as its current shape allows."""
    if isinstance(current, list) and current and _extends(current, final):
        for i, item in enumerate(current):
            if isinstance(item, str):
                continue
            group, targets = next(iter(item.items()))
            wanted = final[i][group]
            if isinstance(targets, str) or not targets:
                if wanted != targets:
                    doc.set((*path, i, group), wanted)
            else:
                for target in wanted[len(targets) :]:
                    doc.append((*path, i, group), target)
        for item in final[len(current) :]:
            doc.append(path, item)
    elif isinstance(current, dict) and doc.mapping_to_items(path, _one_key_items(current, final)):
        # `{a: b, c: d}` became `- a: [b]` / `- c: [d]` line by line: every comment kept its line
        for item in final[len(current) :]:
            doc.append(path, item)
    else:
        doc.set(path, final)


def _one_key_items(current: dict, final: list) -> list:
    """`final`'s first len(current) items when they are current's entries, in order (else [])."""
    head = final[: len(current)]
    keys = [next(iter(i)) if isinstance(i, dict) and len(i) == 1 else None for i in head]
    return head if keys == list(current) else []


def _extends(current: list, final: list) -> bool:
    """True when `final` is `current` with string targets made lists, targets appended and items added."""
    if len(final) < len(current):
        return False
    for item, new in zip(current, final, strict=False):
        if isinstance(item, str):
            if item != new:
                return False
            continue
        if not isinstance(item, dict) or len(item) != 1 or not isinstance(new, dict):
            return False
        group, targets = next(iter(item.items()))
        if list(new) != [group]:
            return False
        old = [targets] if isinstance(targets, str) else targets
        if new[group][: len(old)] != old:
            return False
    return True


def group_names(items: list) -> list[str]:
    """Every group an effective list names, keys first."""
    keys = [next(iter(i)) for i in items if isinstance(i, dict)]
    targets = [t for i in items if isinstance(i, dict) for t in next(iter(i.values()))]
    return list(dict.fromkeys([*keys, *targets, *(i for i in items if isinstance(i, str))]))
