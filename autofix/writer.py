"""Safe writes: backup and patch first, then an atomic replace that keeps the file's mode.

The backup folder `.autofix-backups/` sits beside the config. For `config.yaml` fixed at time T it
holds `config.yaml.T.bak` (the old bytes, byte-identical), `config.yaml.T.patch` (the change as a
unified diff: `patch -R config.yaml < config.yaml.T.patch` undoes it) and `config.yaml.T.json` (the
sha256 of both versions, which `autofix restore` checks). Backups are never more readable than the
config. A symlinked config is edited at its target and stays a link.

The folder holds a `.gitignore` of `*` (written when missing, as pytest does for its cache), so a
`git add -A` never commits a backup of a production config. `--backup-dir DIR` (or the environment
variable AUTOFIX_BACKUP_DIR) keeps every backup in DIR instead, for read-only config folders and for
keeping them out of a repository: DIR/.gitignore, and one subfolder a config, `NAME-HASH` (NAME the
config's file name, HASH the first 16 hex digits of the sha256 of its real path), holding the same
three files. Configs with the same name in different folders never share a subfolder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from autofix.errors import InputError

BACKUP_DIR = ".autofix-backups"
BACKUP_DIR_ENV = "AUTOFIX_BACKUP_DIR"
GITIGNORE = (
    b"# Created by autofix: git ignores this folder (backups hold the old config, secrets included).\n*\n"
)
_chosen_root: Path | None = None  # --backup-dir, while a command runs (see backup_dir_option)


@dataclass
class Written:
    path: Path
    backup: Path
    patch: Path
    new_folder: Path | None = None  # the backup folder, when this write created it


@contextlib.contextmanager
def backup_dir_option(value: str | os.PathLike | None):
    """Use `value` (the CLI's --backup-dir) as the backup folder while the block runs; worker processes
    forked inside it inherit the choice. None leaves AUTOFIX_BACKUP_DIR or the default in force."""
    global _chosen_root
    before = _chosen_root
    if value is not None and str(value):
        _chosen_root = _absolute(value)
    try:
        yield
    finally:
        _chosen_root = before


def _absolute(folder: str | os.PathLike) -> Path:
    return Path(os.path.abspath(os.path.expanduser(folder)))


def backup_root() -> Path | None:
    """The shared backup folder (--backup-dir, else AUTOFIX_BACKUP_DIR), or None: beside each config."""
    if _chosen_root is not None:
        return _chosen_root
    env = os.environ.get(BACKUP_DIR_ENV, "")
    return _absolute(env) if env else None


def backup_folder(path: Path) -> Path:
    """Where the backups of the config at `path` go (see the module's doc for the layout)."""
    real = target_of(path)
    root = backup_root()
    if root is None:
        return real.parent / BACKUP_DIR
    return root / f"{real.name}-{_sha256(os.fsencode(real))[:16]}"


def _ignored_by_git(folder: Path) -> None:
    """Write `folder/.gitignore` (`*`) unless something is there already."""
    if not os.path.lexists(folder / ".gitignore"):
        try:
            _write_new(folder / ".gitignore", GITIGNORE, 0o600)
        except FileExistsError:  # another run wrote it meanwhile
            pass


def _make_backup_folder(folder: Path) -> Path | None:
    """Create the backup folder (private) and its .gitignore; return the folder a user should be told
    about when this call created it."""
    root = backup_root()
    top = folder if root is None else root
    created = None
    for make in (root, folder) if root is not None else (folder,):
        try:
            make.mkdir(mode=0o700, parents=make is root)
            created = created or make
        except FileExistsError:  # there already (a file there fails below, on the first write)
            pass
    _ignored_by_git(top)
    return created if created == top else None


def new_folder_notes(written: list[Written | None]) -> list[str]:
    """One line for each backup folder these writes created: where backups go, how to move them."""
    folders = dict.fromkeys(w.new_folder for w in written if w is not None and w.new_folder is not None)
    return [
        f"backups go to {folder}{os.sep} (git ignores it); keep them elsewhere with --backup-dir DIR "
        f"or {BACKUP_DIR_ENV}=DIR"
        for folder in folders
    ]


def _sha256(data: bytes) -> str:
    import hashlib  # here: a preview (check, --dry-run) never loads it (OpenSSL: a few ms at start)

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


LOCK_SUFFIX = ".autofix-lock"


def lock_path(path: Path) -> Path:
    """The lock file of a config: beside its real file, so only those who may write there can make it."""
    real = target_of(path)
    name = f".{real.name}{LOCK_SUFFIX}"
    if len(name.encode()) > 255:  # the longest name most file systems allow
        name = f".{_sha256(real.name.encode())[:32]}{LOCK_SUFFIX}"
    return real.with_name(name)


@contextlib.contextmanager
def lock(path: Path, timeout: float = 120.0, poll: float = 0.05):
    """An inter-process lock for one config, so concurrent applies on it take turns.

    The lock is an advisory `flock` on `.NAME.autofix-lock` beside the config's real file (a symlinked
    config is locked at its target). Only those who may write that folder, and so may replace the config
    anyway, can create, remove or replace it; it is created mode 600 (640 when the folder is group-
    writable) and opened without following a symlink, so no one else can hold it, and a symlink, folder
    or FIFO in its place is refused with one line. The holder deletes it before letting go, so a run
    leaves nothing behind; a waiter that locked a file deleted meanwhile (or replaced) starts over. A
    lock file left by a killed run is taken over and deleted by the next run. A user who cannot create
    files in the config's folder cannot write the config either (the atomic replace needs it): such a run
    takes no lock, and fails with one line if it has something to write.

    Raises TimeoutError when another run holds the lock for `timeout` seconds, InputError when the
    lock's place is taken by something that is not a lock file.
    """
    name = lock_path(path)
    deadline = time.monotonic() + timeout
    fd = _take_lock(name, deadline, timeout, poll)
    try:
        yield name if fd is not None else None
    finally:
        if fd is not None:
            try:
                os.unlink(name)  # while still holding it: a run waiting on this inode sees it is gone
            except OSError:
                pass  # not ours to delete (a sticky folder): harmless, the next run takes it over
            os.close(fd)


def _take_lock(name: Path, deadline: float, timeout: float, poll: float) -> int | None:
    """The descriptor of the locked lock file, or None when the caller cannot write beside the config."""
    folder = name.parent
    while True:
        try:
            mode = 0o640 if os.stat(folder).st_mode & stat.S_IWGRP else 0o600
            fd = os.open(name, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, mode)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                return None  # no such folder: reading the config says so, in its own words
            writable = os.access(folder, os.W_OK | os.X_OK)
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and not writable:
                # cannot write beside the config, so cannot write the config: nothing to serialise
                return None
            if exc.errno == errno.EACCES and name.is_file() and not name.is_symlink():
                # another user's lock file, in a folder both may write: wait for their run to delete it
                if time.monotonic() >= deadline:
                    raise InputError(
                        f"the lock file {name} (user id {name.stat().st_uid}) is still there after "
                        f"{timeout:.0f} s: another user's autofix run holds it, or one was killed; "
                        "if no autofix runs, delete it"
                    ) from None
                time.sleep(poll)
                continue
            if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                raise InputError(
                    f"{name} is in the way of autofix's lock file (a symlink or a folder); "
                    "nothing was changed: remove it"
                ) from None
            raise InputError(
                f"cannot create the lock file {name}: {exc.strerror}; nothing was changed"
            ) from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise InputError(
                    f"{name} is in the way of autofix's lock file (not a regular file); nothing "
                    "was changed: remove it"
                )
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise TimeoutError(f"{name} is held by another run") from None
                    time.sleep(poll)
            try:
                now = os.stat(name, follow_symlinks=False)
            except FileNotFoundError:
                now = None
        except BaseException:
            os.close(fd)
            raise
        if now is not None and (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
            return fd
        os.close(fd)  # the run before deleted (or someone replaced) the file we waited on: again


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
    folder = backup_folder(real)
    try:
        new_folder = _make_backup_folder(folder)
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
    return Written(real, backup, patch_file, new_folder)


def backups(path: Path) -> list[Path]:
    real = target_of(path)
    folder = backup_folder(real)
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
    skipped: tuple[str, ...] = ()  # newer records that were damaged (an interrupted run) and passed over


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
        elsewhere = (
            "" if backup_root() else f" (backups kept elsewhere: --backup-dir DIR or {BACKUP_DIR_ENV})"
        )
        raise InputError(f"no autofix backup of {real.name} in {backup_folder(real)}{elsewhere}")
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
    # the newest backup whose record is whole: a record left damaged by an interrupted run is passed
    # over (and said so), never guessed from; a backup picked by name must be whole itself
    candidates = [meta] if which is not None else list(reversed(found))
    skipped: list[str] = []
    record = None
    for meta in candidates:
        record = _read_record(meta)
        if record is not None:
            break
        skipped.append(meta.name)
    if record is None:
        raise InputError(
            f"the backup record {skipped[-1]} is damaged (an interrupted run?)"
            + (f", and so are the {len(skipped) - 1} older ones" if len(skipped) > 1 else "")
            + f"; restore by hand from {meta.parent}, or delete that record"
        )
    backup = meta.with_name(record["backup"])
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
    return Restored(backup, kept, hand_edited, not keep, len(backups(path)), tuple(skipped))


def _read_record(meta: Path) -> dict | None:
    """A backup record, or None when it cannot be read whole (a run killed while writing it)."""
    try:
        record = json.loads(meta.read_text())
        if isinstance(record, dict) and isinstance(record["backup"], str) and record["old_sha256"]:
            return record
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None
