"""Properties of a run on random LiteLLM-like configs (hypothesis).

The configs are generated as a tree (model_list deployments with litellm_params/model_info; the
sections litellm_settings, router_settings, general_settings, server_settings, rate_limit_settings,
with values that trigger the fixes or not), then written out by a small emitter of our own in a random
style: indentation 2 or 4, sequences at offset 0 or 2, plain/single/double quotes, full-line and
inline comments in many places, blank lines, flow-style sections, LF or CRLF, an optional BOM and an
optional missing final newline. Every generated text is first checked to load as the tree it was made
from, so a failure below is autofix's, not the emitter's.

Properties of `runner.run(text, registry.select(["p0,p1"]), unsafe=...)`:
1. the output parses, and equals the input plus exactly the declared changes (no VerificationError;
   recomputed here with verify.expected_data);
2. comments are kept: every comment of the input is in the output unless the key (or list item) it sits
   on or above was deleted (a stricter check than checks.assert_comments_stay, which runs as well);
3. top-level sections whose data did not change are byte-identical;
4. a second run changes nothing;
5. line endings, BOM and the missing final newline stay as they were.

The generator generates every shape it can: the engine bugs it found earlier (a section emptied and
extended in one pass, a single callback name removed from a list another fix made, a new section
added above the last section's trailing comments, a deleted section's comments left behind after a
blank line, the inline comment on the key of a mapping a fix empties) are fixed, each pinned by its
own test below, and the generator no longer steers around them.
`AUTOFIX_PROPERTY_EXAMPLES=n` sets the examples per property (default 120).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml
from checks import assert_comments_stay, assert_untouched_sections_identical
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from autofix import registry
from autofix.document import Document
from autofix.loader import safe_load
from autofix.runner import run
from autofix.verify import expected_data, strict_equal

PLAN = registry.select(["p0,p1"])
# the full budget in the deep run (AUTOFIX_DEEP=1, as .ci/run); a smaller one by default
EXAMPLES = int(
    os.environ.get("AUTOFIX_PROPERTY_EXAMPLES", "120" if os.environ.get("AUTOFIX_DEEP") == "1" else "25")
)
# derandomize: every run checks the same examples, so the suite passes or fails the same way on every
# run (AUTOFIX_PROPERTY_RANDOM=1 explores new examples each run instead); deadline=None: no example may
# fail for taking long on a busy machine
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ left in the checkout
    derandomize=os.environ.get("AUTOFIX_PROPERTY_RANDOM", "") in ("", "0"),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --------------------------------------------------------------------------------------------------
# The tree and its emitter
# --------------------------------------------------------------------------------------------------


@dataclass
class Scalar:
    value: Any
    style: str = "plain"  # plain | single | double | bool-word index for booleans


@dataclass
class Entry:
    key: str
    value: Any  # Scalar | Map | Seq
    before: list[str] = field(default_factory=list)  # full-line comments above the key
    inline: str | None = None  # a comment at the end of the key's line
    blank_before: bool = False
    quoted_key: bool = False


@dataclass
class Item:
    value: Any
    before: list[str] = field(default_factory=list)
    inline: str | None = None


@dataclass
class Map:
    entries: list[Entry]
    flow: bool = False
    trailing: list[str] = field(default_factory=list)  # comments after the last entry, at its indentation


@dataclass
class Seq:
    items: list[Item]
    flow: bool = False


@dataclass
class Style:
    step: int = 2
    seq_offset: int = 2
    newline: str = "\n"
    bom: bool = False
    final_newline: bool = True


@dataclass
class Comment:
    text: str  # "# c7 ..." (unique by its id)
    anchor: tuple  # ("key", path) | ("item", list_path, value) | ("root",)
    full_line: bool


_BOOL_WORDS = {True: ["true", "True", "yes", "on"], False: ["false", "False", "no", "off"]}


def _loads(text: str) -> Any:
    return safe_load(text)


def _plain_ok(text: str, flow: bool) -> bool:
    try:
        got = _loads(f"k: [{text}]") if flow else _loads(f"k: {text}")
    except yaml.YAMLError:
        return False
    return got == ({"k": [text]} if flow else {"k": text})


def scalar_text(s: Scalar, flow: bool = False) -> str:
    v = s.value
    if v is None:
        return {"plain": "null", "single": "~", "double": "null"}.get(s.style, "null")
    if isinstance(v, bool):
        words = _BOOL_WORDS[v]
        return words[int(s.style[1:]) % len(words)] if s.style.startswith("w") else words[0]
    if isinstance(v, int):
        return str(v)
    if s.style == "single" and "\n" not in v:
        return "'" + v.replace("'", "''") + "'"
    if s.style == "plain" and _plain_ok(v, flow):
        return v
    return json.dumps(v, ensure_ascii=False)


def to_data(node: Any) -> Any:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Map):
        return {e.key: to_data(e.value) for e in node.entries}
    return [to_data(i.value) for i in node.items]


def _flow_text(node: Any) -> str:
    if isinstance(node, Scalar):
        return scalar_text(node, flow=True)
    if isinstance(node, Map):
        return "{" + ", ".join(f"{e.key}: {_flow_text(e.value)}" for e in node.entries) + "}"
    return "[" + ", ".join(_flow_text(i.value) for i in node.items) + "]"


class Emitter:
    def __init__(self, style: Style):
        self.style = style
        self.lines: list[str] = []
        self.comments: list[Comment] = []

    def comment(self, pad: int, cid: str, anchor: tuple) -> None:
        self.lines.append(" " * pad + cid)
        self.comments.append(Comment(cid, anchor, True))

    def inline(self, cid: str | None, anchor: tuple) -> str:
        if cid is None:
            return ""
        self.comments.append(Comment(cid, anchor, False))
        return "  " + cid

    def key_text(self, e: Entry) -> str:
        return json.dumps(e.key) if e.quoted_key else e.key

    def mapping(self, m: Map, indent: int, path: tuple, first_prefix: str | None = None) -> None:
        """Block mapping at column `indent`; with `first_prefix` the first entry goes on the line of a dash."""
        for n, e in enumerate(m.entries):
            p = (*path, e.key)
            if e.blank_before and not (first_prefix is not None and n == 0):
                self.lines.append("")
            if not (first_prefix is not None and n == 0):
                for cid in e.before:
                    self.comment(indent, cid, ("key", p))
            lead = first_prefix if (first_prefix is not None and n == 0) else " " * indent
            head = f"{lead}{self.key_text(e)}:"
            v = e.value
            if isinstance(v, Scalar):
                text = scalar_text(v)
                self.lines.append(f"{head} {text}" + self.inline(e.inline, ("key", p)))
            elif v.flow or not (v.entries if isinstance(v, Map) else v.items):
                self.lines.append(f"{head} {_flow_text(v)}" + self.inline(e.inline, ("key", p)))
            elif isinstance(v, Map):
                self.lines.append(head + self.inline(e.inline, ("key", p)))
                self.mapping(v, indent + self.style.step, p)
            else:
                self.lines.append(head + self.inline(e.inline, ("key", p)))
                self.sequence(v, indent + self.style.seq_offset, p)
        for cid in m.trailing:
            self.comment(indent, cid, ("key", path))

    def sequence(self, s: Seq, dash: int, path: tuple) -> None:
        for i, item in enumerate(s.items):
            v = item.value
            anchor = (
                ("item", path, json.dumps(to_data(v), sort_keys=True))
                if isinstance(v, Scalar)
                else ("key", (*path, i))
            )
            for cid in item.before:
                self.comment(dash, cid, anchor)
            if isinstance(v, Scalar):
                self.lines.append(" " * dash + "- " + scalar_text(v) + self.inline(item.inline, anchor))
            elif isinstance(v, Map) and v.entries and not v.flow:
                start = len(self.lines)
                self.mapping(v, dash + 2, (*path, i), first_prefix=" " * dash + "- ")
                if item.inline is not None:  # on the dash line
                    self.lines[start] += self.inline(item.inline, anchor)
            else:
                self.lines.append(" " * dash + "- " + _flow_text(v) + self.inline(item.inline, anchor))

    def document(self, top: Map, header: list[str], footer: list[str]) -> str:
        for cid in header:
            self.comment(0, cid, ("root",))
        if header:
            self.lines.append("")
        self.mapping(top, 0, ())
        for cid in footer:
            self.comment(0, cid, ("root",))
        nl = self.style.newline
        text = nl.join(self.lines) + (nl if self.style.final_newline else "")
        return text


# --------------------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------------------

WORDS = ["note", "keep", "TODO", "prod", "see runbook", "ops: do not touch", "why? because", "é ✓", "#hash"]


@st.composite
def comment_ids(draw, counter: list[int], most: int = 1) -> list[str]:
    out = []
    for _ in range(draw(st.integers(0, most))):
        counter[0] += 1
        out.append(f"# c{counter[0]} {draw(st.sampled_from(WORDS))}")
    return out


@st.composite
def maybe_inline(draw, counter: list[int]) -> str | None:
    ids = draw(comment_ids(counter))
    return ids[0] if ids else None


def scalars(values) -> st.SearchStrategy[Scalar]:
    return st.builds(Scalar, values, st.sampled_from(["plain", "plain", "single", "double"]))


@st.composite
def entries(draw, counter, pairs: list[tuple[str, Any]]) -> list[Entry]:
    """Entries for the (key, node) pairs, in a drawn order, with drawn comments and blank lines."""
    order = draw(st.permutations(pairs))
    return [
        Entry(
            k,
            v,
            draw(comment_ids(counter)),
            draw(maybe_inline(counter)),
            draw(st.booleans()) and n > 0,
            draw(st.integers(0, 9)) == 0,
        )
        for n, (k, v) in enumerate(order)
    ]


@st.composite
def a_map(
    draw, counter, options: dict[str, st.SearchStrategy], *, flow_ok: bool = True, least: int = 0
) -> Map:
    keys = draw(
        st.lists(st.sampled_from(sorted(options)), unique=True, min_size=least, max_size=len(options))
    )
    pairs = [(k, draw(options[k])) for k in keys]
    flat = all(
        isinstance(v, Scalar) or (isinstance(v, Seq) and all(isinstance(i.value, Scalar) for i in v.items))
        for _, v in pairs
    )
    if flow_ok and flat and pairs and draw(st.integers(0, 4)) == 0:
        return Map([Entry(k, v) for k, v in pairs], flow=True)
    trailing = draw(comment_ids(counter)) if pairs else []
    return Map(draw(entries(counter, pairs)), trailing=trailing)


@st.composite
def a_list(draw, counter, item: st.SearchStrategy, *, least: int = 0, most: int = 3) -> Seq:
    values = draw(st.lists(item, min_size=least, max_size=most))
    if draw(st.integers(0, 3)) == 0 and all(isinstance(v, Scalar) for v in values):
        return Seq([Item(v) for v in values], flow=True)
    return Seq([Item(v, draw(comment_ids(counter)), draw(maybe_inline(counter))) for v in values])


def ints(lo: int, hi: int) -> st.SearchStrategy[Scalar]:
    return st.builds(Scalar, st.integers(lo, hi))


def bools() -> st.SearchStrategy[Scalar]:
    return st.builds(Scalar, st.booleans(), st.sampled_from(["plain", "w1", "w2", "w3"]))


def strs(*values: str) -> st.SearchStrategy[Scalar]:
    return scalars(st.sampled_from(values))


@st.composite
def deployment(draw, counter) -> Map:
    params = {
        "model": strs(
            "ollama/llama3.1",
            "ollama_chat/qwen2.5-coder:7b",
            "openai/gpt-4o",
            "anthropic/claude-3-5-sonnet-20240620",
            "hosted_vllm/Qwen/Qwen2.5-7B",
            "gpt-4o-mini",
        ),
        "api_base": strs(
            "http://127.0.0.1:11434",
            "http://localhost:8000/v1",
            "https://api.example.com/v1",
            "http://10.0.0.7:11434",
            "os.environ/OLLAMA_BASE",
        ),
        "api_key": strs("os.environ/OPENAI_API_KEY", "os.environ/ANTHROPIC_API_KEY"),
        "rpm": ints(1, 1000),
        "tpm": ints(1000, 100000),
        "timeout": ints(5, 600),
    }
    info = {
        "max_input_tokens": ints(1024, 200000),
        "health_check_timeout": ints(1, 60),
        "mode": strs("chat", "embedding", "completion"),
        "tags": a_list(counter, strs("fast", "local", "code"), most=2),
    }
    pairs = [("model_name", draw(strs("llama", "gpt-4o", "qwen-coder", "claude", "embed")))]
    pairs.append(("litellm_params", draw(a_map(counter, params, least=1))))
    if draw(st.booleans()):
        pairs.append(("model_info", draw(a_map(counter, info))))
    return Map(draw(entries(counter, pairs)))


@st.composite
def configs(draw) -> tuple[str, Any, list[Comment], Style]:
    counter = [0]
    callbacks = strs("prometheus", "otel", "langfuse", "webhook", "custom_callbacks.handler")
    sections: dict[str, st.SearchStrategy] = {
        "model_list": a_list(counter, deployment(counter), most=3),
        "litellm_settings": a_map(
            counter,
            {
                "timeout": ints(0, 600),
                "stream_timeout": ints(0, 300),
                "request_timeout": ints(1, 600),
                "callbacks": st.one_of(a_list(counter, callbacks, most=3), callbacks),
                "success_callback": a_list(counter, callbacks, most=2),
                "set_verbose": bools(),
                "json_logs": bools(),
                "drop_params": bools(),
                "num_retries": ints(0, 5),
            },
        ),
        "router_settings": a_map(
            counter,
            {
                "routing_strategy": strs(
                    "usage-based-routing-v2",
                    "usage-based-routing",
                    "simple-shuffle",
                    "least-busy",
                    "latency-based-routing",
                ),
                "num_retries": ints(0, 5),
                "timeout": ints(1, 600),
                "health_check_interval": st.one_of(ints(1, 600), strs("300")),
                "enable_pre_call_checks": bools(),
                "redis_host": strs("redis.internal", "127.0.0.1"),
                "redis_password": strs("os.environ/REDIS_PASSWORD"),
            },
        ),
        "general_settings": a_map(
            counter,
            {
                "master_key": strs("os.environ/LITELLM_MASTER_KEY"),
                "background_health_checks": bools(),
                "health_check_interval": st.one_of(ints(1, 600), strs("300")),
                "health_check_details": bools(),
                "database_url": strs("os.environ/DATABASE_URL"),
                "alerting": a_list(counter, strs("slack", "email"), most=2),
            },
        ),
        "server_settings": a_map(
            counter,
            {
                "prometheus": a_map(counter, {"enabled": bools(), "port": ints(1024, 65535)}, least=1),
                "port": ints(1024, 65535),
            },
            least=1,
        ),
        "rate_limit_settings": a_map(
            counter,
            {
                "enabled": bools(),
                "default_rpm": ints(1, 1000),
            },
            least=1,
        ),
    }
    names = draw(st.lists(st.sampled_from(sorted(sections)), unique=True, max_size=len(sections)))
    if "model_list" not in names:  # a config that is only sections a fix deletes ends up as `{}`
        names.insert(draw(st.integers(0, len(names))), "model_list")
    pairs = [(n, draw(sections[n])) for n in names]
    top = Map(draw(entries(counter, pairs)))
    blank_sections = draw(st.booleans())
    for e in top.entries[1:]:
        e.blank_before = blank_sections or e.blank_before
        e.quoted_key = False
    style = Style(
        step=draw(st.sampled_from([2, 4])),
        seq_offset=draw(st.sampled_from([0, 2])),
        newline=draw(st.sampled_from(["\n", "\r\n"])),
        bom=draw(st.integers(0, 4)) == 0,
        final_newline=draw(st.integers(0, 4)) != 0,
    )
    em = Emitter(style)
    text = em.document(top, draw(comment_ids(counter)), draw(comment_ids(counter)))
    data = to_data(top)
    loaded = _loads(text)
    assert strict_equal(loaded, data), f"the emitter is wrong:\n{text}\n{loaded!r}\n{data!r}"
    return text, data, em.comments, style


def _bytes(text: str, style: Style) -> bytes:
    return (b"\xef\xbb\xbf" if style.bom else b"") + text.encode()


def _run(data: bytes, unsafe: bool):
    return run(data, PLAN, unsafe=unsafe)


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

CHECKED: dict[str, int] = {}


def _count(name: str) -> None:
    CHECKED[name] = CHECKED.get(name, 0) + 1


@SETTINGS
@given(configs(), st.booleans())
def test_output_parses_and_differs_only_by_the_declared_changes(config, unsafe):
    text, data, _, style = config
    result = _run(_bytes(text, style), unsafe)  # raises VerificationError if the runner's own check fails
    new = _loads(result.new_bytes.decode("utf-8-sig"))
    assert isinstance(new, dict)
    assert strict_equal(expected_data(data, result.changes), new), "undeclared differences"
    for change in result.changes:
        assert change.migration in {m.id for m in PLAN}
    _count("declared")


def _exists(data: Any, anchor: tuple) -> bool:
    if anchor[0] == "root":
        return True
    if anchor[0] == "item":
        _, path, value = anchor
        items = _get(data, path)
        return isinstance(items, list) and any(json.dumps(x, sort_keys=True) == value for x in items)
    return _get(data, anchor[1]) is not _GONE


_GONE = object()


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return _GONE
    return data


def _assert_comments_stay(old: str, new: str, changes) -> None:
    """checks.assert_comments_stay, except for the line of a key a fix deleted (or moved) while the same
    `key: value` text is written elsewhere in the same changed block: within a changed block, checks.py
    matches inline comments by the line's text."""
    moved = {c.path[-1] for c in changes if c.kind == "delete"}
    try:
        assert_comments_stay(old, new)
    except AssertionError as exc:
        m = re.match(r"inline comment lost on '\s*(?:- )?\"?([^\":]+)\"?\s*:", str(exc))
        if not (m and m.group(1) in moved):
            raise


