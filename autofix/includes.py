"""LiteLLM's `include:` files: the root config and the files it pulls in, seen and edited as one.

LiteLLM 1.110 (`proxy/common_utils/config_includes.py`) reads `include: [a.yaml, ...]` from a config,
resolves each entry next to the config that declares it (falling back to the root config's folder),
reads every file once, and merges each file's top-level keys into the config in order: a list value
extends the list so far (`model_list` split over files), any other value replaces it. Included files
may include more files; they are merged after the ones already pending.

A `ConfigSet` gives migrations that merged view through the same interface as a `Document`, and
sends every edit to the file that holds the key: `model_list[7]` to the file whose part of the list
holds the 8th deployment, `router_settings.x` to the last file that sets `router_settings`, a new
section to the root config. Each file keeps its own changes and is verified and written on its own.

An included file outside the root config's folder (an absolute path, `../`, or a symlink pointing out,
judged after resolving symlinks) is read like any other, because LiteLLM reads it, but by default it is
not written: the content of a config must not decide which files elsewhere on the machine autofix
rewrites. A fix that would change such a file is not made at all (its edits in the other files too, so
a value is never deleted in one file without being written in the other); the runner reports it with
the exact changes to make there by hand (`ConfigSet.held_back`). `--edit-outside-includes` opts in.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from autofix.changes import MISSING, Change, Path, copy_data, format_path
from autofix.document import Document
from autofix.errors import EditRefused, InputError

INCLUDE_KEY = "include"


@dataclass
class Member:
    path: FsPath
    doc: Document
    data: bytes
    original_text: str = ""
    original_data: Any = None
    first: Document | None = None  # the first parse, for the lines of deleted keys
    outside: bool = False  # outside the root config's folder, after resolving symlinks

    @property
    def name(self) -> str:
        return str(self.path)


def is_inside(path: FsPath, folder: FsPath) -> bool:
    """Whether `path` is in `folder` or below it, both resolved through symlinks (`folder` already is)."""
    real = os.path.realpath(path)
    return os.path.commonpath([real, str(folder)]) == str(folder)


def include_entries(data: Any, where: str) -> list[str]:
    if not isinstance(data, dict) or INCLUDE_KEY not in data:
        return []
    entries = data[INCLUDE_KEY]
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise InputError("'include' must be a list of file paths (LiteLLM refuses anything else)", path=where)
    return list(entries)


def resolve_entry(entry: str, declared_in: FsPath, root: FsPath) -> FsPath:
    """As LiteLLM resolves it: next to the declaring config, else next to the root config."""
    declared = FsPath(os.path.abspath(declared_in.parent / entry))
    root_relative = FsPath(os.path.abspath(root.parent / entry))
    if declared == root_relative or not root_relative.exists() or declared.exists():
        return declared
    return root_relative


def load_members(root_path: FsPath, root_doc: Document, root_bytes: bytes, read) -> list[Member]:
    """The root and every included file, in LiteLLM's merge order. `read(path) -> bytes`."""
    root_abs = FsPath(os.path.abspath(root_path))
    home = FsPath(os.path.realpath(root_abs.parent))
    members = [Member(root_path, root_doc, root_bytes)]
    loaded = {root_abs}
    pending = [(entry, root_abs) for entry in include_entries(root_doc.data, str(root_path))]
    while pending:
        entry, declared_in = pending.pop(0)
        location = resolve_entry(entry, declared_in, root_abs)
        if location in loaded:
            continue
        loaded.add(location)
        shown = FsPath(os.path.relpath(location)) if not FsPath(entry).is_absolute() else location
        try:
            data = read(location)
        except InputError as exc:
            raise InputError(
                f"included by {declared_in.name}: {exc.reason}", path=str(shown), line=exc.line
            ) from None
        doc = Document.from_bytes(data, str(shown))
        members.append(Member(shown, doc, data, outside=not is_inside(location, home)))
        pending += [(e, location) for e in include_entries(doc.data, str(shown))]
    return members


