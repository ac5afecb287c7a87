"""autofix.loader reads exactly what PyYAML's own safe_load reads, although it remembers the resolver's
and the constructor's answers (the speed-ups must never change a value, a type or an error)."""

from pathlib import Path

import pytest
import yaml

from autofix.errors import InputError
from autofix.loader import parse, safe_load
from autofix.verify import strict_equal

HERE = Path(__file__).resolve().parent
FILES = sorted((HERE / "corpus" / "litellm-1.110.2").glob("*.yaml")) + sorted(
    (HERE.parent / "fixtures").rglob("*.yaml")
)

# The same texts under different tags, so a memo keyed by the text alone would mix them up
TRICKY = [
    "a: 1\nb: '1'\nc: !!str 1\nd: !!float 1\ne: 1.0\nf: 0x1f\ng: 0o17\nh: 017\ni: 1_000\nj: 1:30\n",
    "a: yes\nb: 'yes'\nc: !!str yes\nd: Yes\ne: on\nf: ~\ng: null\nh: ''\ni: !!null ''\nj: NULL\n",
    "a: .nan\nb: .inf\nc: -.inf\nd: 1e3\ne: 1.0e+3\nf: 2001-12-14\ng: 2001-12-14t21:59:43.10-05:00\n",
    "=: 1\nb: !!binary aGVsbG8=\n1: int key\n'1': str key\n2.5: float key\n? [x]\n: 1\n",
    "base: &b {x: 1, y: [1, 2]}\nm:\n  <<: *b\n  y: 3\nn:\n  <<: [*b, {z: 4}]\nalias: *b\n",
    "set: !!set {a, b}\nomap: !!omap [{a: 1}, {b: 2}]\npairs: !!pairs [{a: 1}, {a: 2}]\n",
]


def _pure(text: str):
    """PyYAML's pure-Python safe_load: no libyaml, no memo, no autofix code at all."""
    return yaml.load(text, Loader=yaml.SafeLoader)


@pytest.mark.parametrize("text", TRICKY)
def test_parse_reads_what_pyyaml_reads(text: str):
    for _ in range(2):  # the second time from the memo
        try:
            expected = _pure(text)
        except yaml.YAMLError:
            with pytest.raises(InputError):
                parse(text)
            continue
        if not isinstance(expected, dict):
            continue
        assert strict_equal(parse(text, untrusted=False)[1], expected)
        assert strict_equal(safe_load(text), expected)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(HERE.parent)))
def test_every_shipped_config_reads_as_pyyaml_reads_it(path: Path):
    text = path.read_text(encoding="utf-8-sig")
    expected = _pure(text)
    if not isinstance(expected, dict):
        return
    try:
        data = parse(text)[1]
    except InputError:  # refused by an input guard (duplicate keys...): nothing to compare
        return
    assert strict_equal(data, expected)


def test_a_value_key_is_read_as_the_string_pyyaml_reads():
    root, data = parse("=: 1\nb: 2\n")
    assert data == {"=": 1, "b": 2}
    assert root.value[0][0].tag == "tag:yaml.org,2002:value"  # the tree stays as written


def test_an_unhashable_key_is_refused_as_pyyaml_refuses_it():
    with pytest.raises(yaml.YAMLError):
        _pure("? [x]\n: 1\n")
    with pytest.raises(InputError, match="unhashable"):
        parse("? [x]\n: 1\n")


def test_explicit_tags_the_memo_does_not_mix_up():
    data = parse("a: !!int '7'\nb: '7'\nc: 7\nd: !!bool 'yes'\ne: 'yes'\n")[1]
    assert data == {"a": 7, "b": "7", "c": 7, "d": True, "e": "yes"}
    assert [type(v) for v in data.values()] == [int, str, int, bool, str]


def test_a_bad_explicit_tag_still_fails_as_in_pyyaml():
    with pytest.raises(InputError):
        parse("a: !!int seven\n")


def _tags(node) -> list:
    """Every node's kind, tag and value text, in document order."""
    out = [(type(node).__name__, node.tag, node.value if isinstance(node.value, str) else None)]
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            out += _tags(k) + _tags(v)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            out += _tags(item)
    return out


@pytest.mark.parametrize(
    "text",
    [
        *TRICKY,
        "a: |\n  block\nb: >-\n  folded\nc: \"quoted 1\"\nd: [1, 'x', {e: f}]\ng: !custom {h: 1}\n- bad\n",
        "a:\n  - b: [1, [2, [3]]]\n  - !!map {c: d}\n  - !!seq [e]\n  - ? complex\n    : key\n",
    ],
)
def test_composed_tags_are_pyyamls(text: str):
    """The composer's resolver hooks (C no-ops, collections answered directly) give every node the tag
    PyYAML's pure-Python composer gives it."""
    from autofix.loader import _compose_plain

    try:
        expected = _tags(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            _compose_plain(text)
        return
    for _ in range(2):  # the second time from the memo
        assert _tags(_compose_plain(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        *TRICKY,
        "a: !!int '7'\nb: !!bool 'yes'\nc: !!str 7\nd: !!map {e: !!seq [1]}\n",
        "1: a\n1.5: b\ntrue: c\n~: d\nx: {y: [null, .nan, -0.0, 0o7, 0x_1F]}\n",
    ],
)
def test_the_plain_builder_reads_what_pyyaml_reads_or_gives_way(text: str):
    """`_plain_data` builds a tree without anchors straight from its nodes; whatever it does not know
    (timestamps, binaries, sets, merge keys, complex keys, ...) it leaves to PyYAML's constructor."""
    from autofix.loader import _NOT_PLAIN, _compose_plain, _plain_data

    try:
        expected = _pure(text)
    except yaml.YAMLError:
        return
    data = _plain_data(_compose_plain(text))
    assert data is _NOT_PLAIN or strict_equal(data, expected)


def test_the_plain_builder_builds_a_config_itself():
    """A config without anchors (nearly every one) never reaches PyYAML's slower constructor."""
    from autofix.loader import _NOT_PLAIN, _compose_plain, _plain_data

    for path in FILES:
        text = path.read_text(encoding="utf-8-sig")
        if "&" in text or "!!" in text:
            continue
        try:
            expected = _pure(text)
        except yaml.YAMLError:
            continue
        data = _plain_data(_compose_plain(text))
        if data is _NOT_PLAIN:  # a timestamp or another tag PyYAML builds itself
            assert "tag:yaml.org,2002:timestamp" in str(_tags(_compose_plain(text))), path
            continue
        assert strict_equal(data, expected), path
    assert (
        _plain_data(_compose_plain((HERE.parent / "fixtures" / "litellm-unified.yaml").read_text()))
        is not _NOT_PLAIN
    )