@SETTINGS
@given(configs(), st.booleans())
def test_comments_stay_unless_their_key_was_deleted(config, unsafe):
    text, _, comments, style = config
    result = _run(_bytes(text, style), unsafe)
    new_text = result.new_bytes.decode("utf-8-sig")
    new_data = _loads(new_text)
    _assert_comments_stay(text, new_text, result.changes)
    new_lines = {line.strip() for line in new_text.splitlines()}
    for c in comments:
        if not _exists(new_data, c.anchor):
            continue
        if c.full_line:
            assert c.text in new_lines, f"comment {c.text!r} (on {c.anchor}) was lost"
        else:
            assert c.text in new_text, f"inline comment {c.text!r} (on {c.anchor}) was lost"
    _count("comments")


DUPLICATES = {
    # found in random mode: `# c1 note` closes deployment 1's litellm_params, a fix adds model_info below
    # it, and deployment 2 already has an identical `  model_info:` line (the checker took one for the other)
    "deployments": (
        '"model_list":\n- "model_name": llama\n  "litellm_params": {api_base: http://127.0.0.1:11434}\n'
        '- "model_name": llama\n  "litellm_params":\n    "api_base": http://127.0.0.1:11434\n    "rpm": 1\n'
        '    # c1 note\n- "model_name": llama\n  "litellm_params": {api_base: http://127.0.0.1:11434}\n'
        '  model_info:\n    "health_check_timeout": 1\n',
        ["    # c1 note\n  model_info:\n    health_check_timeout: 10\n"],
    ),
    # identical `model_info: {}  # c1 note` lines, each edited (issue 10 item 15)
    "model-info": (
        "model_list:\n  - model_name: a\n    litellm_params: {model: openai/a}\n    model_info: {}  # c1 note\n"
        "  - model_name: a\n    litellm_params: {model: openai/a}\n    model_info: {}  # c1 note\n",
        ["    model_info:  # c1 note\n      health_check_timeout: 30\n"] * 2,
    ),
    # duplicate list items (each on its own line) next to an item G5 removes
    "list-items": (
        "model_list: []\nlitellm_settings:\n  callbacks:\n  - prometheus\n  - prometheus\n  - webhook  # c1 note\n",
        ["  - prometheus\n  - prometheus\n  json_logs: true\n"],
    ),
    "list-items-commented": (
        "model_list: []\nlitellm_settings:\n  callbacks:\n    - prometheus  # c1 note\n    # c2 note\n"
        "    - prometheus  # c3 note\n    - webhook\n  success_callback:\n    - webhook  # c4 note\n    - webhook\n",
        [
            "    - prometheus  # c1 note\n    # c2 note\n    - prometheus  # c3 note\n  success_callback:\n"
            "    - webhook  # c4 note\n    - webhook\n"
        ],
    ),
    # found in random mode: a full-line comment holding ` #` after a section G1 deletes (the checker
    # read `# c2` as code with the inline comment `hash`, and reported it lost)
    "hash-in-comment": (
        '"general_settings": {}\nlitellm_settings: {}\nrate_limit_settings: {default_rpm: 1}\nmodel_list: []\n'
        'router_settings: {}\n# c1 #hash\nserver_settings:\n  "prometheus": {enabled: false}\n# c2 #hash',
        ["router_settings: {}\n# c2 #hash"],
    ),
    # the same `key: value  # note` lines in two sections, one of them deleted by a fix (G6)
    "mapping-keys": (
        "model_list: []\nlitellm_settings:\n  # c1 note\n  timeout: 30  # c2 note\n  num_retries: 2  # c3 note\n"
        "router_settings:\n  # c1 note\n  timeout: 30  # c2 note\n  num_retries: 2  # c3 note\n",
        [
            "litellm_settings:\n  num_retries: 2  # c3 note\n",
            "router_settings:\n  # c1 note\n  timeout: 30  # c2 note\n  num_retries: 2  # c3 note\n",
        ],
    ),
}


