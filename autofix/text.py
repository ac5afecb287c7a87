"""The text format: what a person reads on a terminal, one more format beside json, sarif and github.

Colour comes from rich, which turns it off when the stream is not a terminal, when NO_COLOR is set, or
when TERM=dumb. A diff that is not coloured is written byte for byte (rich would drop a CR).
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text

from autofix.batch import Outcome
from autofix.report import mask_line, unified_diff

DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("+", "green"), ("-", "red"), ("@@", "cyan"))


def console(stream: TextIO) -> Console:
    """A rich console on `stream` that prints text as given: no markup, no highlighting, no emoji."""
    return Console(file=stream, markup=False, highlight=False, emoji=False, soft_wrap=True)


class Painter:
    """Writes lines to a stream, styled through rich when colour is on."""

    def __init__(self, stream: TextIO, con: Console | None = None) -> None:
        self.stream = stream
        self.console = con or console(stream)
        self.colour = self.console.color_system is not None and not self.console.no_color

    def line(self, text: str | Text, style: str | None = None) -> None:
        if self.colour or isinstance(text, Text):
            self.console.print(text if isinstance(text, Text) else Text(text, style=style or ""))
        else:
            self.stream.write(text + "\n")

    def styled(self, text: str, style: str) -> Text:
        return Text(text, style=style)

    def diff(self, text: str) -> None:
        if not self.colour:
            self.stream.write(text)
            return
        for line in text.splitlines():
            style = next((s for prefix, s in DIFF_STYLES if line.startswith(prefix)), "")
            self.console.print(Text(line, style=style))


def tag(kind: str) -> str:
    return {"warning": "warning", "unsafe": "unsafe", "refused": "refused"}.get(kind, "note")


class TextReport:
    """The text output of a check or apply run, printed file by file as the outcomes arrive."""

    def __init__(
        self,
        out: TextIO,
        *,
        write: bool,
        check: bool,
        strict: bool,
        show_secrets: bool,
        findings_to: TextIO | None = None,
        diffs: bool = True,
    ) -> None:
        self.out = Painter(out)
        self.notes = self.out if findings_to in (None, out) else Painter(findings_to)
        self.write, self.check, self.strict = write, check, strict
        self.show_secrets = show_secrets
        self.diffs = diffs

    def _mask(self, text: str) -> str:
        return text if self.show_secrets else mask_line(text)

    def skipped(self, path, why: str) -> None:
        self.notes.line(f"skipped {path}: {why}")

    def file(self, outcome: Outcome, *, pending: bool) -> None:
        result = outcome.result
        if result is None:
            return
        if result.changed and outcome.written is not None:
            self._written(outcome)
        elif result.changed and pending and self.check:
            self.out.line(f"would fix {outcome.name}: {', '.join(result.applied)}")
        elif result.changed and pending and self.diffs:
            from autofix.discover import STDIN

            label = "stdin" if outcome.path == STDIN else outcome.path.name
            shown = [(label, result.old_bytes, result.new_bytes)]
            shown += [(str(i.path), i.old_bytes, i.new_bytes) for i in result.included if i.changed]
            for label, old, new in shown:
                self.out.diff(
                    unified_diff(
                        old.decode("utf-8-sig", "replace"),
                        new.decode("utf-8-sig", "replace"),
                        label,
                        show_secrets=self.show_secrets,
                    )
                )
        if self.check and not self.strict:
            return  # --check is one line a file; the findings are counted in the summary
        for f in result.findings:
            where = f.file or outcome.name
            where = f"{where}:{f.line}" if f.line else where
            text = Text(f"{where}: ")
            text.append(f.migration, style="bold")
            text.append(f" {tag(f.kind)}: {self._mask(f.message)}")
            self.notes.line(text)
            if f.manual:
                self.notes.line(f"    fix by hand: {self._mask(f.manual)}")

    def _written(self, outcome: Outcome) -> None:
        text = Text(f"fixed {outcome.name}", style="bold")
        text.append(f": {', '.join(outcome.result.applied)}", style="")
        self.out.line(text)
        for written in [outcome.written, *outcome.written_included]:
            if written is outcome.written and written in outcome.written_included:
                continue
            self.out.line(f"  backup: {written.backup}")
            self.out.line(
                f"  undo:   autofix restore {written.path}   (or: patch -R {written.path} < {written.patch})"
            )

    def summary(self, s: dict, *, n_files: int, to_stdout: bool, order: list[str]) -> None:
        n_fixes, pending, fixed_files = s["fixes"], s["files_pending"], s["files_changed"]
        hidden, optional_ids = s["unsafe_fixes_hidden"], s["optional_fixes_available"]
        verb = "applied" if self.write else "would be applied"
        parts = [f"{n_fixes} fix{'es' if n_fixes != 1 else ''} {verb}"]
        if n_files > 1:
            parts.append(f"{n_files} files")
        if self.write and not to_stdout:
            parts.append(f"{fixed_files} file{'s' if fixed_files != 1 else ''} changed")
        elif pending:
            parts.append(f"{pending} file{'s' if pending != 1 else ''} to change")
        if hidden:
            parts.append(f"{hidden} more fix{'es' if hidden != 1 else ''} with --unsafe-fixes")
        if optional_ids:
            ids = ", ".join(optional_ids)
            parts.append(
                f"{len(optional_ids)} optional P2 fix{'es' if len(optional_ids) != 1 else ''} available "
                f"with --only p2 ({ids})"
            )
        if s["findings"]:
            parts.append(f"{s['findings']} finding{'s' if s['findings'] != 1 else ''}")
        if s["skipped"]:
            parts.append(f"{s['skipped']} skipped")
        if s["errors"]:
            parts.append(f"{s['errors']} error{'s' if s['errors'] != 1 else ''}")
        self.notes.line("; ".join(parts), style="bold")
