"""Which files to process: paths, folders (recursive), globs, `-` for stdin, or the usual config names."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from autofix.errors import InputError

MAX_BYTES = 32 * 1024 * 1024  # a LiteLLM config of 10,000 models is about 3 MB
STDIN = Path("-")

DEFAULT_NAMES = (
    "config.yaml",
    "config.yml",
    "litellm_config.yaml",
    "litellm-config.yaml",
    "litellm.yaml",
    "proxy_config.yaml",
    "proxy_server_config.yaml",
    "config/litellm*.yaml",
    "config/litellm*.yml",
    "config/config.yaml",
)
SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    ".autofix-backups",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
}
# A top-level key LiteLLM's proxy reads: enough to call a YAML file a LiteLLM config (or a fragment of
# one, such as an included models.yaml holding only model_list).
LITELLM_SECTIONS = (
    "model_list",
    "litellm_settings",
    "router_settings",
    "general_settings",
    "environment_variables",
    "callback_settings",
    "include",
    "credential_list",
    "guardrails",
    "mcp_servers",
)
NO_LITELLM_SECTION = (
    "no LiteLLM section (model_list, litellm_settings, router_settings, general_settings, ...)"
)
_LITELLM_SECTION = re.compile(rb"^(?:" + "|".join(LITELLM_SECTIONS).encode() + rb")\s*:", re.MULTILINE)


@dataclass
class Targets:
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # (path, why)
    errors: list[InputError] = field(default_factory=list)


def default_config(cwd: Path | None = None) -> Path:
    cwd = cwd or Path.cwd()
    for pattern in DEFAULT_NAMES:
        for found in sorted(cwd.glob(pattern)):
            if found.is_file():
                return found.relative_to(cwd) if found.is_relative_to(cwd) else found
    raise InputError(
        f"no config found here (looked for {', '.join(DEFAULT_NAMES)}); pass a path", path=str(cwd)
    )


def looks_like_litellm_config(path: Path) -> str | None:
    """None when the file looks like a LiteLLM proxy config; otherwise why it is skipped."""
    try:
        if not path.is_file():
            return "not a regular file"
        with path.open("rb") as f:
            head = f.read(1 << 20)
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if _LITELLM_SECTION.search(head.removeprefix(b"\xef\xbb\xbf")):
        return None
    return NO_LITELLM_SECTION


def has_litellm_section(data: object) -> bool:
    """The parsed config has a top-level key LiteLLM reads."""
    return isinstance(data, dict) and any(isinstance(k, str) and k in LITELLM_SECTIONS for k in data)


def _walk(folder: Path, targets: Targets, seen: set[Path]) -> None:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = Path(root) / name
            why = looks_like_litellm_config(path)
            if why:
                targets.skipped.append((path, why))
            else:
                real = path.resolve()
                if real not in seen:
                    seen.add(real)
                    targets.files.append(path)


def _drop_included(targets: Targets, found: list[Path]) -> None:
    """Files that another found config includes are fixed through it, not on their own."""
    if len(found) < 2:
        return
    import yaml

    from autofix.includes import is_inside, resolve_entry
    from autofix.loader import safe_load

    included: dict[Path, Path] = {}
    for path in found:
        try:
            head = path.read_bytes()
            if b"include" not in head:
                continue
            data = safe_load(head)
        except (OSError, yaml.YAMLError):
            continue
        entries = data.get("include") if isinstance(data, dict) else None
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, str):
                included.setdefault(resolve_entry(entry, path.resolve(), path.resolve()), path)
    if not included:
        return
    for path in list(found):
        by = included.get(path.resolve())
        if by is not None and by != path:
            targets.files.remove(path)
            if is_inside(path, Path(os.path.realpath(by.parent))):
                targets.skipped.append((path, f"included by {by} (fixed through it)"))
            else:  # not fixed on its own either: its top-level sections would replace the including config's
                targets.skipped.append(
                    (
                        path,
                        f"included by {by} from outside its folder (fixed through it only "
                        "with --edit-outside-includes)",
                    )
                )


def expand(args: list[str]) -> Targets:
    """Files named, files under folders named (LiteLLM configs only), glob matches, and `-`."""
    targets = Targets()
    seen: set[Path] = set()
    walked: list[Path] = []
    for arg in args:
        if arg == "-":
            targets.files.append(STDIN)
            continue
        path = Path(arg)
        if path.is_dir():
            before = len(targets.files)
            _walk(path, targets, seen)
            walked += targets.files[before:]
        elif not path.exists() and glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                targets.errors.append(InputError("no file matches this pattern", path=arg))
            for match in matches:
                m = Path(match)
                if m.is_dir():
                    before = len(targets.files)
                    _walk(m, targets, seen)
                    walked += targets.files[before:]
                elif m.resolve() not in seen:
                    seen.add(m.resolve())
                    targets.files.append(m)
        else:
            key = path.resolve() if path.exists() else path
            if key not in seen:
                seen.add(key)
                targets.files.append(path)
    _drop_included(targets, walked)
    return targets


def read_config(path: Path) -> bytes:
    """The bytes of one config, or an InputError saying in one line why it cannot be read."""
    name = str(path)
    if not path.exists():
        raise InputError("no such file", path=name)
    if path.is_dir():
        raise InputError("is a folder, not a config file", path=name)
    if not path.is_file():
        raise InputError("not a regular file", path=name)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"file is {size / 1e6:.1f} MB; autofix reads configs up to {MAX_BYTES // 2**20} MB", path=name
            )
        return path.read_bytes()
    except PermissionError:
        raise InputError("permission denied", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from None
