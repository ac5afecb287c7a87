"""Finds the migrations, orders them, and resolves --only/--skip.

The migrations live in the repository's top-level `migrations/` folder. In a source checkout (and an
editable install) they are loaded from there by path, the way Alembic loads its `versions/`; in a
built wheel the same folder is shipped as `autofix/migrations`. Either way they never claim the
global import name `migrations`.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path

from autofix.migration import PRIORITIES, SAFETIES, Migration

_PACKAGE = "autofix.migrations"


def migrations_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parent / "migrations"):
        init = candidate / "__init__.py"
        if init.is_file() and "AUTOFIX_MIGRATIONS" in init.read_text(encoding="utf-8"):
            return candidate
    raise RuntimeError(f"autofix is installed without its migrations folder (looked beside {here})")


def _load(path: Path) -> Migration:
    name = f"{_PACKAGE}.{path.stem}"
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    missing = [a for a in ("ID", "SLUG", "PRIORITY", "SAFETY", "TITLE", "fix") if not hasattr(module, a)]
    if missing:
        raise RuntimeError(f"migration {path.name} lacks {', '.join(missing)}")
    if module.PRIORITY not in PRIORITIES or module.SAFETY not in SAFETIES:
        raise RuntimeError(f"migration {path.name}: bad PRIORITY or SAFETY")
    return Migration(
        id=module.ID,
        slug=module.SLUG,
        priority=module.PRIORITY,
        safety=module.SAFETY,
        title=module.TITLE,
        doc=(module.__doc__ or "").strip(),
        fix=module.fix,
        module=module,
        release=getattr(module, "RELEASE", None),
        source=getattr(module, "SOURCE", None),
        owns={tuple(k): v for k, v in getattr(module, "OWNS", {}).items()},
        claims=getattr(module, "claims", None),
        runs_first=bool(getattr(module, "RUNS_FIRST", False)),
    )


@lru_cache(maxsize=1)
def all_migrations() -> tuple[Migration, ...]:
    folder = migrations_dir()
    if _PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            _PACKAGE, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        assert spec and spec.loader
        package = importlib.util.module_from_spec(spec)
        sys.modules[_PACKAGE] = package
        spec.loader.exec_module(package)
    found = [_load(p) for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")]
    ids = [m.id for m in found]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise RuntimeError(f"two migrations share an id: {', '.join(sorted(dupes))}")
    return tuple(sorted(found, key=lambda m: m.order))


class SelectionError(ValueError):
    pass


def _matches(m: Migration, token: str) -> bool:
    t = token.strip().lower()
    return t in (m.priority, m.id.lower(), m.slug.lower()) or t == "all"


def valid_tokens() -> list[str]:
    ms = all_migrations()
    return ["all", *PRIORITIES, *(m.id for m in ms), *(m.slug for m in ms)]


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out += [t for t in (p.strip() for p in v.split(",")) if t]
    return out


def select(
    only: list[str] | None = None,
    skip: list[str] | None = None,
    *,
    target: str | None = None,
    since: str | None = None,
) -> list[Migration]:
    """The migrations to run: --only (priorities, ids, slugs), else p0 and p1; minus --skip.

    A release-to-release migration (one with a `release`) runs only when the target is that release
    or newer; with `since` (--from-version), only those migrations run, and only when their release is
    after `since`.
    """
    from autofix import versions

    target = target or versions.target()

    def in_range(m: Migration) -> bool:
        if m.release is None:
            return since is None
        k = versions.key(m.release)
        return k <= versions.key(target)[: len(k)] and (since is None or k > versions.key(since)[: len(k)])

    ms = [m for m in all_migrations() if in_range(m)]
    only_t, skip_t = _split(only), _split(skip)
    for t in only_t + skip_t:
        if t.lower() not in ("all", *PRIORITIES) and not any(_matches(m, t) for m in all_migrations()):
            raise SelectionError(f"unknown fix {t!r}; valid values: {', '.join(valid_tokens())}")
    chosen = (
        [m for m in ms if any(_matches(m, t) for t in only_t)]
        if only_t
        else [m for m in ms if m.priority in ("p0", "p1")]
    )
    return [m for m in chosen if not any(_matches(m, t) for t in skip_t)]


def find(token: str) -> Migration | None:
    for m in all_migrations():
        if token.lower() in (m.id.lower(), m.slug.lower()):
            return m
    return None
