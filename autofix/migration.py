"""What a migration is, and what it is given while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from autofix.changes import Path, format_path
from autofix.document import Document

PRIORITIES = ("p0", "p1", "p2")
# safe: every edit is safe; unsafe: every edit needs --unsafe-fixes; mixed: some parts are safe (or only
# reports) and some need --unsafe-fixes; report: changes nothing, says the manual step
SAFETIES = ("safe", "mixed", "unsafe", "report")


@dataclass(frozen=True)
class Migration:
    """One fix, defined by a module in migrations/ (see migrations/README.md)."""

    id: str
    slug: str
    priority: str
    safety: str
    title: str
    doc: str
    fix: Callable[[Context], None]
    module: ModuleType | None = None

    @property
    def order(self) -> tuple[str, int, str]:
        prefix = self.id.rstrip("0123456789")
        number = self.id[len(prefix) :]
        return (prefix, int(number) if number else 0, self.id)

    @property
    def label(self) -> str:
        return f"{self.id} {self.slug}"


@dataclass
class Finding:
    """Something the user should know or do: shown in every output mode, never changes the file."""

    migration: str
    message: str
    path: Path | None = None
    line: int | None = None
    manual: str | None = None  # the exact manual step, when there is one
    kind: str = "info"  # info | warning | unsafe (a fix hidden without --unsafe-fixes) | refused
    file: str | None = None  # an included file the line is in (None: the config itself)
    # the proxy does not start while this remains: counts like a pending fix for the exit code
    blocks_startup: bool = False

    @property
    def where(self) -> str:
        return format_path(self.path) if self.path is not None else ""


@dataclass
class Context:
    """Handed to a migration's `fix`: the document plus ways to report."""

    doc: Document  # or an includes.ConfigSet: the same interface over several files
    migration: Migration
    unsafe_fixes: bool = False
    findings: list[Finding] = field(default_factory=list)
    hidden_unsafe: list[str] = field(default_factory=list)

    def report(
        self,
        message: str,
        path: Path | None = None,
        *,
        manual: str | None = None,
        kind: str = "info",
        line: int | None = None,
        blocks_startup: bool = False,
    ) -> None:
        """A finding at `path`. Its line is that of `path` in the fixed file (or, for a deleted path, in the
        original), found by the runner once the file is final; pass `line` to name another one (e.g. the
        line a moved or deleted key had, taken with `ctx.doc.line(path)` before the edit).
        `blocks_startup`: the proxy does not start while this remains (exit 1, like a pending fix)."""
        self.findings.append(
            Finding(self.migration.id, message, path, line, manual, kind, blocks_startup=blocks_startup)
        )

    def warn(
        self,
        message: str,
        path: Path | None = None,
        *,
        manual: str | None = None,
        line: int | None = None,
        blocks_startup: bool = False,
    ) -> None:
        self.report(message, path, manual=manual, kind="warning", line=line, blocks_startup=blocks_startup)

    def allow_unsafe(
        self,
        description: str,
        path: Path | None = None,
        *,
        manual: str | None = None,
        blocks_startup: bool = False,
    ) -> bool:
        """True when unsafe fixes are enabled; otherwise count the fix as hidden and say what it would do
        (with `manual`, the step that does it by hand).

        `blocks_startup`: the problem the fix solves stops the proxy from starting, so the hidden fix
        counts as pending (exit 1) rather than as an optional extra.
        """
        if self.unsafe_fixes:
            return True
        self.hidden_unsafe.append(description)
        self.report(
            f"{description} (unsafe fix: run with --unsafe-fixes)",
            path,
            manual=manual,
            kind="unsafe",
            blocks_startup=blocks_startup,
        )
        return False

    def get(self, path: Path, default: Any = None) -> Any:
        return self.doc.get(path, default)
