"""Which files to process: the paths given, or the usual LiteLLM config names in the current folder."""

from __future__ import annotations

from pathlib import Path

from autofix.errors import InputError

MAX_BYTES = 32 * 1024 * 1024  # a LiteLLM config of 10,000 models is about 3 MB

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


def default_config(cwd: Path | None = None) -> Path:
    cwd = cwd or Path.cwd()
    for pattern in DEFAULT_NAMES:
        for found in sorted(cwd.glob(pattern)):
            if found.is_file():
                return found.relative_to(cwd) if found.is_relative_to(cwd) else found
    raise InputError(
        f"no config found here (looked for {', '.join(DEFAULT_NAMES)}); pass a path", path=str(cwd)
    )


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
            raise InputError(f"file is {size / 1e6:.1f} MB; autofix reads configs up to {MAX_BYTES // 2**20} MB", path=name)
        return path.read_bytes()
    except PermissionError:
        raise InputError("permission denied", path=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=name) from None
