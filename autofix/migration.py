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
    release: str | None = None  # a release-to-release migration: the LiteLLM release whose change it follows
    source: str | None = None  # the LiteLLM source line behind that change

    @property
    def order(self) -> tuple:
        """Release-to-release migrations first, oldest release first (an upgrade replays the releases);
        then the fixes by id."""
        prefix = self.id.rstrip("0123456789")
        number = self.id[len(prefix) :]
        release = tuple(int(p) for p in self.release.split(".")) if self.release else ()
        return (0 if self.release else 1, release, prefix, int(number) if number else 0, self.id)

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
