"""The text format: what a person reads on a terminal, one more format beside json, sarif and github.

Per file: the diff (a preview), what was or would be changed (a line per fix), the warnings, and the
manual steps, numbered, once each; after every file, the summary. `quiet` keeps a line per file and
the summary; `verbose` adds every note. Colour comes from rich, which turns it off when the stream is
not a terminal, when NO_COLOR is set, or when TERM=dumb. Text wraps to the terminal's width (or to
COLUMNS when it is set); otherwise a line stays one line. A diff is never wrapped, and is written byte
for byte when it is not coloured (rich would drop a CR).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TextIO

from rich.console import Console
from rich.text import Text

from autofix.batch import Outcome
from autofix.changes import format_path
from autofix.report import unified_diff
from autofix.secrets import mask_line, mask_value

DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("+", "green"), ("-", "red"), ("@@", "cyan"))
VERBS = {
    "add": ("would add", "added"),
    "delete": ("would remove", "removed"),
    "set": ("would change", "changed"),
}
# the leading past tense of a note, for a preview (the fix has not been made yet)
PREVIEW = {
    "added": "would add",
    "removed": "would remove",
    "replaced": "would replace",
    "derived": "would derive",
    "enabled": "would enable",
    "set": "would set",
    "deleted": "would delete",
    "moved": "would move",
    "kept": "would keep",
    "wrote": "would write",
    "dropped": "would drop",
    "renamed": "would rename",
    "converted": "would convert",
    "turned": "would turn",
    "changed": "would change",
}


def console(stream: TextIO, **kwargs) -> Console:
    """A rich console on `stream` that prints text as given: no markup, no highlighting, no emoji."""
    return Console(file=stream, markup=False, highlight=False, emoji=False, soft_wrap=True, **kwargs)


class Painter:
    """Writes lines to a stream: styled through rich when colour is on, wrapped when there is a width."""

    def __init__(self, stream: TextIO, con: Console | None = None) -> None:
        self.stream = stream
        self.console = con or console(stream)
        self.colour = self.console.color_system is not None and not self.console.no_color
        self.wrap = con is not None or self.console.is_terminal or bool(os.environ.get("COLUMNS"))

    def line(self, text: str | Text = "", style: str | None = None) -> None:
        if self.colour or self.wrap or isinstance(text, Text):
            self.console.print(
                text if isinstance(text, Text) else Text(text, style=style or ""), soft_wrap=not self.wrap
            )
        else:
            self.stream.write(text + "\n")

    def item(self, head: str | Text, body: str | Text, indent: int = 2) -> None:
        """`head body`, the body wrapped under itself (a hanging indent) when wrapping."""
        head = Text(" " * indent) + (head if isinstance(head, Text) else Text(head)) + Text(" ")
        body = body if isinstance(body, Text) else Text(body)
        room = self.console.width - head.cell_len
        if not self.wrap or room < 20:
            self.line(head + body)
            return
        for n, part in enumerate(body.wrap(self.console, room, overflow="fold")):
            part.rstrip()
            self.console.print((head if n == 0 else Text(" " * head.cell_len)) + part, soft_wrap=True)

    def diff(self, text: str) -> None:
        if not self.colour:
            self.stream.write(text)
            return
        for line in text.splitlines():
            style = next((s for prefix, s in DIFF_STYLES if line.startswith(prefix)), "")
            self.console.print(Text(line, style=style), soft_wrap=True)


def tag(kind: str, blocks_startup: bool = False) -> str:
    word = {"warning": "warning", "unsafe": "unsafe", "refused": "refused"}.get(kind, "note")
    return f"{word}, the proxy does not start" if blocks_startup else word


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _short(value) -> str | None:
    import json

    if isinstance(value, bool | int | float) or value is None:
        return json.dumps(value)
    if isinstance(value, str) and len(value) <= 40:
        return value
    return None


def change_lines(result, *, done: bool, show_secrets: bool) -> list[tuple[str, str]]:
    """One (fix id, text) per fix that changes the file: each kind of change once, counted."""
    lines = []
    for mid in result.applied:
        groups: dict[tuple[str, str], list] = {}
        for c in result.changes:
            if c.migration == mid:
                shape = re.sub(r"\[\d+\]", "[*]", format_path(c.path))
                groups.setdefault((c.kind, shape), []).append(c)
        by_verb: dict[str, list[str]] = {}
        for (kind, shape), changes in groups.items():
            text = shape
            if len(changes) > 1:
                text += f" ({len(changes)}×)"
            elif kind == "set":
                c = changes[0]
                key = c.path[-1] if c.path else None
                old, new = (_short(mask_value(key, v, show_secrets)) for v in (c.old, c.new))
                if old is not None and new is not None:
                    text += f": {old} → {new}"
            by_verb.setdefault(VERBS[kind][1 if done else 0], []).append(text)
        parts = [f"{verb} {', '.join(items)}" for verb, items in by_verb.items()]
        lines.append((mid, "; ".join(parts)))
    return lines


@dataclass
class Steps:
    """The manual steps of one file, each once, in the order found."""

    items: list[tuple[str, str, str]] = field(default_factory=list)  # (where, fix id, step)

    def add(self, where: str, mid: str, step: str) -> None:
        if all(step != s for _, _, s in self.items):
            self.items.append((where, mid, step))


class TextReport:
    """The text output of a check or apply run, printed file by file as the outcomes arrive."""

    def __init__(
        self,
        out: TextIO,
        *,
        write: bool,
        quiet: bool,
        verbose: bool,
        strict: bool,
        show_secrets: bool,
        diffs: bool = True,
        labels: dict[str, str] | None = None,
        rerun: str = "",
        con: Console | None = None,
    ) -> None:
        self.out = Painter(out, con)
        self.write, self.quiet, self.verbose, self.strict = write, quiet, verbose, strict
        self.show_secrets = show_secrets
        self.diffs = diffs
        self.labels = labels or {}  # fix id → slug
        self.rerun = rerun  # the paths as the user gave them, for "run autofix apply PATHS"
        self.steps = self.notes = 0

    def _mask(self, text: str) -> str:
        return text if self.show_secrets else mask_line(text)

    def skipped(self, path, why: str) -> None:
        self.out.line(f"skipped {path}: {why}")

    def _head(self, mid: str) -> Text:
        if self.out.wrap and self.out.console.width < 100:
            return Text(f"{mid:<3}", style="bold")
        return Text(f"{mid:<4}", style="bold") + Text(f" {self.labels.get(mid, ''):<24}")

    def file(self, outcome: Outcome, *, pending: bool) -> None:
        result = outcome.result
        if result is None:
            return
        done = outcome.written is not None or not self.diffs  # stdin to stdout: the output is fixed
        findings = result.findings
        manual = [f for f in findings if f.manual]
        notes = [f for f in findings if f.kind == "info" and not f.manual]
        self.steps += len({f.manual for f in manual})
        self.notes += len(notes)
        changed = result.changed and (done or pending)
        if self.quiet:
            if changed:
                verb = "fixed" if done else "would fix"
                names = outcome.changed_names()
                also = f" (changes {', '.join(names)})" if names != [outcome.name] else ""
                self.out.line(f"{verb} {outcome.name}: {', '.join(result.applied)}{also}")
            for f in findings:
                if f.blocks_startup:  # the proxy will not start: said even in the quiet gate
                    self.out.item(self._where(outcome, f), self._finding(f))
                    if f.manual:
                        self.out.item("", Text(f"fix by hand: {self._mask(f.manual)}"), indent=4)
            return
        if changed:
            self._changes(outcome, done=done, pending=pending)
        elif not self.verbose:
            hidden = sum(len(v) for v in result.hidden_unsafe.values())
            steps = len({f.manual for f in manual})
            line = f"{outcome.name}: nothing to fix"
            if steps:
                line += f"; {_plural(steps, 'manual step')} remain{'s' if steps == 1 else ''}"
            if hidden:
                line += f"; {hidden} more with --unsafe-fixes"
            if steps or hidden:
                line += f" (autofix check -v {outcome.name} lists {'them' if steps + hidden > 1 else 'it'})"
            self.out.line(line)
            self._warnings(outcome, findings)
            return
        else:
            self.out.line(Text(f"{outcome.name}: nothing to fix", style="bold"))
        self._hidden(outcome)
        self._warnings(outcome, findings)
        if self.verbose and notes:
            self.out.line("notes:")
            for f in notes:
                message = self._mask(f.message)  # worded for a preview by batch.fix_file
                self.out.item(self._where(outcome, f), Text(f"{f.migration} ", style="bold") + Text(message))
        if manual:
            steps = Steps()
            for f in manual:
                what = re.sub(r"^model_list\[\d+\]\.", "", f.where) if f.where else ""
                steps.add(self._where(outcome, f) + (f" {what}" if what else ""), f.migration, f.manual)
            self.out.line(f"manual steps ({len(steps.items)}):")
            for n, (where, mid, step) in enumerate(steps.items, 1):
                self.out.item(
                    f"{n:>2}.", Text(f"{where} ") + Text(mid, style="bold") + Text(f": {self._mask(step)}")
                )

    def _where(self, outcome: Outcome, f) -> str:
        where = f.file or outcome.name
        return f"{where}:{f.line}" if f.line else where

    def _changes(self, outcome: Outcome, *, done: bool, pending: bool) -> None:
        result = outcome.result
        if pending and self.diffs and outcome.written is None:
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
        n = len(result.applied)
        verb = "fixed" if outcome.written is not None else "changed" if done else "would change"
        self.out.line(
            Text(f"{verb} {outcome.name}", style="bold") + Text(f" ({_plural(n, 'fix', 'fixes')}):")
        )
        for mid, text in change_lines(result, done=done, show_secrets=self.show_secrets):
            self.out.item(self._head(mid), self._mask(text))
        names = outcome.changed_names()
        if names != [outcome.name] and (outcome.written is not None or not done):
            included = ", ".join(n for n in names if n != outcome.name)
            self.out.line(
                f"  also {'changed' if outcome.written is not None else 'changes'}: {included} (included)"
                if outcome.name in names
                else f"  {'changed' if outcome.written is not None else 'changes'}: {included} "
                f"(included; {outcome.name} itself is unchanged)"
            )
        if outcome.written is not None:
            for written in outcome.written_files():
                self.out.line(f"  backup: {written.backup}")
                self.out.line(
                    f"  undo:   autofix restore {written.path}   (or: patch -R {written.path} < "
                    f"{written.patch})"
                )
            if result.findings:
                self.out.line(
                    "  lines:  the findings' lines are those of the file before the fixes (the backup)"
                )

    def _hidden(self, outcome: Outcome) -> None:
        result = outcome.result
        if not result.hidden_unsafe:
            return
        total = sum(len(v) for v in result.hidden_unsafe.values())
        self.out.line(f"not changed without --unsafe-fixes ({total}):")
        for mid, descriptions in result.hidden_unsafe.items():
            if self.verbose:
                for d in descriptions:
                    self.out.item(self._head(mid), self._mask(d))
                continue
            paths = []
            for f in result.findings:
                if f.migration == mid and f.kind == "unsafe" and f.where and f.where not in paths:
                    paths.append(f.where)
            shown = ", ".join(paths[:4]) + (f" and {len(paths) - 4} more" if len(paths) > 4 else "")
            self.out.item(
                self._head(mid),
                self._mask(
                    f"{_plural(len(descriptions), 'change')}: {shown}"
                    if shown
                    else _plural(len(descriptions), "change")
                ),
            )

    def _finding(self, f) -> Text:
        return Text(f"{f.migration} ", style="bold") + Text(
            f"{tag(f.kind, f.blocks_startup)}: {self._mask(f.message)}"
        )

    def _warnings(self, outcome: Outcome, findings) -> None:
        warnings = [f for f in findings if f.kind in ("warning", "refused") or f.blocks_startup]
        if not warnings:
            return
        self.out.line("warnings:")
        for f in warnings:
            self.out.item(self._where(outcome, f), self._finding(f))

    def partial(self, written) -> None:
        """An included file saved before an error stopped the rest of its config."""
        self.out.line(f"changed {written.path} before the error")
        self.out.line(f"  backup: {written.backup}")

    def note(self, text: str) -> None:
        self.out.line(f"autofix: {text}")

    def summary(self, s: dict, *, n_files: int, to_stdout: bool, touched: list[str] = ()) -> None:
        n_fixes, pending, fixed_files = s["fixes"], s["files_pending"], s["files_changed"]
        hidden, optional_ids = s["unsafe_fixes_hidden"], s["optional_fixes_available"]
        default_ids = s.get("default_fixes_pending", [])
        verb = "applied" if self.write else "would be applied"
        parts = [f"{_plural(n_fixes, 'fix', 'fixes')} {verb}" if n_fixes or s["errors"] else "nothing to fix"]
        if n_files > 1:
            parts.append(f"{n_files} files")
        # up to 10 files named here; with more, each is named on its own line above
        named = f": {', '.join(touched)}" if touched and len(touched) <= 10 else ""
        if self.write and not to_stdout and (n_fixes or fixed_files):
            parts.append(f"{_plural(fixed_files, 'file')} changed{named}")
        elif pending:
            parts.append(f"{_plural(pending, 'file')} to change{named}")
        if default_ids:
            run = (
                f"run 'autofix apply {self.rerun}'"
                if self.write
                else f"'autofix check {self.rerun}' previews them"
            )
            parts.append(
                f"{_plural(len(default_ids), 'default fix', 'default fixes')} still pending "
                f"({', '.join(default_ids)}): {run}"
            )
        if hidden:
            parts.append(f"{hidden} more fix{'es' if hidden != 1 else ''} with --unsafe-fixes")
        if s.get("files_not_starting"):
            parts.append(f"{_plural(s['files_not_starting'], 'file')} the proxy will not start with")
        if optional_ids:
            ids = ", ".join(optional_ids)
            parts.append(
                f"{len(optional_ids)} optional P2 fix{'es' if len(optional_ids) != 1 else ''} available "
                f"with --only p2 ({ids})"
            )
        if self.steps:
            parts.append(_plural(self.steps, "manual step"))
        if s["findings"]:
            parts.append(
                f"{_plural(s['findings'], 'finding')}"
                + ("" if self.verbose or not self.notes else f" ({_plural(self.notes, 'note')}: -v)")
            )
        if s["skipped"]:
            parts.append(f"{s['skipped']} skipped")
        if s["errors"]:
            parts.append(f"{s['errors']} error{'s' if s['errors'] != 1 else ''}")
        self.out.line(Text("; ".join(parts), style="bold"))


def table(stream: TextIO, headers: list[str], rows: list[list[str]], *, title: str | None = None) -> None:
    """Rows as a rich table on a terminal; as plain aligned columns otherwise (for scripts and grep)."""
    out = Painter(stream)
    if out.console.is_terminal:
        from rich import box
        from rich.table import Table

        t = Table(
            *headers,
            title=title,
            title_justify="left",
            header_style="bold",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        for row in rows:
            t.add_row(*row)
        out.console.print(t, soft_wrap=False)
        return
    if title:
        out.line(title)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    for row in [headers, *rows]:
        out.line("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
