"""One file through the whole pipeline: lock, read, run, (optionally) write. No printing here."""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, field
from pathlib import Path

from autofix.discover import STDIN, read_config
from autofix.errors import InputError, InternalError, VerificationError
from autofix.migration import Migration
from autofix.report import preview_tense, unified_diff
from autofix.runner import Result, run


@dataclass
class Outcome:
    path: Path
    result: Result | None = None
    error: str | None = None  # one line: file, line, reason
    written: object | None = None  # writer.Written when the file was saved
    optional: list[str] = field(default_factory=list)  # p2 fixes that would change the file
    written_included: list[object] = field(default_factory=list)  # included files saved
    traceback: str | None = None  # of an internal error: shown only with --debug (or AUTOFIX_DEBUG=1)

    @property
    def name(self) -> str:
        return "<stdin>" if self.path == STDIN else str(self.path)

    def changed_names(self) -> list[str]:
        """The files the fixes change (or changed, once written): the config, then its included files."""
        r = self.result
        if r is None:
            return []
        names = [self.name] if r.new_bytes != r.old_bytes else []
        return names + [str(i.path) for i in r.included if i.changed]

    def written_files(self) -> list:
        """Every file saved (writer.Written), the config first; also those saved before an error stopped it."""
        files = list(self.written_included)
        if self.written is not None and self.written not in files:
            files.insert(0, self.written)
        return files


# every writer.Written of this process, appended while Ctrl-C is held back: what an interrupted run wrote
written_log: list = []


class Interrupted(KeyboardInterrupt):
    """Ctrl-C arrived while a file was being written: the write was finished first; `outcome` says what
    was written."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome)  # in args, so that it survives the trip back from a --jobs worker
        self.outcome = outcome


@contextlib.contextmanager
def _deferred_interrupt():
    """Hold Ctrl-C back while the backup and the config are written (yields the list it lands in)."""
    import signal
    import threading

    hits: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield hits
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous in (signal.SIG_IGN, None):
        yield hits
        return
    signal.signal(signal.SIGINT, lambda *_: hits.append(1))
    try:
        yield hits
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _collector_paused():
    """Run one file with Python's cyclic garbage collector paused.

    A config becomes hundreds of thousands of small objects (nodes, marks, data), all alive until the
    file is done and none of them in a reference cycle: reference counting frees them. Left running,
    the collector walks them over and over as they are made (a sixth of a large file's run). Paused,
    nothing is walked until the file is done; one young-generation pass then frees the cycles the run
    left behind (measured: about 35 KB a file, which a fleet in one process would otherwise carry
    until the collector's thresholds came round: 10 MB more at its peak over 1,000 files).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def fix_file(
    path: Path,
    plan: list[Migration],
    *,
    unsafe: bool = False,
    write: bool = False,
    optional: list[Migration] = (),
    edit_outside: bool = False,
    assume_litellm: bool = False,
    preview: bool | None = None,
) -> Outcome:
    """`assume_litellm`: edit the file even when it has no LiteLLM section (the user says it is one).
    `preview` (default: not `write`): word the findings as what would change ("would remove ...")."""
    with _collector_paused():
        outcome = _fix(
            path,
            plan,
            unsafe=unsafe,
            write=write,
            optional=optional,
            edit_outside=edit_outside,
            assume_litellm=assume_litellm,
        )
    if (not write if preview is None else preview) and outcome.result is not None:
        for f in outcome.result.findings:
            f.message = preview_tense(f.message)
    return outcome


def _fix(
    path: Path,
    plan: list[Migration],
    *,
    unsafe: bool,
    write: bool,
    optional,
    edit_outside: bool,
    assume_litellm: bool,
) -> Outcome:
    from autofix import writer

    outcome = Outcome(path)
    if path == STDIN:
        return _fix_stdin(outcome, plan, unsafe=unsafe, optional=optional, assume_litellm=assume_litellm)
    guard = writer.lock(path) if write else contextlib.nullcontext()
    try:
        with guard:
            data = read_config(path)
            result = run(
                data,
                plan,
                name=str(path),
                unsafe=unsafe,
                optional=list(optional),
                path=path,
                read=read_config,
                edit_outside=edit_outside,
                require_litellm=not assume_litellm,
            )
            outcome.result = result
            outcome.optional = result.optional
            if write and result.changed:
                with _deferred_interrupt() as hits:
                    # included files first: the config that includes them is written last
                    for inc in result.included:
                        if inc.changed:
                            done = writer.write(
                                inc.path,
                                inc.old_bytes,
                                inc.new_bytes,
                                _patch(inc.old_bytes, inc.new_bytes, inc.path),
                                _ids(inc.changes),
                            )
                            written_log.append(done)
                            outcome.written_included.append(done)
                    if result.new_bytes != data:
                        outcome.written = writer.write(
                            path,
                            data,
                            result.new_bytes,
                            _patch(data, result.new_bytes, path),
                            _ids(
                                c for c in result.changes if not any(c in i.changes for i in result.included)
                            ),
                        )
                        written_log.append(outcome.written)
                    elif outcome.written_included:
                        outcome.written = outcome.written_included[0]
                if hits:
                    raise Interrupted(outcome)
    except InputError as exc:
        outcome.error = str(exc if exc.path else exc.located(str(path)))
    except VerificationError as exc:
        outcome.error = f"{path}: {exc}"
    except TimeoutError:
        outcome.error = f"{path}: another autofix run holds the lock on this file; try again"
    except PermissionError as exc:
        outcome.error = f"{path}: permission denied ({exc.filename or 'the lock file'})"
    except Exception as exc:  # a bug in autofix: one line for this file; the other files go on
        _internal(outcome, exc)
    return outcome


def _internal(outcome: Outcome, exc: Exception) -> None:
    from autofix.secrets import mask_line

    err = exc if isinstance(exc, InternalError) else InternalError(exc)
    saved = [w.path for w in [outcome.written, *outcome.written_included] if w is not None]
    tail = (
        "nothing written" if not saved else f"written before it: {', '.join(map(str, dict.fromkeys(saved)))}"
    )
    outcome.error = mask_line(f"{outcome.name}: {err}: {tail}")
    outcome.traceback = err.traceback


def _fix_stdin(
    outcome: Outcome, plan: list[Migration], *, unsafe: bool, optional, assume_litellm: bool
) -> Outcome:
    import sys

    try:
        data = sys.stdin.buffer.read()
        outcome.result = run(
            data,
            plan,
            name="<stdin>",
            unsafe=unsafe,
            optional=list(optional),
            require_litellm=not assume_litellm,
        )
        outcome.optional = outcome.result.optional
    except InputError as exc:
        outcome.error = str(exc if exc.path else exc.located("<stdin>"))
    except VerificationError as exc:
        outcome.error = f"<stdin>: {exc}"
    except Exception as exc:
        _internal(outcome, exc)
    return outcome


def _patch(old: bytes, new: bytes, path: Path) -> str:
    return unified_diff(
        old.decode("utf-8-sig", "replace"), new.decode("utf-8-sig", "replace"), path.name, show_secrets=True
    )


def _ids(changes) -> list[str]:
    """The fixes that made these changes, in order, each once."""
    return list(dict.fromkeys(c.migration for c in changes))
