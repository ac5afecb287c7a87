"""What a migration is, and what it is given while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from autofix.document import Document, Path, format_path

PRIORITIES = ("p0", "p1", "p2")
SAFETIES = ("safe", "unsafe", "report")


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
    # paths this fix migrates (path -> what it does with it), which X5 reports but never deletes
    owns: dict[Path, str] = field(default_factory=dict, hash=False, compare=False)
    # paths it owns by their name (say, a misspelled key it renames): path -> what it does, or None
    claims: Callable[[Any, Path], str | None] | None = field(default=None, hash=False, compare=False)
    runs_first: bool = False  # repairs that must come before any fix that creates a section

    @property
    def order(self) -> tuple[int, str, int, str]:
        prefix = self.id.rstrip("0123456789")
        number = self.id[len(prefix) :]
        return (0 if self.runs_first else 1, prefix, int(number) if number else 0, self.id)

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
    owners: tuple[Migration, ...] = ()  # every known fix, for owner() and claimed()
    selected: frozenset[str] = frozenset()  # ids of the fixes in this run

    def owner(self, path: Path) -> tuple[str, str] | None:
        """(fix id, what it does) when another fix migrates this path (its OWNS)."""
        path = tuple(path)
        for m in self.owners:
            if m.id != self.migration.id and path in m.owns:
                return m.id, m.owns[path]
        return None

    def claimed(self, path: Path) -> tuple[str, str] | None:
        """(fix id, what it does) when another fix repairs this path by its name (its `claims`)."""
        path = tuple(path)
        for m in self.owners:
            if m.id != self.migration.id and m.claims is not None:
                does = m.claims(self.doc, path)
                if does:
                    return m.id, does
        return None

    def report(
        self, message: str, path: Path | None = None, *, manual: str | None = None, kind: str = "info"
    ) -> None:
        # the line is resolved by the runner once the file is final (see runner.locate_findings)
        self.findings.append(Finding(self.migration.id, message, path, None, manual, kind))

    def warn(self, message: str, path: Path | None = None, *, manual: str | None = None) -> None:
        self.report(message, path, manual=manual, kind="warning")

    def allow_unsafe(self, description: str, path: Path | None = None) -> bool:
        """True when unsafe fixes are enabled; otherwise count the fix as hidden and say what it would do."""
        if self.unsafe_fixes:
            return True
        self.hidden_unsafe.append(description)
        self.report(f"{description} (unsafe fix: run with --unsafe-fixes)", path, kind="unsafe")
        return False

    def get(self, path: Path, default: Any = None) -> Any:
        return self.doc.get(path, default)
