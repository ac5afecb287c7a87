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