@pytest.mark.parametrize("unsafe", [False, True])
@pytest.mark.parametrize("name", sorted(DUPLICATES))
def test_comments_on_duplicate_items_and_lines_stay_with_their_own_line(name, unsafe):
    """Duplicate list items and identical lines under different keys: each comment stays on (or above)
    its own line, and the checker the comment property uses agrees (it used to confuse such lines)."""
    text, kept = DUPLICATES[name]
    new = run(text.encode(), PLAN, unsafe=unsafe).new_bytes.decode()
    assert_comments_stay(text, new)
    for part in kept:
        assert new.count(part) >= kept.count(part), new


@pytest.mark.parametrize(
    "text,op",
    [
        (
            "router_settings:  # ops: keep\n  health_check_interval: 300\nmodel_list: []\n",
            ("delete", ("router_settings", "health_check_interval")),
        ),
        (
            "litellm_settings:\n  callbacks:  # ops: keep\n    - webhook\nmodel_list: []\n",
            ("remove_item", ("litellm_settings", "callbacks"), "webhook"),
        ),
    ],
)
def test_emptying_a_mapping_keeps_the_comment_on_its_key_line(text, op):
    """Found by the comment property: a fix that deletes the only key of a section (G2 moving
    router_settings.health_check_interval) leaves `router_settings: {}` and drops `# ops: keep`."""
    doc = Document(text)
    getattr(doc, op[0])(*op[1:])
    doc.commit()
    assert "# ops: keep" in doc.text, doc.text


