"""Runs the selected migrations on a Document to a fixed point and verifies the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from autofix.document import Change, Document
from autofix.errors import EditRefused, VerificationError
from autofix.migration import Context, Finding, Migration
from autofix.verify import verify

MAX_PASSES = 3


@dataclass
class Result:
    name: str
    old_bytes: bytes
    new_bytes: bytes
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    hidden_unsafe: dict[str, list[str]] = field(default_factory=dict)  # migration id → descriptions
    passes: int = 0

    @property
    def changed(self) -> bool:
        return self.new_bytes != self.old_bytes

    @property
    def applied(self) -> list[str]:
        """Ids of the migrations that changed something, in order."""
        seen: list[str] = []
        for c in self.changes:
            if c.migration not in seen:
                seen.append(c.migration)
        return seen


def _run_one(doc: Document, m: Migration, unsafe: bool) -> Context:
    ctx = Context(doc, m, unsafe_fixes=unsafe)
    checkpoint = doc.checkpoint()
    doc.migration = m.id
    try:
        m.fix(ctx)
        doc.commit()
    except EditRefused as exc:
        # undo this migration's partial edits; the rest of the plan goes on
        doc.restore(checkpoint)
        ctx.findings.append(Finding(m.id, f"not fixed: {exc.reason}", None, exc.line, None, "refused"))
    return ctx


def run(data: bytes, plan: list[Migration], *, name: str = "<input>", unsafe: bool = False) -> Result:
    """Run `plan` on the config bytes. Raises InputError (bad input) or VerificationError (bad output)."""
    doc = Document.from_bytes(data, name)
    original_text = doc.text
    result = Result(name, data, data)
    seen_findings: set[tuple[str, str, int | None]] = set()
    for n in range(1, MAX_PASSES + 1):
        result.passes = n
        start = len(doc.changes)
        changed_by: list[str] = []
        for m in plan:
            before = len(doc.changes)
            ctx = _run_one(doc, m, unsafe)
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
        if len(doc.changes) == start:
            break
        if n == MAX_PASSES:
            raise VerificationError(
                f"the fixes did not settle after {MAX_PASSES} passes ({', '.join(changed_by)} kept changing "
                "the file); nothing was written"
            )
    result.changes = list(doc.changes)
    verify(original_text, doc.text, result.changes)
    result.new_bytes = doc.render()
    locate_findings(result.findings, doc, original_text)
    return result


def locate_findings(findings: list[Finding], final: Document, original_text: str) -> None:
    """Give each finding the line of its path in the fixed file, or in the original when it was deleted."""
    original: Document | None = None
    for f in findings:
        if f.line is not None or f.path is None:
            continue
        if final.exists(f.path):
            f.line = final.line(f.path)
            continue
        if original is None:
            original = Document(original_text) if original_text != final.text else final
        f.line = original.line(f.path)
