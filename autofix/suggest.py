"""Did you mean: the one valid name a misspelled one was clearly meant to be, or None.

A name is taken for a misspelling of a valid one when
- it is at most a letter or two away (Damerau-Levenshtein distance, case ignored: 1 for names of up to
  five letters, 2 for longer ones; a difference only in case or in `-`/`_` counts as a typo too);
- exactly one valid name is that near (a tie means there is no clear answer);
- it is not a different word that looks alike: the words of the two names (split at `_`, `-`, `.`)
  must not differ by an opposite (`enable`/`disable`, `min`/`max`, `include`/`exclude`, ...), nor
  by a word that is itself a word of the valid names (`rpm_limit` is no misspelling of `tpm_limit`),
  except for a plural `s`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Words that mean the opposite of each other (or a different side): never a typo of one another.
OPPOSITES = (
    ("enable", "disable"), ("enabled", "disabled"), ("allow", "disallow"), ("allow", "deny"),
    ("allowed", "disallowed"), ("include", "exclude"), ("included", "excluded"), ("min", "max"),
    ("minimum", "maximum"), ("input", "output"), ("pre", "post"), ("success", "failure"),
    ("start", "end"), ("upper", "lower"), ("true", "false"), ("on", "off"), ("add", "remove"),
    ("show", "hide"), ("before", "after"), ("in", "out"), ("read", "write"), ("get", "set"),
    ("request", "response"), ("rpm", "tpm"), ("inbound", "outbound"), ("public", "private"),
    ("prefix", "suffix"), ("first", "last"), ("soft", "hard"), ("user", "team"), ("allow", "block"),
    ("blocked", "allowed"), ("accept", "reject"),
)  # fmt: skip
_OPPOSITE = {frozenset(p) for p in OPPOSITES}
_SPLIT = re.compile(r"[_\-.]+")


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: a swap of neighbours counts 1)."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def limit(name: str) -> int:
    """How many edits a misspelling of a name this long may hold."""
    return 1 if len(name) <= 5 else 2


def _fold(name: str) -> str:
    return name.lower().replace("-", "_")


def _words(name: str) -> list[str]:
    return [w for w in _SPLIT.split(name.lower()) if w]


def different_word(typed: str, valid: str, vocabulary: frozenset[str] = frozenset()) -> bool:
    """True when `typed` differs from `valid` by a whole word rather than by a slip of the keyboard."""
    a, b = _words(typed), _words(valid)
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    for x, y in differ:
        if frozenset((x, y)) in _OPPOSITE:
            return True
        if x.rstrip("s") == y.rstrip("s"):
            continue  # singular/plural
        if x in vocabulary:
            return True
    return False


def vocabulary(pool: Iterable[str]) -> frozenset[str]:
    """The words of the valid names (for different_word)."""
    return frozenset(w for name in pool for w in _words(name))


def near(name: str, pool: Iterable[str], vocab: frozenset[str] | None = None) -> list[str]:
    """Every valid name `name` may be a misspelling of (within the edit limit, not a different word),
    nearest first: more than one means there is no clear answer."""
    if not isinstance(name, str) or not name:
        return []
    return list(_near(name, *_key(pool, vocab)))


def _key(pool: Iterable[str], vocab: frozenset[str] | None) -> tuple[frozenset[str], frozenset[str]]:
    """The memo key of a question: the valid names as a set (the answers do not depend on their
    order), and the vocabulary (computed from the pool when not given)."""
    items = pool if isinstance(pool, frozenset) else tuple(pool)  # a generator is read once
    try:
        names = _names(items)
    except TypeError:  # an unhashable item in the pool: never a valid name
        names = frozenset(p for p in items if isinstance(p, str))
    return names, _vocabulary(names) if vocab is None else vocab


@lru_cache(maxsize=256)
def _names(pool: frozenset | tuple) -> frozenset[str]:
    return frozenset(p for p in pool if isinstance(p, str))


_vocabulary = lru_cache(maxsize=256)(vocabulary)


# The answers are pure functions of (name, pool, vocabulary), remembered per distinct question: a config
# of thousands of deployments asks the same few questions thousands of times.
@lru_cache(maxsize=4096)
def _near(name: str, pool: frozenset[str], vocab: frozenset[str]) -> tuple[str, ...]:
    if name in pool:
        return ()
    folded, most = _fold(name), limit(name)
    found = sorted((distance(folded, _fold(p)), p) for p in pool if abs(len(p) - len(name)) <= most)
    return tuple(p for d, p in found if d <= most and not different_word(name, p, vocab))


def nearest(name: str, pool: Iterable[str], vocab: frozenset[str] | None = None) -> str | None:
    """The one valid name `name` is clearly a misspelling of, or None (see the module docstring)."""
    if not isinstance(name, str) or not name:
        return None
    return _nearest(name, *_key(pool, vocab))


@lru_cache(maxsize=4096)
def _nearest(name: str, pool: frozenset[str], vocab: frozenset[str]) -> str | None:
    if name in pool:
        return None
    folded = _fold(name)
    same = [p for p in pool if _fold(p) == folded]
    if same:
        return same[0] if len(same) == 1 else None
    most = limit(name)
    near: list[tuple[int, str]] = []
    for p in pool:
        if abs(len(p) - len(name)) > most:
            continue
        d = distance(folded, _fold(p))
        if d <= most:
            near.append((d, p))
    if not near:
        return None
    near.sort()
    best_d, best = near[0]
    if len(near) > 1 and near[1][0] == best_d:
        return None  # a tie: no clear answer
    if len(near) > 1 and best_d > 1:
        return None  # two candidates within reach, the best two edits away: not clear enough
    if different_word(name, best, vocab):
        return None
    return best