def test_a_new_section_goes_below_the_last_sections_own_comments():
    """Found by the untouched-sections property. A commented-out setting at the end of the last section
    moves into the section autofix adds (uncommenting it later would put it in the wrong section)."""
    text = "general_settings:\n  master_key: os.environ/KEY\n  # database_url: os.environ/DATABASE_URL\n"
    doc = Document(text)
    doc.set(("litellm_settings", "json_logs"), True)
    doc.commit()
    assert doc.text.startswith(text), doc.text


def test_a_section_emptied_and_extended_in_one_pass_stays_valid():
    """Found by the declared-changes property: a valid config the default fixes cannot fix (the runner's
    verification stops it: exit 2, 'the fixed text does not parse')."""
    text = b"litellm_settings:\n  json_logs: false\n  stream_timeout: 0\nrouter_settings:\n  health_check_interval: 300\n"
    result = run(text, PLAN)
    new = _loads(result.new_bytes.decode())
    assert new["router_settings"] == {"stream_timeout": 120}


def test_removing_an_item_from_a_list_a_queued_edit_made_is_written():
    """Found by the idempotence property: a valid config the default fixes cannot fix (exit 2)."""
    text = b"server_settings:\n  prometheus: {port: 9090}\nlitellm_settings:\n  callbacks: webhook\n"
    result = run(text, PLAN)
    assert _loads(result.new_bytes.decode())["litellm_settings"]["callbacks"] == ["prometheus"]


