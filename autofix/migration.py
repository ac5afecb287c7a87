"""What a migration is, and what it is given while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from autofix.changes import MISSING, Path, format_path

PRIORITIES = ("p0", "p1", "p2")
# safe: every edit is safe; unsafe: every edit needs --unsafe-fixes; mixed: some parts are safe (or only
# reports) and some need --unsafe-fixes; report: changes nothing, says the manual step
SAFETIES = ("safe", "mixed", "unsafe", "report")


@runtime_checkable
class ConfigDoc(Protocol):
    """What a migration may use of the config it fixes (`ctx.doc`), and nothing more.

    Two classes implement it: `document.Document` (one file) and `includes.ConfigSet` (a config and
    the files its `include:` pulls in, as LiteLLM merges them). The runner always hands migrations a
    ConfigSet (a single file is its one-member case), so a migration that reaches for anything not
    declared here fails on every config, not only on configs with `include:`. Paths are tuples of
    keys and list indexes; reads see every edit made so far.
    """

    def get(self, path: Path, default: Any = MISSING) -> Any:
        """The value at `path` as LiteLLM reads it, or `default`."""
        ...

    def exists(self, path: Path) -> bool: ...

    def line(self, path: Path) -> int | None:
        """1-based line of `path` (or its nearest existing parent) in the text as last parsed."""
        ...

    def source_lines(self, path: Path) -> tuple[list[str], int | None]:
        """The lines of the file holding `path` (as last parsed) and the 1-based line of `path` there."""
        ...

    def set(self, path: Path, value: Any) -> bool: ...

    def delete(self, path: Path, prune_empty: bool = False) -> bool: ...

    def append(self, path: Path, item: Any) -> bool: ...

    def remove_item(self, path: Path, item: Any) -> bool: ...

    def rename(self, path: Path, new_key: str) -> bool: ...

    def mapping_to_items(self, path: Path, items: list[dict]) -> bool: ...

    def move(self, src: Path, dst: Path) -> bool:
        """Move the key at `src` to `dst` (another mapping), with the comments that belong to it."""
        ...


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
    # paths this fix migrates (path -> what it does with it), which X5 reports but never deletes
    owns: dict[Path, str] = field(default_factory=dict, hash=False, compare=False)
    # paths it owns by their name (say, a misspelled key it renames): path -> what it does, or None
    claims: Callable[[Any, Path], str | None] | None = field(default=None, hash=False, compare=False)
    runs_first: bool = False  # repairs that must come before any fix that creates a section

    @property
    def order(self) -> tuple:
        """Repairs that run first (typos), then release-to-release migrations, oldest release first (an
        upgrade replays the releases); then the fixes by id."""
        prefix = self.id.rstrip("0123456789")
        number = self.id[len(prefix) :]
        release = tuple(int(p) for p in self.release.split(".")) if self.release else ()
        rank = 0 if self.runs_first else 1 if self.release else 2
        return (rank, release, prefix, int(number) if number else 0, self.id)

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


_OWNED: dict[int, tuple[tuple, dict]] = {}  # id(owners) -> (owners, its index): one index per registry


def _owners_of(owners: tuple[Migration, ...]) -> dict[Path, list[tuple[str, str]]]:
    """Every owned path -> (fix id, what it does), in the fixes' order (asked per key of every config)."""
    hit = _OWNED.get(id(owners))
    if hit is not None and hit[0] is owners:
        return hit[1]
    out: dict[Path, list[tuple[str, str]]] = {}
    for m in owners:
        for path, does in m.owns.items():
            out.setdefault(tuple(path), []).append((m.id, does))
    _OWNED[id(owners)] = (owners, out)
    return out


@dataclass
class Context:
    """Handed to a migration's `fix`: the document plus ways to report."""

    doc: ConfigDoc  # an includes.ConfigSet: one config file, or a config and its included files
    migration: Migration
    unsafe_fixes: bool = False
    findings: list[Finding] = field(default_factory=list)
    hidden_unsafe: list[str] = field(default_factory=list)
    owners: tuple[Migration, ...] = ()  # every known fix, for owner() and claimed()
    selected: frozenset[str] = frozenset()  # ids of the fixes in this run

    def owner(self, path: Path) -> tuple[str, str] | None:
        """(fix id, what it does) when another fix migrates this path (its OWNS)."""
        for mid, does in _owners_of(self.owners).get(tuple(path), ()):
            if mid != self.migration.id:
                return mid, does
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
        self,
        message: str,
        path: Path | None = None,
        *,
        manual: str | None = None,
        kind: str = "info",
        line: int | None = None,
        blocks_startup: bool = False,
        file: str | None = None,
    ) -> None:
        """A finding at `path`. The runner gives it the line of `path` in the file on disk (or of its nearest
        existing ancestor); `line` (and `file`, an included file) name one only for a finding without a path.
        `blocks_startup`: the proxy does not start while this remains (exit 1, like a pending fix)."""
        self.findings.append(
            Finding(
                self.migration.id, message, path, line, manual, kind, file=file, blocks_startup=blocks_startup
            )
        )

    def warn(
        self,
        message: str,
        path: Path | None = None,
        *,
        manual: str | None = None,
        line: int | None = None,
        blocks_startup: bool = False,
        file: str | None = None,
    ) -> None:
        self.report(
            message, path, manual=manual, kind="warning", line=line, blocks_startup=blocks_startup, file=file
        )

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
