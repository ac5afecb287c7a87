"""Runs the selected migrations on a Document to a fixed point and verifies the result."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from autofix import versions
from autofix.changes import Change, format_path
from autofix.discover import NO_LITELLM_SECTION, has_litellm_section
from autofix.document import Document
from autofix.errors import EditRefused, InputError, InternalError, VerificationError
from autofix.includes import INCLUDE_KEY, ConfigSet, Member, load_members
from autofix.migration import Context, Finding, Migration
from autofix.registry import all_migrations
from autofix.values import listed
from autofix.verify import verify

MAX_PASSES = 3


@dataclass
class IncludedFile:
    path: FsPath
    old_bytes: bytes
    new_bytes: bytes
    changes: list[Change] = field(default_factory=list)
    outside: bool = False  # outside the root config's folder (written only with --edit-outside-includes)

    @property
    def changed(self) -> bool:
        return self.new_bytes != self.old_bytes


@dataclass
class Result:
    name: str
    old_bytes: bytes
    new_bytes: bytes
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    hidden_unsafe: dict[str, list[str]] = field(default_factory=dict)  # migration id → descriptions
    passes: int = 0
    included: list[IncludedFile] = field(default_factory=list)  # files pulled in by `include:`
    optional: list[str] = field(default_factory=list)  # optional migrations that would change the result
    # migration id -> (included file or None for the config, line) of its first change, on disk
    where: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)
    own_changes: list[Change] | None = None  # the config's own changes, when it has included files

    def files_of(self, migration: str) -> list[str]:
        """The files a migration changed: the config and/or its included files."""
        own = self.changes if self.own_changes is None else self.own_changes
        names = [self.name] if any(c.migration == migration for c in own) else []
        return names + [
            str(i.path) for i in self.included if any(c.migration == migration for c in i.changes)
        ]

    @property
    def changed(self) -> bool:
        return self.new_bytes != self.old_bytes or any(f.changed for f in self.included)

    @property
    def applied(self) -> list[str]:
        """Ids of the migrations that changed something, in order."""
        seen: list[str] = []
        for c in self.changes:
            if c.migration not in seen:
                seen.append(c.migration)
        return seen


def _run_one(
    doc: ConfigSet,
    m: Migration,
    unsafe: bool,
    selected: frozenset[str] = frozenset(),
    keys_before: frozenset[tuple] | None = None,
) -> Context:
    """Run one migration. `keys_before`: `versions.section_keys(doc)` as the document is now, when the
    caller knows it (computed here otherwise)."""
    ctx = Context(doc, m, unsafe_fixes=unsafe, owners=all_migrations(), selected=selected)
    checkpoint = doc.checkpoint()
    doc.migration = m.id
    before = len(doc.changes)
    if keys_before is None:
        keys_before = versions.section_keys(doc)
    try:
        m.fix(ctx)
        if len(doc.changes) > before:  # no change, no new section
            _no_section_beside_a_misspelling(ctx, {key[0] for key in keys_before if len(key) == 1})
    except EditRefused as exc:
        # undo this migration's partial edits; the rest of the plan goes on
        doc.restore(checkpoint)
        if isinstance(exc, _BesideAMisspelling):  # nothing it reported happened
            ctx.findings.clear()
            ctx.hidden_unsafe.clear()
        line = None if exc.path is not None else exc.line  # a path is located on disk by locate_findings
        ctx.findings.append(Finding(m.id, f"not fixed: {exc.reason}", exc.path, line, None, "refused"))
    except (InputError, VerificationError):
        raise
    except Exception as exc:  # a bug in the fix: the file gets one line, the other files go on
        raise InternalError(exc, m.id) from exc
    else:
        if not _hold_back_unread(doc, m, ctx, checkpoint, before, keys_before):
            _hold_back_outside(doc, m, ctx, checkpoint)
    return ctx


class _BesideAMisspelling(EditRefused):
    pass


def _no_section_beside_a_misspelling(ctx: Context, before: set) -> None:
    """Refuse a new top-level section when the file holds a misspelling of it that a fix renames
    (`general_setting`): the rename comes first (with --unsafe-fixes), never a second section beside it."""
    root = ctx.doc.get(())
    if not isinstance(root, dict):
        return
    for new in set(root) - before:
        for old in before:
            claim = ctx.claimed((old,))
            if (
                claim
                and isinstance(new, str)
                and re.search(rf"(?<![\w.]){re.escape(new)}(?![\w.])", claim[1])
            ):
                raise _BesideAMisspelling(
                    f"it would add a section {new} beside {old}, which {claim[0]} renames to {new}; "
                    f"run with --unsafe-fixes (or rename {old} by hand) first",
                    path=(old,),
                )


def _hold_back_unread(
    doc: ConfigSet, m: Migration, ctx: Context, checkpoint: tuple, before: int, keys_before
) -> bool:
    """A fix never writes what the target release does not read: undo it and say why."""
    written = doc.changes[before:]
    if not written:
        return False
    unread = versions.unreadable_writes(written, before=keys_before, after=versions.section_keys(doc))
    if not unread:
        return False
    path = written[0].path if len(written[0].path) > 0 else None
    doc.restore(checkpoint)
    ctx.findings = [f for f in ctx.findings if f.kind not in ("info", "unsafe")]
    ctx.hidden_unsafe.clear()
    ctx.findings.append(
        Finding(
            m.id,
            f"not fixed: it would write {', '.join(unread)}, which LiteLLM {versions.target()} does not read "
            f"(--target-version {versions.target()})",
            path,
            None,
            None,
            "refused",
        )
    )
    return True


def _hold_back_outside(doc: ConfigSet, m: Migration, ctx: Context, checkpoint: tuple) -> None:
    """A fix that changed an included file autofix may not write is undone, in every file."""
    if all(doc.writable(member) for member in doc.members):  # a config without include:, for one
        return
    changed = doc.changed_since(checkpoint)
    held = [(member, changes) for member, changes in changed if not doc.writable(member)]
    if held:
        # a file autofix may not write: none of the fix is made, so no value is removed in one file
        # without being written in the other; the user gets the exact changes to make by hand
        doc.restore(checkpoint)
        rest = [(member, changes) for member, changes in changed if doc.writable(member)]
        # its notes say what it did, which it did not; warnings and hidden unsafe fixes still hold
        ctx.findings = [f for f in ctx.findings if f.kind != "info"]
        ctx.findings.append(_held_back(m, held, rest, doc.root.name))


MAX_MANUAL_STEPS = 6


def _held_back(m: Migration, held: list, rest: list, root: str) -> Finding:
    """The finding for a fix that would change an included file outside the config's folder: every change
    it would make, file by file (the files autofix may write too: their part was held back with it)."""
    import json

    from autofix.formats import _jsonable, mask_value

    def step(c: Change) -> str:
        if c.kind == "delete":
            return f"delete {format_path(c.path)}"
        value = json.dumps(_jsonable(mask_value(c.path[-1] if c.path else None, c.new)), ensure_ascii=False)
        return f"{c.kind} {format_path(c.path)}: {value}"

    names = ", ".join(member.name for member, _ in held)
    message = (
        f"not fixed: it would change {names}, included by {root} from outside its folder, which autofix "
        "reads but does not write without --edit-outside-includes; none of this fix was made"
    )
    parts = []
    more = False
    for member, changes in [*held, *rest]:
        more = more or len(changes) > MAX_MANUAL_STEPS
        parts.append(f"{member.name}: {listed([step(c) for c in changes], MAX_MANUAL_STEPS, sep='; ')}")
    manual = "edit " + "; and ".join(parts)
    manual += (
        " (autofix --dry-run --edit-outside-includes shows every change as a diff)"
        if more
        else " (or let autofix make them with --edit-outside-includes)"
    )
    member, changes = held[0]
    line = (member.first or member.doc).line(changes[0].path)
    return Finding(m.id, message, line=line, manual=manual, kind="refused", file=member.name)


def run(
    data: bytes,
    plan: list[Migration],
    *,
    name: str = "<input>",
    unsafe: bool = False,
    optional: list[Migration] = (),
    path: FsPath | None = None,
    read=None,
    require_litellm: bool = False,
    edit_outside: bool = False,
) -> Result:
    """Run `plan` on the config bytes. Raises InputError (bad input) or VerificationError (bad output).

    `optional` migrations are tried on the result afterwards, only to say which would change it
    (`Result.optional`); their edits are rolled back. With `path` (and `read(path) -> bytes`), the
    files named by LiteLLM's `include:` are followed and edited where each key lives
    (`Result.included`). A config without `include:` is the one-member case of the same run.
    Included files outside the config's folder are written only with `edit_outside`.
    `require_litellm`: refuse (InputError) a file with no top-level section LiteLLM reads.
    """
    doc = Document.from_bytes(data, name)
    if require_litellm and not has_litellm_section(doc.data):
        raise InputError(
            f"{NO_LITELLM_SECTION}: not a LiteLLM config, so not edited (if it is one, or a "
            "fragment of one, pass --assume-litellm)",
            path=name,
        )
    members = [Member(FsPath(name), doc, data)]
    if path is not None and read is not None and isinstance(doc.data, dict) and INCLUDE_KEY in doc.data:
        members = load_members(path, doc, data, read)
    cs = ConfigSet(members, edit_outside=edit_outside)
    result = Result(cs.root.name, data, data)
    _passes(cs, plan, unsafe, result)
    result.changes = list(cs.changes)
    cs.commit()
    locate_findings(result.findings, cs)  # before verification, which consumes the original data
    tries: dict[str, int] = {}
    for c in result.changes:  # each migration's first change with a line (a few tries: no cost per change)
        if result.where.get(c.migration, (None, None))[1] is None and tries.get(c.migration, 0) < 8:
            tries[c.migration] = tries.get(c.migration, 0) + 1
            file, line = cs.locate(c.path)
            result.where[c.migration] = (None if file == cs.root.name else file, line)
    for m in cs.members:
        try:
            verify(
                m.original_text,
                m.doc.text,
                m.doc.changes,
                old_data=m.original_data,
                new_data=m.doc.fresh_data(),
            )
        except VerificationError as exc:
            if len(cs.members) == 1:
                raise
            raise VerificationError(f"in {m.name}: {exc}") from None
    result.new_bytes = cs.root.doc.render()
    if len(cs.members) > 1:
        result.own_changes = list(cs.root.doc.changes)
    result.included = [
        IncludedFile(m.path, m.data, m.doc.render(), list(m.doc.changes), m.outside) for m in cs.members[1:]
    ]
    if any(i.changed and not cs.writable(m) for i, m in zip(result.included, cs.members[1:], strict=True)):
        raise VerificationError(
            "a fix changed an included file outside the config's folder; nothing was written"
        )
    if optional:
        result.optional = _would_change(cs, optional)
    return result


def _passes(doc: ConfigSet, plan: list[Migration], unsafe: bool, result: Result) -> None:
    """Run the plan until a pass changes nothing (at most MAX_PASSES)."""
    seen_findings: set[tuple[str, str, int | None]] = set()
    selected = frozenset(p.id for p in plan)
    # A fix that changed nothing, on a document nothing has changed since, would change nothing again:
    # the next pass passes it over. The number of changes names the document's state: changes are only
    # appended, and a fix that is rolled back goes back to its checkpoint, never below what came before.
    settled: dict[str, int] = {}  # fix id → the number of changes when it last ran and changed nothing
    for n in range(1, MAX_PASSES + 1):
        result.passes = n
        start = len(doc.changes)
        changed_by: list[str] = []
        # the document's section keys, while no change is made (as above)
        keys = None
        for m in plan:
            before = len(doc.changes)
            if settled.get(m.id) == before:
                continue
            if keys is None:
                keys = versions.section_keys(doc)
            ctx = _run_one(doc, m, unsafe, selected, keys)
            if len(doc.changes) > before:
                changed_by.append(m.id)
                keys = None
                settled.pop(m.id, None)
            else:
                settled[m.id] = len(doc.changes)
            for f in ctx.findings:
                key = (f.migration, f.message, f.line)
                if key not in seen_findings:
                    seen_findings.add(key)
                    result.findings.append(f)
            if ctx.hidden_unsafe:
                result.hidden_unsafe.setdefault(m.id, [])
                for d in ctx.hidden_unsafe:
                    if d not in result.hidden_unsafe[m.id]:
                        result.hidden_unsafe[m.id].append(d)
        doc.commit()
        if len(doc.changes) == start:
            break
        if n == MAX_PASSES:
            raise VerificationError(
                f"the fixes did not settle after {MAX_PASSES} passes ({', '.join(changed_by)} kept changing "
                "the file); nothing was written"
            )


def _would_change(doc: ConfigSet, migrations: list[Migration]) -> list[str]:
    """Which of `migrations` would change the fixed document. Their edits stay queued on `doc`,
    which the caller no longer uses (the result's bytes are already rendered)."""
    ids = []
    for m in migrations:
        before = len(doc.changes)
        _run_one(doc, m, unsafe=False)
        if len(doc.changes) > before:
            ids.append(m.id)
    return ids


def locate_findings(findings: list[Finding], cs: ConfigSet) -> None:
    """Give each finding with a path the line of that path in the file as it is on disk (before any
    fix): the key's own line, or its nearest existing ancestor's when a fix adds it."""
    for f in findings:
        if f.path is None:
            continue
        name, f.line = cs.locate(f.path)
        f.file = None if name == cs.root.name else name