def test_deleting_a_section_takes_its_own_trailing_comments():
    """Found by the untouched-sections property. G1 deletes server_settings; its commented-out `host` ends
    up inside router_settings (uncommented later, it would be router_settings.host)."""
    text = b"router_settings:\n  num_retries: 2\nserver_settings:\n  prometheus:\n    port: 9090\n\n  # host: 0.0.0.0\nmodel_list: []\n"
    new = run(text, [registry.find("G1")]).new_bytes.decode()
    assert "# host" not in new.split("model_list")[0], new


@SETTINGS
@given(configs(), st.booleans())
def test_untouched_sections_are_byte_identical(config, unsafe):
    text, _, _, style = config
    result = _run(_bytes(text, style), unsafe)
    assert_untouched_sections_identical(text, result.new_bytes.decode("utf-8-sig"))
    _count("sections")


@SETTINGS
@given(configs(), st.booleans())
def test_a_second_run_is_a_no_op(config, unsafe):
    text, _, _, style = config
    first = _run(_bytes(text, style), unsafe)
    second = _run(first.new_bytes, unsafe)
    assert not second.changes, [(c.migration, c.path) for c in second.changes]
    assert second.new_bytes == first.new_bytes
    _count("idempotent")


@SETTINGS
@given(configs(), st.booleans())
def test_line_endings_bom_and_final_newline_are_kept(config, unsafe):
    text, _, _, style = config
    data = _bytes(text, style)
    out = _run(data, unsafe).new_bytes
    assert out.startswith(b"\xef\xbb\xbf") == style.bom
    body = out.removeprefix(b"\xef\xbb\xbf")
    if "\r\n" in text:  # (a file of one line without a final newline has no line ending to follow)
        assert not re.search(rb"(?<!\r)\n", body), "a bare LF in a CRLF file"
    else:
        assert b"\r" not in body, "a CR in an LF file"
    if style.final_newline or out == data:
        assert body.endswith(style.newline.encode()) == style.final_newline
    else:
        assert not body.endswith(b"\n"), "a final newline was added"
    _count("line-endings")


def test_zz_report_the_examples_per_property():
    """Runs last (file order): prints how many examples each property checked in this session."""
    if CHECKED:
        print(
            "\nproperties: "
            + ", ".join(f"{k} {v} examples" for k, v in CHECKED.items())
            + f" (max_examples={EXAMPLES})"
        )
