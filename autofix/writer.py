"""Safe writes: backup and patch first, then an atomic replace that keeps the file's mode.

The backup folder `.autofix-backups/` sits beside the config. For `config.yaml` fixed at time T it
holds `config.yaml.T.bak` (the old bytes, byte-identical), `config.yaml.T.patch` (the change as a
unified diff: `patch -R config.yaml < config.yaml.T.patch` undoes it) and `config.yaml.T.json` (the
sha256 of both versions, which `autofix restore` checks). Backups are never more readable than the
config. A symlinked config is edited at its target and stays a link.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from autofix.errors import InputError

BACKUP_DIR = ".autofix-backups"


@dataclass
class Written:
    path: Path
    backup: Path
    patch: Path


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def target_of(path: Path) -> Path:
    """The file a (possibly symlinked) config really is."""
    return Path(os.path.realpath(path))


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte (os.write may write fewer: a full disk, a file size limit)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(28, "no space left to write", None)
        view = view[n:]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_replace(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to a temp file in the same folder, fsync it, and rename it over `path`."""
    folder = path.parent
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".autofix-tmp")
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def cleanup_temp_files(path: Path) -> None:
    """Remove temp files a killed earlier run left beside `path`."""
    for leftover in path.parent.glob(f".{path.name}.*.autofix-tmp"):
        try:
            leftover.unlink()
        except OSError:
            pass


def lock(path: Path, timeout: float = 120.0):
    """An inter-process lock for one config (keyed by its real path), so concurrent applies take turns.

    The lock file lives in the temp folder, not beside the config, so a run that changes nothing leaves
    nothing behind.
    """
    from filelock import FileLock

    folder = Path(tempfile.gettempdir()) / "autofix-locks"
    try:
        folder.mkdir(exist_ok=True)
        if folder.stat().st_uid == os.getuid():
            folder.chmod(0o1777)  # shared by every user, like /tmp (mkdir's mode is cut by the umask)
    except OSError:
        pass
    key = hashlib.sha256(str(target_of(path)).encode()).hexdigest()[:32]
    return FileLock(str(folder / f"{key}.lock"), timeout=timeout, mode=0o666)


def write(path: Path, old: bytes, new: bytes, patch: str, fixes: list[str] | None = None) -> Written:
    """Back up `old`, save the patch, then atomically replace the config with `new`. `fixes` (the ids
    applied) go into the backup's record, for `autofix restore --list`."""
    real = target_of(path)
    try:
        st = real.stat()
        current = real.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file again before writing: {exc.strerror}") from None
    if current != old:
        raise InputError("the file changed on disk while autofix was working; nothing was written, run again")
    mode = stat.S_IMODE(st.st_mode)
    private = mode & 0o600 | (mode & 0o077 & 0o044)  # never wider than the config, never writable by others
    folder = real.parent / BACKUP_DIR
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000_000:09d}"
        base = folder / f"{real.name}.{stamp}"
        backup, patch_file, meta = (base.with_name(base.name + s) for s in (".bak", ".patch", ".json"))
        _write_new(backup, old, private)
        _write_new(patch_file, patch.encode("utf-8"), private)
        record = {
            "config": str(real),
            "backup": backup.name,
            "old_sha256": _sha256(old),
            "new_sha256": _sha256(new),
            **({"fixes": list(fixes)} if fixes is not None else {}),
        }
        _write_new(meta, json.dumps(record, indent=1).encode(), private)
        _fsync_dir(folder)
        cleanup_temp_files(real)
        atomic_replace(real, new, mode)
    except PermissionError as exc:
        raise InputError(
            f"permission denied writing {exc.filename or real.parent}; nothing was changed"
        ) from None
    except OSError as exc:
        raise InputError(
            f"cannot write: {exc.strerror} ({exc.filename}); the config was not changed"
        ) from None
    return Written(real, backup, patch_file)


def backups(path: Path) -> list[Path]:
    real = target_of(path)
    folder = real.parent / BACKUP_DIR
    return sorted(folder.glob(f"{real.name}.*.json")) if folder.is_dir() else []