class ConfigSet:
    """Several files as LiteLLM merges them, edited through the `migration.ConfigDoc` interface.

    The runner always works on a ConfigSet: a config without `include:` is the one-member case,
    where every call goes straight to the one Document (no merged view, no second list of changes).
    With `edit_outside`, included files outside the root config's folder are written too.
    """

    def __init__(self, members: list[Member], edit_outside: bool = False) -> None:
        self.members = members
        self.edit_outside = edit_outside  # write included files outside the root config's folder too
        self._changes: list[Change] = []
        self._migration = ""
        for m in members:
            m.original_text = m.doc.text
            m.original_data = copy_data(m.doc.data)
            # the first parse, for the lines of findings (on disk, before any fix); its own sets of
            # queued-edit markers, so that edits queued on the live Document never hide a node here
            m.first = copy.copy(m.doc)
            m.first._pending_keys = set()
            m.first._dirty = set()
        self._single: Document | None = members[0].doc if len(members) == 1 else None

    @property
    def root(self) -> Member:
        return self.members[0]

    @property
    def changes(self) -> list[Change]:
        """The changes so far, with the paths of the merged view."""
        return self._single.changes if self._single is not None else self._changes

    @property
    def migration(self) -> str:
        return self._migration

    @migration.setter
    def migration(self, value: str) -> None:
        self._migration = value
        for m in self.members:
            m.doc.migration = value

    # ---- the merged view ---------------------------------------------------------------------------

    def _segments(self, key: Any, original: bool = False) -> list[tuple[Member, int, int]]:
        """For a top-level key: (member, offset in the merged value, length) of each part that survives.

        A list value extends the parts before it; any other value replaces them (length -1: not a list).
        `original`: as the files were before any fix.
        """
        parts: list[tuple[Member, int, int]] = []
        for m in self.members:
            data = m.original_data if original else m.doc.data
            if not isinstance(data, dict) or key not in data or (key == INCLUDE_KEY):
                continue
            value = data[key]
            if isinstance(value, list) and parts and parts[-1][2] >= 0:
                last = parts[-1]
                parts.append((m, last[1] + last[2], len(value)))
            else:
                parts = [(m, 0, len(value) if isinstance(value, list) else -1)]
        return parts

    @property
    def data(self) -> dict:
        merged: dict = {}
        for m in self.members:
            data = m.doc.data if isinstance(m.doc.data, dict) else {}
            for key, value in data.items():
                if key == INCLUDE_KEY and m is not self.root:
                    continue
                if isinstance(value, list) and isinstance(merged.get(key), list):
                    merged[key] = [*merged[key], *value]
                else:
                    merged[key] = value
        return merged

    def _route(self, path: Path, *, whole: bool = False, original: bool = False) -> tuple[Member, Path]:
        """The member holding `path`, and the path there."""
        if not path:
            raise EditRefused("cannot edit the whole config set at once")
        parts = self._segments(path[0], original)
        if not parts:
            return self.root, path
        if len(path) >= 2 and isinstance(path[1], int) and parts[-1][2] >= 0:
            index = path[1]
            total = parts[-1][1] + parts[-1][2]
            if index < 0:
                index += total
            for m, offset, length in parts:
                if offset <= index < offset + length:
                    return m, (path[0], index - offset, *path[2:])
            return parts[-1][0], path
        if len(parts) > 1 and whole:
            files = ", ".join(m.name for m, _, _ in parts)
            raise EditRefused(f"{format_path(path)} is spread over several files ({files}): edit it by hand")
        return parts[-1][0], path

    def replaced_sections(self) -> list[tuple[Any, str | None, int | None, str, Any]]:
        """Top-level keys whose value in one file a later file replaces, so LiteLLM never reads it:
        (key, the file or None for the root config, its line there, the file that replaces it, the value).

        As `_merged_value` merges: a list extends a list so far; anything else replaces what came before.
        """
        out = []
        keys: list[Any] = []
        for m in self.members:
            if isinstance(m.doc.data, dict):
                keys += [k for k in m.doc.data if k not in keys and k != INCLUDE_KEY]
        for key in keys:
            holders = [m for m in self.members if isinstance(m.doc.data, dict) and key in m.doc.data]
            for i, m in enumerate(holders[:-1]):
                merged_is_list = isinstance(m.doc.data[key], list)
                for later in holders[i + 1 :]:
                    value = later.doc.data[key]
                    if isinstance(value, list) and merged_is_list:
                        continue  # extended, not replaced
                    name = None if m is self.root else m.name
                    out.append((key, name, m.doc.line((key,)), later.name, m.doc.data[key]))
                    break
        return out

    # ---- reading -------------------------------------------------------------------------------------

    def get(self, path: Path, default: Any = MISSING) -> Any:
        if self._single is not None:
            return self._single.get(path, default)
        if len(path) <= 1 or not self._segments(path[0]):
            value = self.data if not path else self.data.get(path[0], MISSING)
            return default if value is MISSING else value
        m, local = self._route(path)
        return m.doc.get(local, default)

    def exists(self, path: Path) -> bool:
        if self._single is not None:
            return self._single.exists(path)
        return self.get(path) is not MISSING

    def line(self, path: Path) -> int | None:
        """The line of `path` (or its nearest existing parent) in its file's text as last parsed."""
        if self._single is not None:
            return self._single.line(path)
        m, local = self._route(path) if path else (self.root, path)
        return m.doc.line(local)

    def source_lines(self, path: Path) -> tuple[list[str], int | None]:
        if self._single is not None:
            return self._single.source_lines(path)
        m, local = self._route(path) if path else (self.root, path)
        return m.doc.source_lines(local)

    def locate(self, path: Path) -> tuple[str, int | None]:
        """(file name, line) of `path` in the files as they are on disk, before any fix: the line of
        the key itself, or of its nearest ancestor there when a fix adds it; for a new section, the
        line it goes below (the end of the existing sections)."""
        m, local = self._route(path, original=True) if path else (self.root, path)
        if local and not (isinstance(m.original_data, dict) and local[0] in m.original_data):
            return m.name, (m.first or m.doc).new_section_line()  # no line on disk holds any part of it
        return m.name, (m.first or m.doc).line(local)

    # ---- editing -------------------------------------------------------------------------------------

    def _edit(self, path: Path, op, *args, whole: bool = False, **kwargs) -> bool:
        try:
            if self._single is not None:
                return getattr(self._single, op)(path, *args, **kwargs)
            if op == "append" and len(path) == 1:
                parts = self._segments(path[0])
                if len(parts) > 1 and parts[-1][2] >= 0:  # a list spread over files: append to the last
                    if args[0] in self.get(path, []):
                        return False
                    m, local = parts[-1][0], path
                else:
                    m, local = self._route(path, whole=whole)
            else:
                m, local = self._route(path, whole=whole)
            old = copy_data(self.get(path))
            done = getattr(m.doc, op)(local, *args, **kwargs)
            if done and op == "rename":
                new_path = (*path[:-1], args[0])
                self._changes.append(Change(tuple(path), old, MISSING, self._migration))
                self._changes.append(
                    Change(new_path, MISSING, copy_data(self.get(new_path)), self._migration)
                )
            elif done:
                self._changes.append(Change(tuple(path), old, copy_data(self.get(path)), self._migration))
            return done
        except EditRefused as exc:
            if exc.path is None:
                exc.path = tuple(path)  # the runner gives the finding this path's line on disk
            raise

    def set(self, path: Path, value: Any) -> bool:
        return self._edit(path, "set", value, whole=len(path) == 1)

    def delete(self, path: Path, prune_empty: bool = False) -> bool:
        return self._edit(path, "delete", prune_empty=prune_empty, whole=len(path) == 1)

    def append(self, path: Path, item: Any) -> bool:
        return self._edit(path, "append", item)

    def remove_item(self, path: Path, item: Any) -> bool:
        return self._edit(path, "remove_item", item, whole=len(path) == 1)

    def rename(self, path: Path, new_key: str) -> bool:
        return self._edit(path, "rename", new_key, whole=len(path) == 1)

    def move(self, src: Path, dst: Path) -> bool:
        """Move a key with its comments when both places are in one file; across files, delete and set."""
        if self._single is not None:
            return self._single.move(src, dst)
        m, local = self._route(src, whole=len(src) == 1)
        target, local_dst = self._route(dst, whole=len(dst) == 1)
        if target is not m:
            value = copy_data(self.get(src))
            done = self.delete(src)
            return self.set(dst, value) or done
        old = copy_data(self.get(src))
        done = m.doc.move(local, local_dst)
        if done:
            self._changes.append(Change(tuple(src), old, MISSING, self._migration))
            self._changes.append(Change(tuple(dst), MISSING, old, self._migration))
        return done

    def mapping_to_items(self, path: Path, items: list[dict]) -> bool:
        return self._edit(path, "mapping_to_items", items, whole=len(path) == 1)

    # ---- the runner's interface ----------------------------------------------------------------------

    def commit(self) -> None:
        for m in self.members:
            m.doc.commit()

    def checkpoint(self) -> tuple:
        return tuple(m.doc.checkpoint() for m in self.members), len(self._changes)

    def restore(self, checkpoint: tuple) -> None:
        docs, n = checkpoint
        for m, cp in zip(self.members, docs, strict=True):
            m.doc.restore(cp)
        del self._changes[n:]

    def writable(self, m: Member) -> bool:
        return not m.outside or self.edit_outside

    def changed_since(self, checkpoint: tuple) -> list[tuple[Member, list[Change]]]:
        """The files changed since `checkpoint`, with their changes (paths as in each file)."""
        docs, _ = checkpoint
        return [
            (m, m.doc.changes[cp[3] :])
            for m, cp in zip(self.members, docs, strict=True)
            if len(m.doc.changes) > cp[3]
        ]

    @property
    def _pending(self) -> bool:
        return any(m.doc._pending for m in self.members)
