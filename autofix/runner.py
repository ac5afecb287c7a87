"""Runs the selected migrations on a Document to a fixed point and verifies the result."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from autofix.document import Change, Document
from autofix.errors import EditRefused, VerificationError
from autofix.includes import INCLUDE_KEY, ConfigSet, load_members
from autofix.migration import Context, Finding, Migration
from autofix.registry import all_migrations
from autofix.verify import verify

MAX_PASSES = 3


@dataclass
class IncludedFile:
    path: FsPath
    old_bytes: bytes
    new_bytes: bytes
    changes: list[Change] = field(default_factory=list)

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


def _run_one(doc: Document, m: Migration, unsafe: bool, selected: frozenset[str] = frozenset()) -> Context:
    ctx = Context(doc, m, unsafe_fixes=unsafe, owners=all_migrations(), selected=selected)
    checkpoint = doc.checkpoint()
    doc.migration = m.id
    before = set(doc.get(())) if isinstance(doc.get(()), dict) else set()
    try:
        m.fix(ctx)
        _no_section_beside_a_misspelling(ctx, before)
    except EditRefused as exc:
        # undo this migration's partial edits; the rest of the plan goes on
        doc.restore(checkpoint)
        if isinstance(exc, _BesideAMisspelling):  # nothing it reported happened
            ctx.findings.clear()
            ctx.hidden_unsafe.clear()
        ctx.findings.append(Finding(m.id, f"not fixed: {exc.reason}", None, exc.line, None, "refused"))
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
            if claim and isinstance(new, str) and re.search(rf"(?<![\w.]){re.escape(new)}(?![\w.])", claim[1]):
                raise _BesideAMisspelling(
                    f"it would add a section {new} beside {old}, which {claim[0]} renames to {new}; "
                    f"run with --unsafe-fixes (or rename {old} by hand) first",
                    line=ctx.doc.line((old,)),
                )


def run(data: bytes, plan: list[Migration], *, name: str = "<input>", unsafe: bool = False,
        optional: list[Migration] = (), path: FsPath | None = None, read=None) -> Result:
    """Run `plan` on the config bytes. Raises InputError (bad input) or VerificationError (bad output).

    `optional` migrations are tried on the result afterwards, only to say which would change it
    (`Result.optional`); their edits are rolled back. With `path` (and `read(path) -> bytes`), the
    files named by LiteLLM's `include:` are followed and edited where each key lives
    (`Result.included`).
    """
    doc = Document.from_bytes(data, name)
    if path is not None and read is not None and isinstance(doc.data, dict) and INCLUDE_KEY in doc.data:
        members = load_members(path, doc, data, read)
        if len(members) > 1:
            return _run_set(ConfigSet(members), plan, unsafe=unsafe, optional=optional)
    original_text = doc.text
    original_data = copy.deepcopy(doc.data)
    first_parse = copy.copy(doc)  # the first parse's tree, for the lines of findings about deleted keys
    result = Result(name, data, data)
    _passes(doc, plan, unsafe, result)
    result.changes = list(doc.changes)
    verify(original_text, doc.text, result.changes, old_data=original_data, new_data=doc.fresh_data())
    result.new_bytes = doc.render()
    locate_findings(result.findings, doc, first_parse)
    if optional:
        result.optional = _would_change(doc, optional)
    return result


def _passes(doc, plan: list[Migration], unsafe: bool, result: Result) -> None:
    """Run the plan until a pass changes nothing (at most MAX_PASSES)."""
    seen_findings: set[tuple[str, str, int | None]] = set()
    for n in range(1, MAX_PASSES + 1):
        result.passes = n
        start = len(doc.changes)
        changed_by: list[str] = []
        for m in plan:
            before = len(doc.changes)
            ctx = _run_one(doc, m, unsafe, frozenset(p.id for p in plan))
            if len(doc.changes) > before:
                changed_by.append(m.id)
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


def _run_set(cs: ConfigSet, plan: list[Migration], *, unsafe: bool, optional) -> Result:
    """Run on a config and its included files; each file is verified and rendered on its own."""
    root = cs.root
    result = Result(root.name, root.data, root.data)
    _passes(cs, plan, unsafe, result)
    result.changes = list(cs.changes)
    cs.commit()
    for f in result.findings:  # before verification, which consumes the original data
        if f.path is not None:
            name, line = cs.locate(f.path)
            f.line = line if f.line is None else f.line
            f.file = None if name == root.name else name
    for m in cs.members:
        try:
            verify(m.original_text, m.doc.text, m.doc.changes, old_data=m.original_data, new_data=m.doc.fresh_data())
        except VerificationError as exc:
            raise VerificationError(f"in {m.name}: {exc}") from None
    result.new_bytes = root.doc.render()
    result.included = [IncludedFile(m.path, m.data, m.doc.render(), list(m.doc.changes)) for m in cs.members[1:]]
    if optional:
        result.optional = _would_change(cs, optional)
    return result

def _would_change(doc, migrations: list[Migration]) -> list[str]:
    """Which of `migrations` would change the fixed document. Their edits stay queued on `doc`,
    which the caller no longer uses (the result's bytes are already rendered)."""
    ids = []
    for m in migrations:
        before = len(doc.changes)
        _run_one(doc, m, unsafe=False)
        if len(doc.changes) > before:
            ids.append(m.id)
    return ids


def locate_findings(findings: list[Finding], final: Document, original: Document) -> None:
    """Give each finding the line of its path in the fixed file, or in the original when it was deleted."""
    for f in findings:
        if f.line is not None or f.path is None:
            continue
        f.line = final.line(f.path) if final.exists(f.path) else original.line(f.path)