@dataclass
class Backup:
    """One backup of a config, as `autofix restore --list` shows it."""

    record: Path  # NAME.STAMP.json
    stamp: str
    made: str  # UTC, from the stamp
    size: int | None  # bytes of the .bak (None: missing)
    fixes: list[str] | None  # the fixes that apply made (None: not recorded, or a damaged record)
    damaged: bool = False


@dataclass
class Restored:
    """What `restore` did, for the command line to say."""

    backup: Path  # the .bak that was put back
    kept: Path | None  # where the bytes it replaced were saved (None: they were the backup's bytes)
    hand_edited: bool  # the bytes replaced were not autofix's output (edits made after that apply)
    removed: bool  # the used backup (.bak, .patch, .json) was deleted
    left: int  # backups of this config that remain


def list_backups(path: Path) -> list[Backup]:
    """The backups of a config, newest first."""
    real = target_of(path)
    out = []
    for meta in reversed(backups(path)):
        stamp = meta.name[len(real.name) + 1 : -len(".json")]
        made = f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}"
        try:
            record = json.loads(meta.read_text())
            backup = meta.with_name(record["backup"])
            fixes, damaged = record.get("fixes"), False
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            backup, fixes, damaged = meta.with_suffix(".bak"), None, True
        try:
            size = backup.stat().st_size
        except OSError:
            size = None
        out.append(Backup(meta, stamp, made, size, fixes, damaged))
    return out


def restore(path: Path, which: str | None = None, *, keep: bool = False) -> Restored:
    """Put a backup back (the newest, or `which`: a stamp, a unique start of one, or 1 for the newest,
    2 for the one before...), after checking its hash. The bytes it replaces are kept as
    `NAME.STAMP.pre-restore` (restore never picks those); the used backup is deleted unless `keep`."""
    real = target_of(path)
    found = backups(path)
    if not found:
        raise InputError(f"no autofix backup of {real.name} in {real.parent / BACKUP_DIR}")
    meta = found[-1]
    if which is not None:
        newest_first = list(reversed(found))
        stamps = [m.name[len(real.name) + 1 : -len(".json")] for m in newest_first]
        if which.isdigit() and 1 <= int(which) <= len(found) and len(which) < 4:
            meta = newest_first[int(which) - 1]
        else:
            matches = [m for m, st in zip(newest_first, stamps, strict=True) if st.startswith(which)]
            if len(matches) != 1:
                raise InputError(
                    f"{'no' if not matches else 'more than one'} backup of {real.name} matches "
                    f"{which!r}; 'autofix restore --list {path}' lists them"
                )
            meta = matches[0]
    try:
        record = json.loads(meta.read_text())
        backup = meta.with_name(record["backup"])
        record["old_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(
            f"the backup record {meta.name} is damaged (an interrupted run?); restore "
            f"by hand from {meta.parent}, or delete that record"
        ) from None
    try:
        data = backup.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the backup {backup}: {exc.strerror}") from None
    if _sha256(data) != record["old_sha256"]:
        raise InputError(f"the backup {backup.name} does not match its recorded hash; refusing to restore it")
    kept = None
    try:
        st = real.stat()
        current = real.read_bytes()
        mode = stat.S_IMODE(st.st_mode)
        if current != data:
            stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{time.time_ns() % 1_000_000_000:09d}"
            kept = meta.parent / f"{real.name}.{stamp}.pre-restore"
            _write_new(kept, current, mode & 0o644)
            atomic_replace(real, data, mode)
        if not keep:
            for used in (meta, backup, backup.with_suffix(".patch")):
                used.unlink(missing_ok=True)
    except PermissionError as exc:
        raise InputError(
            f"permission denied writing {exc.filename or real.parent}; nothing was changed"
        ) from None
    hand_edited = kept is not None and _sha256(current) != record.get("new_sha256")
    return Restored(backup, kept, hand_edited, not keep, len(backups(path)))
