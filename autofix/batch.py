"""One file through the whole pipeline: lock, read, run, (optionally) write. No printing here."""

from __future__ import annotations

import contextlib
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


def fix_file(
    path: Path,
    plan: list[Migration],
    *,
    unsafe: bool = False,
    write: bool = False,
    optional: list[Migration] = (),
    assume_litellm: bool = False,
    preview: bool | None = None,
) -> Outcome:
    """`assume_litellm`: edit the file even when it has no LiteLLM section (the user says it is one).
    `preview` (default: not `write`): word the findings as what would change ("would remove ...")."""
    outcome = _fix(path, plan, unsafe=unsafe, write=write, optional=optional, assume_litellm=assume_litellm)
    if (not write if preview is None else preview) and outcome.result is not None:
        for f in outcome.result.findings:
            f.message = preview_tense(f.message)
    return outcome


def _fix(
    path: Path, plan: list[Migration], *, unsafe: bool, write: bool, optional, assume_litellm: bool
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
                optional=list(optional) if not write else [],
                path=path,
                read=read_config,
                require_litellm=not assume_litellm,
            )
            outcome.result = result
            outcome.optional = result.optional
            if write and result.changed:
                # included files first: the config that includes them is written last
                for inc in result.included:
                    if inc.changed:
                        outcome.written_included.append(
                            writer.write(
                                inc.path,
                                inc.old_bytes,
                                inc.new_bytes,
                                _patch(inc.old_bytes, inc.new_bytes, inc.path),
                            )
                        )
                if result.new_bytes != data:
                    outcome.written = writer.write(
                        path, data, result.new_bytes, _patch(data, result.new_bytes, path)
                    )
                elif outcome.written_included:
                    outcome.written = outcome.written_included[0]
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
    from autofix.report import mask_line

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
