"""TextIndex: every YAML line break starts a line, whichever way the offsets are found."""

import random

import pytest

from autofix.textindex import _LINE_BREAK, TextIndex


def _by_regex(text: str) -> list[int]:
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


@pytest.mark.parametrize(
    "text",
    ["", "a", "a\n", "\n", "a\nb", "a\nb\n\n", "\n\nx", "a\rb", "a\r\nb\n", "x\u2028y\n", "a\x0bb\nc\x0c"],
)
def test_line_starts(text: str):
    assert TextIndex(text).starts == _by_regex(text)


def test_line_starts_of_random_texts():
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice("ab \n\r\x0b\x1c\x85\u2028") for _ in range(rng.randint(0, 14)))
        assert TextIndex(text).starts == _by_regex(text), repr(text)
