"""Lines of a text: from a character offset to its line and back (every YAML line break counts)."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

_LINE_BREAK = re.compile(r"\r\n|\r|\n|\x85|\u2028|\u2029")
# what str.splitlines also splits on, besides \n
_OTHER_BREAKS = re.compile(r"[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class TextIndex:
    """Where each line of `text` starts, for offset ↔ line look-ups (lines are 0-based here)."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str):
        self.text = text
        if _OTHER_BREAKS.search(text):
            self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        else:  # only \n breaks lines (the usual case): the same offsets, summed in C
            starts = [0, *accumulate(map(len, text.splitlines(keepends=True)))]
            if text and not text.endswith("\n"):
                starts.pop()  # the end of a last line without a break starts no line
            self.starts = starts

    def __len__(self) -> int:
        return len(self.starts)

    def line_of(self, offset: int) -> int:
        """The 0-based line that holds `offset`."""
        return bisect.bisect_right(self.starts, offset) - 1

    def start(self, line: int) -> int:
        """Offset where 0-based `line` starts (the end of the text for the line after the last)."""
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_start(self, offset: int) -> int:
        return self.starts[self.line_of(offset)]

    def line_end(self, offset: int) -> int:
        """Offset of the line break that ends the line holding `offset` (or the end of the text)."""
        i = self.line_of(offset)
        if i + 1 >= len(self.starts):
            return len(self.text)
        nxt = self.starts[i + 1]
        return nxt - 2 if self.text[nxt - 2 : nxt] == "\r\n" else nxt - 1

    def next_line_start(self, offset: int) -> int:
        return self.start(self.line_of(offset) + 1)

    def line_text(self, line: int) -> str:
        """The text of 0-based `line`, without its line break."""
        return self.text[self.starts[line] : self.start(line + 1)].rstrip("\r\n\x85\u2028\u2029")
