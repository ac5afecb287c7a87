"""Errors a user can cause: each becomes one line naming the file, the line and the reason."""

from __future__ import annotations


class InputError(Exception):
    """A config autofix refuses to touch (bad YAML, duplicate keys, not a file, ...)."""

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path
        self.line = line

    def located(self, path: str) -> InputError:
        return InputError(self.reason, path=path, line=self.line)

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"


class EditRefused(Exception):
    """An edit the Document will not make (shared anchor, merge key, ...); becomes a finding."""

    def __init__(self, reason: str, *, line: int | None = None, path: tuple | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.path = path  # the path being edited, when known: the finding gets its line on disk


class VerificationError(Exception):
    """The rendered output does not parse, or differs from the input where no fix said it would."""


class InternalError(Exception):
    """A bug in autofix (an unexpected exception, e.g. in one fix): one line for that file, no traceback
    unless asked for (`--debug` or AUTOFIX_DEBUG=1); the other files go on."""

    def __init__(self, exc: BaseException, where: str | None = None):
        import traceback

        detail = str(exc).strip().splitlines()
        super().__init__(detail[0] if detail else "")
        self.where = where  # the fix that raised it, when known
        self.kind = type(exc).__name__
        self.detail = detail[0] if detail else ""
        self.traceback = "".join(traceback.format_exception(exc))

    def __str__(self) -> str:
        where = f" in {self.where}" if self.where else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"internal error{where} ({self.kind}{detail})"
